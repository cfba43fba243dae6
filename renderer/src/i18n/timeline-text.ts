/**
 * A journal timeline entry in the UI language. The journal keeps a terse English summary per step
 * (written by core/journal/sqlite-journal.ts for a charge's intent and by summarise() in
 * core/engine/gateway-call.ts for every outcome): it is evidence and stays as it is, shown in a
 * detail line. The headline is ours, read from the step's op and the summary's known shapes, so
 * "charge → wxpay 8800 fen" reads 发起收款：微信支付 ¥88.00 and "pending: USERPAYING" 等待顾客输入密码.
 * Written here rather than in the engine so the journal's format (read by recovery) stays untouched;
 * a summary of a shape this does not know still gets the op's translated label.
 */
import type { TimelineEntry } from '../../../core/common/contract/views.ts';
import { formatFen } from '../../../core/common/money.ts';
import type { MessageKey, Params } from './catalog.ts';

export interface TimelineText {
  readonly key: MessageKey;
  readonly params: Params;
  /** The journal's own words (provider codes, transaction ids), for the detail line; null when empty. */
  readonly detail: string | null;
}

const PROVIDERS = new Set(['wxpay', 'wxpay_v3', 'alipay', 'payjs']);

/** Ops the journal writes as a step's `op` that have a label of their own. */
const OP_LABELS: Readonly<Record<string, MessageKey>> = {
  charge: 'timeline.op.charge',
  precreate: 'timeline.op.precreate',
  query: 'timeline.op.query',
  reverse: 'timeline.op.reverse',
  close: 'timeline.op.close',
  stop_requested: 'timeline.stop_requested',
  retry_requested: 'timeline.retry_requested',
  merchant_missing: 'timeline.merchant_missing',
  merchant_restored: 'timeline.merchant_restored',
  notified_paid: 'timeline.notified_paid',
  paid_after_final: 'timeline.paid_after_final',
  paid_action_run_again: 'timeline.paid_action_run_again',
  paid_action_mark_done: 'timeline.paid_action_mark_done',
  settle_book_paid: 'timeline.settle_book_paid',
  settle_close_unpaid: 'timeline.settle_close_unpaid',
  settle_mark_refund: 'timeline.settle_mark_refund',
  settle_close_refund: 'timeline.settle_close_refund',
  settle_refund_payment: 'timeline.settle_refund_payment',
  second_payment_refunded: 'timeline.second_payment_refunded',
  second_payment_refund_failed: 'timeline.second_payment_refund_failed',
};

const UNKNOWN_REASONS = new Set([
  'timeout',
  'network',
  'http_status',
  'unparseable',
  'bad_signature',
  'mismatch',
  'provider_says_unknown',
]);

const PENDING_CODES: Readonly<Record<string, MessageKey>> = {
  USERPAYING: 'timeline.pending.password',
  WAIT_BUYER_PAY: 'timeline.pending.password',
  NOTPAY: 'timeline.pending.not_paid',
};

function text(key: MessageKey, params: Params = {}, detail: string | null = null): TimelineText {
  return { key, params, detail };
}

export function describeTimelineEntry(
  entry: TimelineEntry,
  providerName: (p: string) => string,
): TimelineText {
  const summary = entry.summary.trim();
  const raw = summary === '' ? null : summary;
  if (entry.step === 'intent') {
    const charge = /^(\w+) (\d+) fen$/.exec(summary);
    if (charge && PROVIDERS.has(charge[1]!) && (entry.op === 'charge' || entry.op === 'precreate')) {
      return text(entry.op === 'charge' ? 'timeline.intent.charge' : 'timeline.intent.precreate', {
        provider: providerName(charge[1]!),
        amount: formatFen(Number(charge[2])),
      });
    }
    const label = OP_LABELS[entry.op];
    return label ? text(label, {}, raw) : text('timeline.other', { op: entry.op }, raw);
  }
  return describeOutcome(entry, summary, raw);
}

function describeOutcome(entry: TimelineEntry, summary: string, raw: string | null): TimelineText {
  let m = /^paid (\d+) fen, transaction (.+)$/.exec(summary);
  if (m) return text('timeline.paid', { amount: formatFen(Number(m[1])) }, raw);
  m = /^notify: paid, transaction (.+)$/.exec(summary);
  if (m) return text('timeline.notified_paid', {}, raw);
  if (summary.startsWith('refunded (was paid')) return text('timeline.refunded', {}, raw);
  if (summary === 'QR created') return text('timeline.qr_created');
  // A close that found the order paid after all (the engine then books it).
  if (summary === 'paid' && entry.op === 'close') return text('timeline.close_found_paid');
  m = /^reversed(?: \((close|refund)\))?$/.exec(summary);
  if (m) return text(m[1] === 'refund' ? 'timeline.reversed.refund' : 'timeline.reversed', {}, null);
  m = /^unknown \((\w+)\)/.exec(summary);
  if (m && UNKNOWN_REASONS.has(m[1]!)) return text(`timeline.unknown.${m[1]}` as MessageKey, {}, raw);
  m = /^pending: (\S+)$/.exec(summary);
  if (m) return text(PENDING_CODES[m[1]!] ?? 'timeline.pending', {}, raw);
  if (/^failed: /.test(summary)) return text('timeline.failed', {}, raw);
  if (/^refused: /.test(summary)) return text('timeline.refused', {}, raw);
  if (/^(closed|not_found|retry)(: .*)?$/.test(summary)) {
    const kind = summary.split(':')[0] as 'closed' | 'not_found' | 'retry';
    return text(`timeline.${kind}`, {}, summary === kind ? null : raw);
  }
  if (summary.startsWith('order not addressable')) return text('timeline.unaddressable', {}, raw);
  const label = OP_LABELS[entry.op];
  if (label) return text(label, {}, raw);
  return text('timeline.other', { op: entry.op }, raw);
}
