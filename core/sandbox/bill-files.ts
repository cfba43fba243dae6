/**
 * The sandbox's daily bills, built from its ledger in each provider's real layout
 * (docs/protocols.md, "Bills"): every trade of the merchant, made through the terminal or directly
 * against the sandbox, whose payment or refund falls on the Beijing day asked for. Today is
 * served too (what happened so far), so a test needs no waiting.
 * - WeChat v2: UTF-8 text, the current 27-column header, each field prefixed with a backtick, the
 *   7-column summary; payments as SUCCESS (REVOKED once reversed), refunds as REFUND rows.
 * - Alipay: a zip with `<pid>0156_<yyyyMMdd>_业务明细.csv` and `…_业务明细(汇总).csv`, GBK, the detail
 *   between its `#` comment lines, refunds as 业务类型 退款 with negative amounts.
 * `adjust` lets a fault drop a trade from the bill or change its amount (bill-routes.ts).
 */
import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { fenToYuan } from '../common/money.ts';
import type { Provider } from '../ports/payment-gateway.ts';
import { alipayTime } from './china-time.ts';
import type { Trade } from './ledger.ts';

const CST_OFFSET_MS = 8 * 3600_000;

export interface BillAdjustments {
  /** out_trade_no → left out of the bill (the provider "lost" it). */
  readonly omitted: ReadonlySet<string>;
  /** out_trade_no → the amount the bill shows instead of the real one. */
  readonly amounts: ReadonlyMap<string, number>;
}

export interface BillLine {
  readonly trade: Trade;
  readonly kind: 'payment' | 'refund';
  readonly at: number;
  readonly amountFen: number;
  readonly outRefundNo?: string;
  readonly refundId?: string;
}

/** [start, end) of a Beijing calendar day YYYY-MM-DD, in ms. */
export function beijingDay(date: string): { start: number; end: number } {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const start = Date.UTC(y, m - 1, d) - CST_OFFSET_MS;
  return { start, end: start + 86_400_000 };
}

/** The day's payments and refunds of one provider, in time order. */
export function billLines(
  trades: readonly Trade[],
  provider: Provider,
  date: string,
  adjust: BillAdjustments,
): BillLine[] {
  const { start, end } = beijingDay(date);
  const inDay = (at: number | undefined) => at !== undefined && at >= start && at < end;
  const lines: BillLine[] = [];
  for (const trade of trades) {
    if (trade.provider !== provider || adjust.omitted.has(trade.out_trade_no)) continue;
    if (trade.captured_fen > 0 && inDay(trade.paid_at_ms)) {
      const amount = adjust.amounts.get(trade.out_trade_no) ?? trade.total_fee;
      lines.push({ trade, kind: 'payment', at: trade.paid_at_ms!, amountFen: amount });
    }
    if (
      provider === 'alipay' &&
      trade.state === 'reversed' &&
      trade.captured_fen > 0 &&
      inDay(trade.paid_at_ms)
    ) {
      // alipay.trade.cancel of a paid trade refunds it in full: the bill shows an unnumbered 退款.
      lines.push({
        trade,
        kind: 'refund',
        at: trade.paid_at_ms!,
        amountFen: trade.captured_fen,
        outRefundNo: '',
      });
    }
    for (const refund of trade.refunds) {
      if (!inDay(refund.created_at_ms)) continue;
      lines.push({
        trade,
        kind: 'refund',
        at: refund.created_at_ms,
        amountFen: refund.refund_fee,
        outRefundNo: refund.out_refund_no,
        refundId: refund.refund_id,
      });
    }
  }
  return lines.sort((a, b) => a.at - b.at);
}

const WX_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,' +
  '应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,' +
  '手续费,费率,订单金额,申请退款金额,费率备注';
const WX_SUMMARY_HEADER =
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

