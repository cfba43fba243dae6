/** The bookkeeping CSV: columns, yuan amounts, Beijing time, BOM, quoting and formula escaping, paging. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { OrderView } from '../../core/common/contract/views.ts';
import {
  beijingTime,
  collectOrders,
  EXPORT_MAX_ORDERS,
  exportFilename,
  ORDERS_CSV_COLUMNS,
  ordersToCsv,
} from '../../core/service/orders-csv.ts';
import { anOrder } from '../renderer/fixtures/views.ts';

// 2026-11-23 10:00:00 UTC = 18:00:00 in Beijing.
const AT = Date.UTC(2026, 10, 23, 10, 0, 0);

function rows(csv: string): Record<string, string>[] {
  expect(csv.startsWith('\ufeff')).toBe(true);
  return parse(csv.slice(1), { columns: true });
}

describe('orders CSV in the UI language', () => {
  it('in Chinese: Chinese headers, statuses and tenders; amounts and times unchanged', () => {
    const csv = ordersToCsv(
      [
        anOrder({
          out_trade_no: 'Z1',
          status: 2,
          tender: 'wxpay',
          provider: 'wxpay',
          total_fee: 1250,
          refunded_fee: 250,
          created_at: AT,
        }),
        anOrder({
          out_trade_no: 'Z2',
          status: -1,
          tender: 'cash',
          provider: null,
          total_fee: 99,
          created_at: AT,
        }),
      ],
      'zh-CN',
    );
    const [first, second] = rows(csv);
    expect(Object.keys(first!)).toContain('订单号');
    expect(Object.keys(first!)).not.toContain('out_trade_no');
    expect(first).toMatchObject({
      订单号: 'Z1',
      状态: '部分退款',
      支付方式: '微信支付',
      '金额（元）': '12.50',
      '实收（元）': '10.00',
    });
    expect(second).toMatchObject({ 状态: '已关闭', 支付方式: '现金', 创建时间: '2026-11-23 18:00:00' });
  });

  it('in English: the same columns as words, statuses as words', () => {
    const [row] = rows(
      ordersToCsv([anOrder({ out_trade_no: 'E1', status: 1, tender: 'alipay', provider: 'alipay' })], 'en'),
    );
    expect(row).toMatchObject({ 'Order no.': 'E1', Status: 'Paid', Tender: 'Alipay' });
  });

  it('without a language (integrators, GET /api/orders.csv) keeps the stable machine columns', () => {
    const csv = ordersToCsv([anOrder({ out_trade_no: 'M1', status: 1 })]);
    expect(csv.split('\r\n')[0]).toBe(`\ufeff${ORDERS_CSV_COLUMNS.join(',')}`);
    expect(rows(csv)[0]).toMatchObject({ status: 'paid' });
  });
});

describe('orders CSV', () => {
  it('writes one row per order with yuan amounts, Beijing times and the net after refunds', () => {
    const csv = ordersToCsv([
      anOrder({
        out_trade_no: 'T01A',
        status: 2,
        tender: 'wxpay',
        provider: 'wxpay',
        total_fee: 1250,
        refunded_fee: 250,
        transaction_id: '4200000001',
        created_at: AT,
        paid_at: AT + 5000,
        note: '3号桌',
      }),
      anOrder({ out_trade_no: 'T01B', status: -1, total_fee: 99, created_at: AT }),
    ]);
    expect(csv.split('\r\n')[0]).toBe(`\ufeff${ORDERS_CSV_COLUMNS.join(',')}`);
    const [paid, closed] = rows(csv);
    expect(paid).toMatchObject({
      out_trade_no: 'T01A',
      created_at: '2026-11-23 18:00:00',
      paid_at: '2026-11-23 18:00:05',
      status: 'partly_refunded',
      tender: 'wxpay',
      total_yuan: '12.50',
      refunded_yuan: '2.50',
      net_yuan: '10.00',
      transaction_id: '4200000001',
      note: '3号桌',
    });
    expect(closed).toMatchObject({ status: 'closed', paid_at: '', total_yuan: '0.99', net_yuan: '0.00' });
  });

  it('keeps commas, quotes and new lines inside one cell, and a typed formula as text', () => {
    const csv = ordersToCsv([
      anOrder({ note: 'tea, "large"\nno sugar', cashier: '=HYPERLINK("http://evil","x")' }),
      anOrder({ note: '+86 138', cashier: '@王芳' }),
    ]);
    const [first, second] = rows(csv);
    expect(first!.note).toBe('tea, "large"\nno sugar');
    expect(first!.cashier).toBe(`'=HYPERLINK("http://evil","x")`);
    expect(second!.note).toBe("'+86 138");
    expect(second!.cashier).toBe("'@王芳");
  });

  it('names the file after the terminal and the Beijing time', () => {
    expect(beijingTime(AT)).toBe('2026-11-23 18:00:00');
    expect(exportFilename('T01', AT)).toBe('scanpay-orders-T01-20261123-1800.csv');
  });

  it('reads every page, and refuses an export too large to send whole', () => {
    const all = Array.from({ length: 2_345 }, (_, i) => anOrder({ out_trade_no: `O${i}` }));
    const pages: [number, number][] = [];
    const listed = collectOrders((offset, limit) => {
      pages.push([offset, limit]);
      return { orders: all.slice(offset, offset + limit), total: all.length };
    });
    expect(listed.map((o: OrderView) => o.out_trade_no)).toEqual(all.map((o) => o.out_trade_no));
    expect(pages).toEqual([
      [0, 1000],
      [1000, 1000],
      [2000, 1000],
    ]);
    expect(() => collectOrders(() => ({ orders: [], total: EXPORT_MAX_ORDERS + 1 }))).toThrow(
      expect.objectContaining({ code: 'export_too_large' }),
    );
  });
});
