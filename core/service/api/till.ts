/** The cashier's till: a sale the next scanned code pays, scans typed or captured by a browser, and cash sales. */
import type { ScanPayApi } from '../../common/contract/api-contract.ts';
import { cashTenderedCustom } from '../peripherals/cash-tendered.ts';
import type { ServiceParts } from './service-parts.ts';

type TillOperations = Pick<
  ScanPayApi,
  'beginSale' | 'cancelSale' | 'getSale' | 'submitScan' | 'recordCashSale'
>;

export function tillOperations({ engine, till, shifts, clock, publish }: ServiceParts): TillOperations {
  return {
    beginSale: async (request) => till.begin(request.total_fee, request.note, request.pid),
    cancelSale: async () => till.cancel(),
    getSale: async () => till.view(),
    submitScan(request) {
      const shown =
        request.total_fee === undefined
          ? undefined
          : { total_fee: request.total_fee, note: request.note, pid: request.pid };
      // The schema guarantees a code or a held id, and an amount with a held id.
      if (request.held_id !== undefined && shown) return till.payHeld(request.held_id, shown, clock.now());
      return till.scan(request.code ?? '', request.source ?? 'ui', clock.now(), shown);
    },
    async recordCashSale(request) {
      const shift = shifts.current();
      const order = engine.createOrder(
        {
          total_fee: request.total_fee,
          // Same subject as an e-wallet sale: the note stays in `note`, for the till only.
          subject: till.subjectFor(undefined),
          ...cashTenderedCustom(request.total_fee, request.tendered_fee),
          ...(request.note ? { note: request.note } : {}),
          ...(shift ? { cashier: shift.cashier, shift_id: shift.shift_id } : {}),
        },
        'cash',
        1,
      );
      publish({ kind: 'shift', shift: shifts.current() });
      return engine.orderView(order.orderNo)!;
    },
  };
}
