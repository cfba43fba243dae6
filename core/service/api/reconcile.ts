/**
 * The reconciliation (对账) operations of the local API: a day's summary (as recorded, or
 * reconciled now), a supervisor's decision on a discrepancy (the access policy asks for the PIN or a
 * key with `settings`; who and why journaled),
 * and the day's discrepancies as CSV for the bookkeeper (UTF-8 with BOM, yuan, formulas escaped,
 * like the orders export). The service registers them in its api object (kiosk-service.ts).
 */

import type {
  DecideDiscrepancyRequest,
  ExportReconcileRequest,
  ReconcileDayRequest,
} from '../../common/contract/reconcile-schemas.ts';
import type { DaySummary, ReconcileItem } from '../../common/contract/reconcile-views.ts';
import { fenToYuan } from '../../common/money.ts';
import type { Clock } from '../../ports/clock.ts';
import { assertBillDate } from '../../reconcile/beijing-day.ts';
import { daySummary } from '../../reconcile/reconcile-day.ts';
import { spreadsheetCsv } from '../orders-csv.ts';
import { reconcileCsvHeader, reconcileCsvValues } from '../reconcile-csv-labels.ts';
import type { ServiceReconciliation } from '../reconcile-targets.ts';

export interface ReconcileApiDeps {
  readonly reconciliation: ServiceReconciliation;
  readonly clock: Clock;
  readonly terminalId: string;
}

const yuan = (fen: number | null) => (fen === null ? '' : fenToYuan(Math.abs(fen)));

export function createReconcileApi(deps: ReconcileApiDeps) {
  const { reconciliation } = deps;
  return {
    async reconcileDay(request: ReconcileDayRequest): Promise<DaySummary> {
      assertBillDate(request.date);
      if (request.run) return reconciliation.runDate(request.date);
      return daySummary(request.date, reconciliation.store, reconciliation.targets);
    },
    async decideDiscrepancy(request: DecideDiscrepancyRequest): Promise<ReconcileItem> {
      return reconciliation.store.decide(
        request.id,
        request.action,
        request.by,
        request.note,
        deps.clock.now(),
      );
    },
    async exportReconcile(
      request: ExportReconcileRequest,
    ): Promise<{ filename: string; csv: string; count: number }> {
      assertBillDate(request.date);
      const summary = daySummary(request.date, reconciliation.store, reconciliation.targets);
      const items = [
        ...summary.provider_only,
        ...summary.terminal_only,
        ...summary.amount_mismatch,
        ...summary.refund_mismatch,
      ];
      const rows = items.map((i) => {
        const words = reconcileCsvValues(i, request.language);
        return [
          i.bill_date,
          words.list,
          words.reason,
          i.pid,
          words.provider,
          i.out_trade_no,
          i.out_refund_no,
          yuan(i.terminal_fen),
          yuan(i.provider_fen),
          words.state,
          i.resolved_by ?? '',
          i.resolution_note ?? '',
        ];
      });
      const csv = spreadsheetCsv([reconcileCsvHeader(request.language), ...rows]);
      return {
        filename: `scanpay-reconcile-${deps.terminalId}-${request.date.replaceAll('-', '')}.csv`,
        csv,
        count: items.length,
      };
    },
  };
}
