import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readAlipayBill } from '../../core/gateways/alipay/alipay-bill-parser.ts';
import { textLines } from '../../core/gateways/shared/bill-lines.ts';
import { readWxpayBill } from '../../core/gateways/shared/wechat-bill-parser.ts';
import { parseWxpayConfig } from '../../core/gateways/wxpay/index.ts';
import { createWxpayBillSource } from '../../core/gateways/wxpay/wxpay-bill-source.ts';
import type { BillRow } from '../../core/ports/bill-source.ts';
import { gbkNamedZip } from './gbk-zip.ts';

const FIXTURES = new URL('../fixtures/providers/', import.meta.url);
const fixture = (path: string) => readFileSync(new URL(path, FIXTURES));

async function collect(rows: AsyncIterable<BillRow>): Promise<BillRow[]> {
  const out: BillRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

const wxConfig = parseWxpayConfig({
  provider: 'wxpay',
  appid: 'wx2421b1c4370ec43b',
  mch_id: '10000100',
  key: '192006250b4c09247ec02edce69f6a2d',
  base_url: 'http://bills.invalid',
  cert_path: new URL('../../core/sandbox/keys/wxpay-client-cert.pem', import.meta.url).pathname,
  key_path: new URL('../../core/sandbox/keys/wxpay-client-key.pem', import.meta.url).pathname,
});

/** The day after the docs' sample bill: its date is within WeChat's three months. */
const NOV_2014 = { now: () => Date.UTC(2014, 10, 11, 4), sleep: async () => {} };

function replying(status: number, body: Buffer): typeof fetch {
  return (async () => new Response(new Uint8Array(body), { status })) as typeof fetch;
}

describe('WeChat v2 bill', () => {
  it('reads the docs sample: two MICROPAY payments of 0.01 and the summary', async () => {
    const reader = readWxpayBill(
      textLines(Readable.from(fixture('wxpay/bills/downloadbill-all.official.txt'))),
    );
    const rows = await collect(reader.rows);
    expect(rows.map((r) => [r.kind, r.outTradeNo, r.transactionId, r.amountFen, r.status])).toEqual([
      ['payment', '1415640626', '1001690740201411100005734289', 1, 'success'],
      ['payment', '1415635270', '1002780740201411100005729794', 1, 'success'],
    ]);
    expect(rows[0]!.at).toBe('2014-11-10 16：33：45');
    expect(reader.summary()).toEqual({ payments: 2, paymentFen: 2, refundFen: 0 });
  });

  it('reads columns by name: the 27-column header over a 24-value row still gives the amount', async () => {
    const reader = readWxpayBill(
      textLines(Readable.from(fixture('wxpay/bills/downloadbill-all-27-columns.wxjava.txt'))),
    );
    const rows = await collect(reader.rows);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'payment', outTradeNo: '1415640626', amountFen: 1 });
    expect(reader.summary()).toEqual({ payments: 48, paymentFen: 576, refundFen: 142 });
  });

  it('reads a REFUND row as a refund with its out_refund_no and amount', async () => {
    const header = fixture('wxpay/bills/downloadbill-all-27-columns.wxjava.txt')
      .toString('utf8')
      .split('\n')[0];
    const refund =
      '`2026-11-20 12:00:00,`wx1,`10000100,`0,`,`4200000001,`T1,`o1,`MICROPAY,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`5000001,`R1,`3.50,`0.00,`ORIGINAL,`SUCCESS,`茶,`,`0.00000,`0.60%,`0.00,`3.50,`';
    const text = [header, refund, '总交易单数,应结订单总金额,退款总金额', '`1,`0.00,`3.50'].join('\r\n');
    const rows = await collect(readWxpayBill(textLines(Readable.from(Buffer.from(text)))).rows);
    expect(rows).toEqual([
      expect.objectContaining({
        kind: 'refund',
        outTradeNo: 'T1',
        outRefundNo: 'R1',
        amountFen: 350,
        status: 'success',
      }),
    ]);
  });

  it('refuses a bill cut short before its summary', async () => {
    const text = fixture('wxpay/bills/downloadbill-all.official.txt')
      .toString('utf8')
      .split('\n')
      .slice(0, 2)
      .join('\n');
    await expect(
      collect(readWxpayBill(textLines(Readable.from(Buffer.from(text)))).rows),
    ).rejects.toMatchObject({
      code: 'bill_unreadable',
    });
  });

  it('downloads a gzip bill as a stream', async () => {
    const source = createWxpayBillSource(wxConfig, {
      fetch: replying(200, gzipSync(fixture('wxpay/bills/downloadbill-all.official.txt'))),
      clock: NOV_2014,
    });
    const bill = await source.fetchBill('2014-11-10');
    if (bill.kind !== 'bill') throw new Error(`expected a bill, got ${bill.kind}`);
    expect((await collect(bill.rows)).map((r) => r.outTradeNo)).toEqual(['1415640626', '1415635270']);
  });

  it('a corrupt gzip is unreadable, never an empty day', async () => {
    const gz = gzipSync(fixture('wxpay/bills/downloadbill-all.official.txt'));
    const source = createWxpayBillSource(wxConfig, {
      fetch: replying(200, gz.subarray(0, gz.length - 20)),
      clock: NOV_2014,
    });
    const bill = await source.fetchBill('2014-11-10');
    if (bill.kind !== 'bill') throw new Error(`expected a bill, got ${bill.kind}`);
    await expect(collect(bill.rows)).rejects.toThrow();
  });

  it.each([
    [
      '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[No Bill Exist]]></return_msg></xml>',
      'empty',
    ],
    [
      '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[Bill Creating]]></return_msg></xml>',
      'not_ready',
    ],
    [
      '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[SYSTEMERROR]]></return_msg></xml>',
      'unavailable',
    ],
  ])('error body %s → %s', async (xml, kind) => {
    const source = createWxpayBillSource(wxConfig, {
      fetch: replying(200, Buffer.from(xml)),
      clock: NOV_2014,
    });
    expect((await source.fetchBill('2014-11-10')).kind).toBe(kind);
  });

  it('a day more than three months back is too_old, without asking WeChat', async () => {
    let asked = 0;
    const counting: typeof fetch = async () => {
      asked++;
      return new Response('x', { status: 500 });
    };
    const clock = { now: () => Date.UTC(2026, 10, 20, 4), sleep: async () => {} };
    const source = createWxpayBillSource(wxConfig, { fetch: counting, clock });
    expect((await source.fetchBill('2026-08-19')).kind).toBe('too_old');
    expect(asked).toBe(0);
    expect((await source.fetchBill('2026-08-20')).kind).toBe('unavailable');
    expect(asked).toBe(1);
  });

  it('HTTP 500 is unavailable', async () => {
    const source = createWxpayBillSource(wxConfig, {
      fetch: replying(500, Buffer.from('oops')),
      clock: NOV_2014,
    });
    expect((await source.fetchBill('2014-11-10')).kind).toBe('unavailable');
  });
});

