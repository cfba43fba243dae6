/**
 * Orders as a CSV file for the store's bookkeeping (对账): one row per order, amounts in yuan, times
 * in Beijing time (the providers' bills use it whatever the terminal's own zone), a UTF-8 BOM so
 * Excel opens the Chinese text correctly, and formula escaping (csv-stringify's escape_formulas, plus
 * the same after every line break inside a field), because notes and cashier names are typed by
 * people and a cell or a line starting with = must stay text.
 *
 * The till's History → Export asks for the file in the UI language (headers, statuses, tenders and
 * providers as words a bookkeeper reads); without a language (integrators, GET /api/orders.csv) the
 * columns and values stay the stable machine names. The labels live here, not in the renderer's
 * catalogs, because the service writes the file.
 */

import { stringify } from 'csv-stringify/sync';
import type { OrderStatus, OrderView, Tender } from '../common/contract/views.ts';
import { ValidationError } from '../common/errors.ts';
import { fenToYuan } from '../common/money.ts';
import { isPaidStatus } from '../common/order-status.ts';
import type { ProviderName } from '../common/providers.ts';

export type CsvLanguage = 'zh-CN' | 'en';

const STATUS_NAMES: Readonly<Record<OrderStatus, string>> = {
  [-1]: 'closed',
  0: 'unpaid',
  1: 'paid',
  2: 'partly_refunded',
  3: 'refunded',
};

export const ORDERS_CSV_COLUMNS = [
  'out_trade_no',
  'created_at',
  'paid_at',
  'status',
  'tender',
  'provider',
  'total_yuan',
  'refunded_yuan',
  'net_yuan',
  'transaction_id',
  'paid_out_trade_no',
  'pid',
  'type',
  'subject',
  'note',
  'cashier',
  'shift_id',
] as const;

type Column = (typeof ORDERS_CSV_COLUMNS)[number];

interface CsvLabels {
  readonly columns: Readonly<Record<Column, string>>;
  readonly statuses: Readonly<Record<OrderStatus, string>>;
  readonly tenders: Readonly<Record<Tender, string>>;
  readonly providers: Readonly<Record<ProviderName, string>>;
}

const LABELS: Readonly<Record<CsvLanguage, CsvLabels>> = {
  'zh-CN': {
    columns: {
      out_trade_no: '订单号',
      created_at: '创建时间',
      paid_at: '支付时间',
      status: '状态',
      tender: '支付方式',
      provider: '支付通道',
      total_yuan: '金额（元）',
      refunded_yuan: '已退款（元）',
      net_yuan: '实收（元）',
      transaction_id: '支付平台交易号',
      paid_out_trade_no: '支付单号',
      pid: '商户',
      type: '订单类型',
      subject: '商品',
      note: '备注',
      cashier: '收银员',
      shift_id: '班次',
    },
    statuses: { [-1]: '已关闭', 0: '未支付', 1: '已支付', 2: '部分退款', 3: '已退款' },
    tenders: { cash: '现金', wxpay: '微信支付', alipay: '支付宝' },
    providers: { wxpay: '微信支付', wxpay_v3: '微信支付 (APIv3)', alipay: '支付宝', payjs: 'PAYJS' },
  },
  en: {
    columns: {
      out_trade_no: 'Order no.',
      created_at: 'Created',
      paid_at: 'Paid at',
      status: 'Status',
      tender: 'Tender',
      provider: 'Provider',
      total_yuan: 'Amount (yuan)',
      refunded_yuan: 'Refunded (yuan)',
      net_yuan: 'Net (yuan)',
      transaction_id: 'Transaction id',
      paid_out_trade_no: 'Payment no.',
      pid: 'Merchant',
      type: 'Type',
      subject: 'Item',
      note: 'Note',
      cashier: 'Cashier',
      shift_id: 'Shift',
    },
    statuses: { [-1]: 'Closed', 0: 'Unpaid', 1: 'Paid', 2: 'Partly refunded', 3: 'Refunded' },
    tenders: { cash: 'Cash', wxpay: 'WeChat Pay', alipay: 'Alipay' },
    providers: { wxpay: 'WeChat Pay', wxpay_v3: 'WeChat Pay (APIv3)', alipay: 'Alipay', payjs: 'PAYJS' },
  },
};

