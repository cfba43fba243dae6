/**
 * Seeds a reconciliation benchmark's day: a journal with `trades` paid sales per provider (WeChat
 * Pay and Alipay, merchant `sandbox`) on one Beijing day, and each provider's bill for that day in
 * its real format (WeChat: gzip text; Alipay: zip of GBK CSV), agreeing except for a few planted
 * discrepancies per provider. Direct SQL: seeding 100,000 sales through the engine would take
 * longer than the benchmark.
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { fenToYuan } from '../../core/common/money.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { beijingDayRange } from '../../core/reconcile/beijing-day.ts';

export const BENCH_DATE = '2026-11-20';
/** Per provider: the bill shows one sale the journal lacks, lacks one it has, and one amount differs. */
export const PLANTED_PER_PROVIDER = 3;

function fee(i: number): number {
  return 100 + ((i * 7919) % 50_000);
}

function tradeNo(provider: string, i: number): string {
  return `${provider === 'wxpay' ? 'W' : 'A'}${String(i).padStart(9, '0')}`;
}

export async function seedDay(
  dir: string,
  trades: number,
): Promise<{ wxpayBill: string; alipayBill: string }> {
  const { start } = beijingDayRange(BENCH_DATE);
  const journal = new SqliteJournal(join(dir, 'journal.sqlite'), { synchronous: 'OFF' });
  const db = journal.db;
  db.exec('BEGIN');
  const order = db.prepare(
    `INSERT INTO orders (order_no, pid, total_fee, subject, type, status, tender, provider, transaction_id,
       paid_out_trade_no, paid_at, created_at, updated_at)
     VALUES (?, 'sandbox', ?, 'Tea', 'goods', 1, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const attempt = db.prepare(
    `INSERT INTO attempts (out_trade_no, order_no, attempt_index, phase, final, state, created_at, updated_at)
     VALUES (?, ?, 1, 'paid', 1, ?, ?, ?)`,
  );
  for (const provider of ['wxpay', 'alipay'] as const) {
    for (let i = 0; i < trades; i++) {
      const no = tradeNo(provider, i);
      const at = start + Math.floor((i * 86_000_000) / trades);
      order.run(no, fee(i), provider, provider, `tx${no}`, no, at, at - 2000, at);
      attempt.run(
        no,
        no,
        JSON.stringify({ v: 1, provider, pid: 'sandbox', totalFee: fee(i) }),
        at - 2000,
        at,
      );
    }
  }
  db.exec('COMMIT');
  journal.close();

  // WeChat: the journal's sales, but the last is missing, one extra appears, and sale 7 shows 1 fen more.
  const wxpayBill = join(dir, 'wxpay-bill.gz');
  const gzip = createGzip();
  const done = new Promise<void>((resolve, reject) => {
    gzip.pipe(createWriteStream(wxpayBill)).on('finish', resolve).on('error', reject);
  });
  const header =
    '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
  let chunk = `${header}\r\n`;
  const wxRow = (no: string, fen: number) =>
    `\`2026-11-20 10:00:00,\`wx2421b1c4370ec43b,\`10000100,\`0,\`,\`tx${no},\`${no},\`obench,\`MICROPAY,\`SUCCESS,\`OTHERS,\`CNY,\`${fenToYuan(fen)},\`0.00,\`0,\`0,\`0.00,\`0.00,\`,\`,\`Tea,\`,\`0.00000,\`0.60%,\`${fenToYuan(fen)},\`0.00,\`\r\n`;
  for (let i = 0; i < trades; i++) {
    if (i === trades - 1) continue;
    chunk += wxRow(tradeNo('wxpay', i), i === 7 ? fee(i) + 1 : fee(i));
    if (chunk.length > 1 << 16) {
      if (!gzip.write(chunk)) await new Promise((r) => gzip.once('drain', r));
      chunk = '';
    }
  }
  chunk += wxRow('ELSEWHERE-W', 4200);
  chunk += `总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n\`${trades},\`0.00,\`0.00,\`0.00,\`0.00000,\`0.00,\`0.00\r\n`;
  gzip.end(chunk);
  await done;

  // Alipay: the same plan in its zip of GBK CSV.
  const lines = [
    '#支付宝业务明细查询',
    '#账号：[20881021770000010156]',
    '#-----------------------------------------业务明细列表----------------------------------------',
    '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注',
  ];
  const aliRow = (no: string, fen: number) =>
    `tx${no}\t,${no}\t,交易,茶,2026-11-20 10:00:00,2026-11-20 10:00:03,,,,,b***@example.com,${fenToYuan(fen)},${fenToYuan(fen)},0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,0.00,0.00,`;
  for (let i = 0; i < trades; i++) {
    if (i === trades - 1) continue;
    lines.push(aliRow(tradeNo('alipay', i), i === 7 ? fee(i) + 1 : fee(i)));
  }
  lines.push(aliRow('ELSEWHERE-A', 4200));
  lines.push(
    '#-----------------------------------------业务明细列表结束------------------------------------',
  );
  const alipayBill = join(dir, 'alipay-bill.zip');
  writeFileSync(
    alipayBill,
    zipSync({
      '20881021770000010156_20261120_业务明细.csv': iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk'),
      '20881021770000010156_20261120_业务明细(汇总).csv': iconv.encode('#汇总\r\n', 'gbk'),
    }),
  );
  return { wxpayBill, alipayBill };
}
