/**
 * Reads a WeChat Pay trade bill (v2 pay/downloadbill, docs/protocols.md §2 "Bills"; the v3 tradebill
 * file has the same layout, §3 "Bills"): UTF-8 text, a
 * header row, one row per payment or refund with every field prefixed by a backtick, then a summary
 * header and one summary row. Columns are found by their header names, not positions: the header
 * has changed over the years (子商户号 → 特约商户号, 总金额 → 应结订单金额 + 订单金额) and the docs'
 * own sample has fewer values than header names. Hand-written rather than csv-parse: the format is
 * not CSV (no quoting; the backtick marks each field), and splitting on ",`" keeps a comma inside a
 * product name intact.
 */
import type { BillRow, BillSummary } from '../../ports/bill-source.ts';
import { BillError, billYuanToFen } from './bill-lines.ts';

const SUMMARY_FIRST = /^总交易单/;

/** The header's names, some docs versions using full-width commas between them. */
function headerNames(line: string): string[] {
  return line.split(/[,，]/).map((name) => name.trim());
}

/** "`a,`b,`c" → ["a", "b", "c"]. */
function backtickFields(line: string): string[] {
  return line
    .replace(/^`/, '')
    .split(',`')
    .map((field) => field.trim());
}

function pick(
  names: readonly string[],
  values: readonly string[],
  ...candidates: string[]
): string | undefined {
  for (const candidate of candidates) {
    const at = names.indexOf(candidate);
    const value = at >= 0 ? values[at] : undefined;
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

function rowOf(names: readonly string[], values: readonly string[], lineNo: number): BillRow {
  const where = `WeChat bill line ${lineNo}`;
  const outTradeNo = pick(names, values, '商户订单号');
  const status = pick(names, values, '交易状态') ?? '';
  if (!outTradeNo) throw new BillError('bill_unreadable', `${where}: no 商户订单号`);
  const base = {
    outTradeNo,
    transactionId: pick(names, values, '微信订单号') ?? '',
    at: pick(names, values, '交易时间') ?? '',
    statusText: status,
  };
  if (status === 'REFUND') {
    const refundStatus = pick(names, values, '退款状态') ?? '';
    const amount = pick(names, values, '申请退款金额', '退款金额');
    if (amount === undefined) throw new BillError('bill_unreadable', `${where}: refund without an amount`);
    return {
      ...base,
      kind: 'refund',
      amountFen: billYuanToFen(amount, where),
      outRefundNo: pick(names, values, '商户退款单号') ?? '',
      status: refundStatus === 'SUCCESS' ? 'success' : 'other',
      statusText: `REFUND/${refundStatus}`,
    };
  }
  const amount = pick(names, values, '订单金额', '总金额', '应结订单金额');
  if (amount === undefined) throw new BillError('bill_unreadable', `${where}: payment without an amount`);
  return {
    ...base,
    kind: 'payment',
    amountFen: billYuanToFen(amount, where),
    status: status === 'SUCCESS' ? 'success' : status === 'REVOKED' ? 'reversed' : 'other',
  };
}

function summaryOf(names: readonly string[], values: readonly string[]): BillSummary {
  const where = 'WeChat bill summary';
  const count = pick(names, values, '总交易单数', '总交易单');
  const paid = pick(names, values, '订单总金额', '应结订单总金额', '总交易额');
  const refunded = pick(names, values, '申请退款总金额', '退款总金额', '总退款金额');
  if (count === undefined || !/^\d+$/.test(count) || paid === undefined)
    throw new BillError('bill_unreadable', `${where}: missing 总交易单数 or the total amount`);
  return {
    payments: Number(count),
    paymentFen: billYuanToFen(paid, where),
    refundFen: refunded === undefined ? 0 : billYuanToFen(refunded, where),
  };
}

export interface WxpayBillReader {
  readonly rows: AsyncIterable<BillRow>;
  summary(): BillSummary | undefined;
}

/** Streams the rows of a bill's text lines. A bill without its summary block is a BillError (cut short). */
export function readWxpayBill(lines: AsyncIterable<string>): WxpayBillReader {
  let summary: BillSummary | undefined;
  async function* rows(): AsyncGenerator<BillRow> {
    let header: string[] | undefined;
    let summaryHeader: string[] | undefined;
    let lineNo = 0;
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      if (!header) {
        header = headerNames(line);
        if (!header.includes('商户订单号'))
          throw new BillError('bill_unreadable', 'WeChat bill: the first line is not the bill header');
        continue;
      }
      if (summaryHeader) {
        summary = summaryOf(summaryHeader, backtickFields(line));
        continue;
      }
      if (SUMMARY_FIRST.test(line)) {
        summaryHeader = headerNames(line);
        continue;
      }
      if (!line.startsWith('`'))
        throw new BillError('bill_unreadable', `WeChat bill line ${lineNo}: not a backtick-prefixed row`);
      yield rowOf(header, backtickFields(line), lineNo);
    }
    if (!header) throw new BillError('bill_unreadable', 'WeChat bill: no content');
    if (!summary)
      throw new BillError('bill_unreadable', 'WeChat bill: the summary block is missing (cut short?)');
  }
  return { rows: rows(), summary: () => summary };
}