/** A provider's name in that language (the 对账 export uses it too). */
export function providerLabel(provider: ProviderName, language: CsvLanguage): string {
  return LABELS[language].providers[provider];
}

const beijing = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** `2026-11-23 18:00:00` in Beijing time. */
export function beijingTime(ms: number): string {
  return beijing.format(new Date(ms));
}

function row(order: OrderView, labels: CsvLabels | undefined): string[] {
  const paid = isPaidStatus(order.status);
  return [
    order.out_trade_no,
    beijingTime(order.created_at),
    order.paid_at === null ? '' : beijingTime(order.paid_at),
    (labels?.statuses ?? STATUS_NAMES)[order.status],
    order.tender ? (labels?.tenders[order.tender] ?? order.tender) : '',
    order.provider ? (labels?.providers[order.provider] ?? order.provider) : '',
    fenToYuan(order.total_fee),
    fenToYuan(order.refunded_fee),
    paid ? fenToYuan(order.total_fee - order.refunded_fee) : '0.00',
    order.transaction_id ?? '',
    order.paid_out_trade_no ?? '',
    order.pid,
    order.type,
    order.subject,
    order.note ?? '',
    order.cashier ?? '',
    order.shift_id ?? '',
  ];
}

/** A formula start (the characters csv-stringify's escape_formulas guards) right after a line break. */
const FORMULA_AFTER_BREAK = /(\r\n|\r|\n)([=+\-@\t\r])/g;

/**
 * Spreadsheets start a formula at the beginning of any line inside a cell, not only of the cell:
 * a `'` goes before such a character after every line break (escape_formulas covers the cell's start).
 */
function escapeFormulasAfterBreaks(value: string): string {
  return value.replace(FORMULA_AFTER_BREAK, "$1'$2");
}

/** The orders as CSV; `language` turns headers and values into words, absent keeps machine names. */
export function ordersToCsv(orders: readonly OrderView[], language?: CsvLanguage): string {
  const labels = language ? LABELS[language] : undefined;
  const header = ORDERS_CSV_COLUMNS.map((column) => labels?.columns[column] ?? column);
  return spreadsheetCsv([header, ...orders.map((order) => row(order, labels))]);
}

/**
 * Rows as a CSV file a spreadsheet opens safely: BOM, CRLF records, formulas escaped at the start of
 * a field and after every line break in it, and every field with CR, LF, comma or quote quoted. Every
 * export of text people typed goes through it (orders here, the 对账 export in api/reconcile.ts).
 */
export function spreadsheetCsv(rows: readonly (readonly string[])[]): string {
  return stringify(rows as string[][], {
    bom: true,
    escape_formulas: true,
    record_delimiter: 'windows',
    // csv-stringify quotes a field holding the record delimiter (CRLF), not a bare CR or LF, which a
    // spreadsheet still reads as a new row: quote every field with CR, LF, comma or quote.
    quoted_match: /[\r\n,"]/,
    cast: { string: escapeFormulasAfterBreaks },
  });
}

/** An export larger than this must be narrowed by date: the file travels whole over IPC or HTTP. */
export const EXPORT_MAX_ORDERS = 50_000;
const EXPORT_PAGE = 1_000;

/** `scanpay-orders-T01-20261123-1800.csv`, stamped in Beijing time. */
export function exportFilename(terminalId: string, now: number): string {
  const stamp = beijingTime(now).replace(/[-:]/g, '').replace(' ', '-').slice(0, 13);
  return `scanpay-orders-${terminalId}-${stamp}.csv`;
}

/**
 * Reads every matching order page by page. The journal is synchronous, so the whole read happens in
 * one turn of the event loop and a payment booked meanwhile cannot shift the pages.
 */
export function collectOrders(
  listPage: (offset: number, limit: number) => { orders: readonly OrderView[]; total: number },
): OrderView[] {
  const first = listPage(0, EXPORT_PAGE);
  if (first.total > EXPORT_MAX_ORDERS) {
    throw new ValidationError(
      'export_too_large',
      `${first.total} orders match; export at most ${EXPORT_MAX_ORDERS} at a time (choose a shorter date range)`,
    );
  }
  const orders = [...first.orders];
  while (orders.length < first.total) {
    const page = listPage(orders.length, EXPORT_PAGE);
    if (page.orders.length === 0) break;
    orders.push(...page.orders);
  }
  return orders;
}
