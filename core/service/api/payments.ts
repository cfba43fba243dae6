/** createPayment (micropay with a payment code, or a QR for the customer to scan), queryPayment, closeOrder and the attempt controls. */
import type { ScanPayApi } from '../../common/contract/api-contract.ts';
import { queryPayment } from './query-payment.ts';
import type { ServiceParts } from './service-parts.ts';

type PaymentOperations = Pick<
  ScanPayApi,
  'createPayment' | 'queryPayment' | 'closeOrder' | 'stopAttempt' | 'retryAttempt' | 'listUnresolved'
>;

export function paymentOperations({ engine }: ServiceParts): PaymentOperations {
  return {
    async createPayment(request) {
      const { data } = request;
      // No payment code (or needQRcode): a QR the customer scans; else a micropay charge of the code.
      const authCode = request.needQRcode ? undefined : data.auth_code;
      const qrMode = authCode === undefined;
      const input = { ...data, ...(request.provider ? { provider: request.provider } : {}) };
      const attempt =
        authCode === undefined
          ? await engine.startQr(input)
          : await engine.pay({ ...input, auth_code: authCode });
      const view = engine
        .orderDetail(attempt.orderNo)
        .attempts.find((a) => a.out_trade_no === attempt.outTradeNo)!;
      const codeUrl = qrMode ? attempt.qrCode : null;
      const image = codeUrl ? await (await import('qrcode')).default.toDataURL(codeUrl, { margin: 1 }) : null;
      return {
        out_trade_no: attempt.orderNo,
        provider: attempt.provider,
        pay_type: qrMode ? 'native' : 'micropay',
        needQRcode: qrMode,
        orderInfo: codeUrl ? { code_url: codeUrl } : null,
        qrcodeImage: image,
        total_fee: attempt.totalFee,
        platform: 'scanpay-kiosk',
        attempt: view,
      };
    },
    queryPayment: (request) => queryPayment(engine, request),
    closeOrder: async (request) => engine.closeOrder(request.out_trade_no),
    async stopAttempt(request) {
      engine.stop(request.out_trade_no);
      const detail = engine.orderDetail(request.out_trade_no);
      return detail.live_attempt ?? detail.attempts.at(-1)!;
    },
    async retryAttempt(request) {
      engine.retry(request.out_trade_no);
      return engine.orderDetail(request.out_trade_no).attempts.at(-1)!;
    },
    listUnresolved: async () => engine.unresolved(),
  };
}
