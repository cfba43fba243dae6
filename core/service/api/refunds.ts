/** refund and queryRefund. Who may refund (a supervisor PIN or a key with `refund`) is the access policy's. */
import type { ScanPayApi } from '../../common/contract/api-contract.ts';
import type { ServiceParts } from './service-parts.ts';

export function refundOperations({ engine }: ServiceParts): Pick<ScanPayApi, 'refund' | 'queryRefund'> {
  return {
    async refund(request) {
      const record = await engine.refunds.refund(request);
      return {
        out_trade_no: record.orderNo,
        out_refund_no: record.outRefundNo,
        refund_fee: record.refundFee,
        status: record.status,
        order: engine.orderView(record.orderNo)!,
      };
    },
    async queryRefund(request) {
      const refunds = await engine.refunds.queryRefunds(request.out_trade_no);
      const order = engine.orderView(request.out_trade_no)!;
      const filtered = request.out_refund_no
        ? refunds.filter((r) => r.outRefundNo === request.out_refund_no)
        : refunds;
      return {
        out_trade_no: order.out_trade_no,
        refunds: order.refunds.filter((r) => filtered.some((f) => f.outRefundNo === r.out_refund_no)),
        refunded_fee: order.refunded_fee,
        status: order.status,
      };
    },
  };
}