/** The WeChat v2 ALL bill's text. */
export function wxpayBillText(
  lines: readonly BillLine[],
  merchant: { appid: string; mch_id: string },
): string {
  const out = [WX_HEADER];
  let paid = 0;
  let refunded = 0;
  for (const line of lines) {
    const t = line.trade;
    const yuan = fenToYuan(line.amountFen);
    const refund = line.kind === 'refund';
    const status = refund ? 'REFUND' : t.state === 'reversed' ? 'REVOKED' : 'SUCCESS';
    if (refund) refunded += line.amountFen;
    else paid += line.amountFen;
    const fields = [
      alipayTime(line.at),
      merchant.appid,
      merchant.mch_id,
      '0',
      '',
      t.transaction_id,
      t.out_trade_no,
      `o${t.buyer_id.replace(/\W/g, '').slice(0, 27)}`,
      t.mode === 'qr' ? 'NATIVE' : 'MICROPAY',
      status,
      'OTHERS',
      'CNY',
      refund ? '0.00' : yuan,
      '0.00',
      refund ? (line.refundId ?? '') : '0',
      refund ? (line.outRefundNo ?? '') : '0',
      refund ? yuan : '0.00',
      '0.00',
      refund ? 'ORIGINAL' : '',
      refund ? 'SUCCESS' : '',
      t.subject.replaceAll('`', "'"),
      '',
      '0.00000',
      '0.60%',
      refund ? '0.00' : yuan,
      refund ? yuan : '0.00',
      '',
    ];
    out.push(fields.map((f) => `\`${f}`).join(','));
  }
  out.push(WX_SUMMARY_HEADER);
  out.push(
    [
      String(lines.length),
      fenToYuan(paid),
      fenToYuan(refunded),
      '0.00',
      '0.00000',
      fenToYuan(paid),
      fenToYuan(refunded),
    ]
      .map((f) => `\`${f}`)
      .join(','),
  );
  return `${out.join('\r\n')}\r\n`;
}

const ALI_HEADER =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,' +
  '商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,' +
  '商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function chinaDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${y}年${m}月${d}日`;
}

/** The Alipay trade bill zip: detail and summary CSV files in GBK. */
export function alipayBillZip(lines: readonly BillLine[], date: string, pid: string): Uint8Array {
  const account = `${pid}0156`;
  const compact = date.replaceAll('-', '');
  const { start } = beijingDay(date);
  const detail = [
    '#支付宝业务明细查询',
    `#账号：[${account}]`,
    `#起始日期：[${chinaDate(date)} 00:00:00]   终止日期：[${chinaDate(new Date(start + CST_OFFSET_MS + 86_400_000).toISOString().slice(0, 10))} 00:00:00]`,
    '#-----------------------------------------业务明细列表----------------------------------------',
    ALI_HEADER,
  ];
  let paid = 0;
  let paidCount = 0;
  let refunded = 0;
  let refundCount = 0;
  for (const line of lines) {
    const t = line.trade;
    const refund = line.kind === 'refund';
    const amount = refund ? `-${fenToYuan(line.amountFen)}` : fenToYuan(line.amountFen);
    if (refund) {
      refunded += line.amountFen;
      refundCount++;
    } else {
      paid += line.amountFen;
      paidCount++;
    }
    const cells = [
      `${t.transaction_id}\t`,
      `${t.out_trade_no}\t`,
      refund ? '退款' : '交易',
      t.subject,
      alipayTime(t.created_at_ms),
      alipayTime(line.at),
      '',
      '',
      '',
      '',
      'san***@sandbox.example',
      amount,
      amount,
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '',
      '0.00',
      '0.00',
      refund ? `${line.outRefundNo ?? ''}\t` : '',
      '0.00',
      '0.00',
      '',
    ];
    detail.push(cells.map(csvCell).join(','));
  }
  detail.push(
    '#-----------------------------------------业务明细列表结束------------------------------------',
  );
  detail.push(`#交易合计：${paidCount}笔，商家实收共${fenToYuan(paid)}元，商家优惠共0.00元`);
  detail.push(`#退款合计：${refundCount}笔，商家实收退款共-${fenToYuan(refunded)}元，商家优惠退款共0.00元`);
  detail.push(`#导出时间：[${alipayTime(Date.now())}]`);
  const summary = [
    '#支付宝业务汇总查询',
    `#账号：[${account}]`,
    '#-----------------------------------------业务汇总列表----------------------------------------',
    '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）',
    `,合计,${paidCount},${refundCount},${fenToYuan(paid)},${fenToYuan(paid)},0.00,0.00,0.00,0.00,0.00,${fenToYuan(paid)}`,
    '#----------------------------------------业务汇总列表结束-------------------------------------',
  ];
  return zipSync({
    [`${account}_${compact}_业务明细.csv`]: iconv.encode(`${detail.join('\r\n')}\r\n`, 'gbk'),
    [`${account}_${compact}_业务明细(汇总).csv`]: iconv.encode(`${summary.join('\r\n')}\r\n`, 'gbk'),
  });
}
