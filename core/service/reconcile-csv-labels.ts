/**
 * The 对账 CSV's headers and values in the UI language (the till's export asks with its language;
 * without one the stable machine names stay, for scripts). The texts follow the renderer's
 * reconcile catalog entries; they live here because the service writes the file.
 */
import type {
  DiscrepancyKind,
  DiscrepancyReason,
  ReconcileItem,
} from '../common/contract/reconcile-views.ts';
import { type CsvLanguage, providerLabel } from './orders-csv.ts';

export const RECONCILE_CSV_COLUMNS = [
  'bill_date',
  'list',
  'reason',
  'pid',
  'provider',
  'out_trade_no',
  'out_refund_no',
  'terminal_yuan',
  'provider_yuan',
  'state',
  'decided_by',
  'note',
] as const;

type Column = (typeof RECONCILE_CSV_COLUMNS)[number];

interface ReconcileLabels {
  readonly columns: Readonly<Record<Column, string>>;
  readonly lists: Readonly<Record<DiscrepancyKind, string>>;
  readonly reasons: Readonly<Record<DiscrepancyReason, string>>;
  readonly states: Readonly<Record<ReconcileItem['state'], string>>;
}

const LABELS: Readonly<Record<CsvLanguage, ReconcileLabels>> = {
  'zh-CN': {
    columns: {
      bill_date: '账单日期',
      list: '类别',
      reason: '原因',
      pid: '商户',
      provider: '支付通道',
      out_trade_no: '订单号',
      out_refund_no: '退款单号',
      terminal_yuan: '本机（元）',
      provider_yuan: '账单（元）',
      state: '状态',
      decided_by: '处理人',
      note: '说明',
    },
    lists: {
      provider_only: '长款',
      terminal_only: '短款',
      amount_mismatch: '金额不符',
      refund_mismatch: '退款不符',
    },
    reasons: {
      attempt_not_booked: '渠道已收款，本机记为未支付',
      unknown_to_terminal: '渠道已收款，本机无此订单',
      duplicate_row: '账单中重复出现',
      absent_from_bill: '本机已收款，账单中没有',
      reversed_at_provider: '本机已收款，渠道显示已撤销',
      status_at_provider: '渠道状态未收款',
      amount_differs: '金额与账单不同',
      refund_amount_differs: '退款金额与账单不同',
      refund_not_booked: '渠道已退款，本机无记录',
      refund_pending_here: '渠道已退款，本机仍在处理中',
      refund_absent_from_bill: '本机已退款，账单中没有',
    },
    states: { open: '待处理', booked: '已入账', refunded: '已退款', explained: '已说明' },
  },
  en: {
    columns: {
      bill_date: 'Bill date',
      list: 'List',
      reason: 'Reason',
      pid: 'Merchant',
      provider: 'Provider',
      out_trade_no: 'Order no.',
      out_refund_no: 'Refund no.',
      terminal_yuan: 'Terminal (yuan)',
      provider_yuan: 'Bill (yuan)',
      state: 'State',
      decided_by: 'Decided by',
      note: 'Note',
    },
    lists: {
      provider_only: 'Over (provider only)',
      terminal_only: 'Short (terminal only)',
      amount_mismatch: 'Amount differs',
      refund_mismatch: 'Refund differs',
    },
    reasons: {
      attempt_not_booked: 'Paid at the provider; unpaid here',
      unknown_to_terminal: 'Paid at the provider; no such order here',
      duplicate_row: 'Twice in the bill',
      absent_from_bill: 'Paid here; not in the bill',
      reversed_at_provider: 'Paid here; reversed at the provider',
      status_at_provider: 'Unpaid at the provider',
      amount_differs: 'Amount differs from the bill',
      refund_amount_differs: 'Refund amount differs from the bill',
      refund_not_booked: 'Refunded at the provider; not recorded here',
      refund_pending_here: 'Refunded at the provider; still pending here',
      refund_absent_from_bill: 'Refunded here; not in the bill',
    },
    states: { open: 'Open', booked: 'Booked', refunded: 'Refunded', explained: 'Explained' },
  },
};

/** The header row; machine names without a language. */
export function reconcileCsvHeader(language: CsvLanguage | undefined): string[] {
  const labels = language ? LABELS[language] : undefined;
  return RECONCILE_CSV_COLUMNS.map((column) => labels?.columns[column] ?? column);
}

/** An item's list, reason, provider and state as words in that language; machine names without one. */
export function reconcileCsvValues(
  item: Pick<ReconcileItem, 'kind' | 'reason' | 'provider' | 'state'>,
  language: CsvLanguage | undefined,
): { list: string; reason: string; provider: string; state: string } {
  if (!language) return { list: item.kind, reason: item.reason, provider: item.provider, state: item.state };
  const labels = LABELS[language];
  return {
    list: labels.lists[item.kind],
    reason: labels.reasons[item.reason],
    provider: providerLabel(item.provider, language),
    state: labels.states[item.state],
  };
}