describe('Alipay trade bill', () => {
  const detail = fixture('alipay/bills/trade-detail.layout.csv').toString('utf8');
  const zip = gbkNamedZip({
    '20885016245603350156_20190509_业务明细(汇总).csv': iconv.encode('#汇总\r\n门店编号,合计\r\n', 'gbk'),
    '20885016245603350156_20190509_业务明细.csv': iconv.encode(detail, 'gbk'),
  });

  it('reads the GBK detail file from a zip with GBK entry names', async () => {
    const rows = await collect(readAlipayBill(Readable.from(zip)));
    expect(rows.map((r) => [r.kind, r.outTradeNo, r.transactionId, r.amountFen, r.outRefundNo])).toEqual([
      ['payment', '20190509001', '2019050922001404340500000001', 8888, undefined],
      ['payment', '20190509002', '2019050922001404340500000002', 1200, undefined],
      ['refund', '20190509001', '2019050922001404340500000001', 888, '20190509001R1'],
    ]);
    expect(rows[2]!.at).toBe('2019-05-09 15:30:00');
  });

  it.each([20, 200, 1500])('a zip cut %i bytes short is unreadable', async (cut) => {
    await expect(
      collect(readAlipayBill(Readable.from(zip.subarray(0, zip.length - cut)))),
    ).rejects.toMatchObject({
      code: 'bill_unreadable',
    });
  });

  it('a zip without the detail file is unreadable', async () => {
    const onlySummary = gbkNamedZip({ 'x_业务明细(汇总).csv': iconv.encode('#汇总\r\n', 'gbk') });
    await expect(collect(readAlipayBill(Readable.from(onlySummary)))).rejects.toMatchObject({
      code: 'bill_unreadable',
    });
  });
});
