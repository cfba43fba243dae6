/** Cashier shifts: open with a float, the current shift, close with the blind cash count (交班报表). */
import type { ScanPayApi } from '../../common/contract/api-contract.ts';
import type { ServiceParts } from './service-parts.ts';

export function shiftOperations({
  shifts,
  clock,
  publish,
}: ServiceParts): Pick<ScanPayApi, 'openShift' | 'currentShift' | 'closeShift'> {
  return {
    async openShift(request) {
      const shift = shifts.open(request.cashier, request.float_fee, clock.now());
      publish({ kind: 'shift', shift });
      return shift;
    },
    currentShift: async () => shifts.current(),
    async closeShift(request) {
      const report = shifts.close(request.counted.cash, clock.now());
      publish({ kind: 'shift', shift: null });
      return report;
    },
  };
}
