/**
 * What a receipt says, as ReceiptLine documents (https://github.com/receiptline/receiptline): paid
 * sales, refunds and the 交班报表 (Z report). Pure: views in, text out, so the printed layout can be
 * tested without a printer. Times are Beijing time (UTC+8, no daylight saving); amounts are fen
 * inside and printed as ￥0.00.
 */

import { tenderedFeeOf } from '../../common/cash-tendered.ts';
import type { OrderView, RefundView, Tender, ZReportView } from '../../common/contract/views.ts';
import { fenToYuan } from '../../common/money.ts';
import { escapeReceiptText as esc } from '../../peripherals/escpos/receipt-text.ts';

export interface ReceiptHeader {
  readonly shopName: string;
  readonly terminalId: string;
}

const TENDER_NAMES: Record<Tender, string> = { wxpay: '微信支付', alipay: '支付宝', cash: '现金' };

/** `2026-11-30 23:09:44` in Beijing time. */
export function beijingTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * An order number inside `{code:…}`: only the characters order numbers are made of
 * (core/common/order-number.ts: letters, digits and `_-|*@`); `|`, receiptline's column mark, is
 * escaped. Anything else is refused rather than printed as a different code.
 */
function codeData(value: string): string {
  if (!/^[A-Za-z0-9_.\-|*@]+$/.test(value))
    throw new Error(`order number ${JSON.stringify(value)} cannot go in a QR property`);
  return value.replaceAll('|', '\\|');
}

const yuan = (fen: number) => `￥${fenToYuan(fen)}`;

function header(h: ReceiptHeader, title: string, cashier: string | null, at: number): string[] {
  return [
    `^^${esc(h.shopName)}`,
    `^${title}`,
    '',
    `终端 ${esc(h.terminalId)} | 收银员 ${esc(cashier ?? '-')}`,
    `时间 ${beijingTime(at)}`,
    '-',
  ];
}

/** A long number on its own line under its label, so 58 mm paper wraps it as a block, not a column. */
function numberLines(label: string, value: string | null): string[] {
  return value ? [`${label}`, `"${esc(value)}`] : [];
}

/** 实收 / 找零 for a cash sale whose tendered amount was recorded. */
function cashLines(order: OrderView): string[] {
  const tendered = order.tender === 'cash' ? tenderedFeeOf(order.custom) : null;
  if (tendered === null) return [];
  return [`实收 | ${yuan(tendered)}`, `找零 | ${yuan(tendered - order.total_fee)}`];
}

export function saleReceipt(h: ReceiptHeader, order: OrderView, options: { reprint?: boolean } = {}): string {
  const tender = order.tender ? TENDER_NAMES[order.tender] : '-';
  return [
    ...header(
      h,
      options.reprint ? '销售小票（重印）' : '销售小票',
      order.cashier,
      order.paid_at ?? order.created_at,
    ),
    `${esc(order.subject)} | ${yuan(order.total_fee)}`,
    '-',
    `"合计 | ^${yuan(order.total_fee)}`,
    `支付方式 | ${tender}`,
    ...cashLines(order),
    ...(order.note && order.note !== order.subject ? [`备注 | ${esc(order.note)}`] : []),
    ...numberLines('订单号', order.out_trade_no),
    ...numberLines('交易单号', order.transaction_id),
    '',
    `{code:${codeData(order.out_trade_no)}; option:qrcode,5,m}`,
    '退款请出示此码',
    '',
    '^谢谢惠顾',
  ].join('\n');
}

export function refundReceipt(h: ReceiptHeader, order: OrderView, refund: RefundView): string {
  return [
    ...header(h, '退款凭证', order.cashier, refund.updated_at),
    `原订单金额 | ${yuan(order.total_fee)}`,
    `"退款金额 | ^${yuan(refund.refund_fee)}`,
    `累计已退 | ${yuan(order.refunded_fee)}`,
    `退回 | ${order.tender ? TENDER_NAMES[order.tender] : '-'}`,
    ...(refund.reason ? [`原因 | ${esc(refund.reason)}`] : []),
    ...numberLines('订单号', order.out_trade_no),
    ...numberLines('退款单号', refund.out_refund_no),
    ...numberLines('交易单号', order.transaction_id),
    '',
    '^谢谢惠顾',
  ].join('\n');
}

export function shiftReport(
  h: ReceiptHeader,
  report: ZReportView,
  drawerOpenings: number,
  options: { reprint?: boolean } = {},
): string {
  const lines = report.lines.map((line) => {
    const totals = report.totals.find((t) => t.tender === line.tender);
    return [
      `^${TENDER_NAMES[line.tender]}`,
      `笔数 | ${totals?.sales_count ?? 0}`,
      `销售 | ${yuan(totals?.sales_fee ?? 0)}`,
      `退款 | ${yuan(totals?.refunds_fee ?? 0)}`,
      // Blind count: only cash is counted; an e-wallet line is the journal's total (nothing to count).
      ...(line.counted_by === 'journal'
        ? [`账面 | ${yuan(line.expected_fee)}`]
        : [
            `应有 | ${yuan(line.expected_fee)}`,
            `实点 | ${yuan(line.counted_fee)}`,
            `差额 | ${line.difference_fee < 0 ? '-' : ''}${yuan(Math.abs(line.difference_fee))}`,
          ]),
      '-',
    ];
  });
  return [
    ...header(
      h,
      options.reprint ? '交班报表（重印）' : '交班报表',
      report.cashier,
      report.closed_at ?? report.opened_at,
    ),
    `班次 | ${esc(report.shift_id)}`,
    // One line each: 19 characters do not fit half of a 58 mm line.
    `开班 ${beijingTime(report.opened_at)}`,
    `交班 ${report.closed_at ? beijingTime(report.closed_at) : '-'}`,
    `备用金 | ${yuan(report.float_fee)}`,
    `开钱箱次数 | ${drawerOpenings}`,
    '-',
    ...lines.flat(),
    '',
    `收银员签字 | ${esc('________')}`,
  ].join('\n');
}
