/**
 * The caller picks the type and the price (docs/security.md "Paid actions and their price"): any
 * caller with `pay` may createPayment with `total_fee: 1` and the type whose paid action starts the
 * massage chair. A floor per paid action (`min_total_fee`; on a QR display device the product's
 * price by default) refuses such an order before any money is taken (`total_fee_below_floor`), at
 * createPayment, qrStart and the till alike. A config without a floor keeps working as before.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/common/errors.ts';
import { parseConfig } from '../../core/service/config/load-config.ts';
import { firedLines, writeChairModule } from '../fakes/chair-module.ts';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';

let dir: string;
let firedFile: string;
let modulePath: string;
let h: ServiceHarness | null = null;

beforeEach(() => {
  ({ dir, firedFile, modulePath } = writeChairModule(
    'scanpay-price-floor-',
    "c.out_trade_no + ' ' + c.total_fee",
  ));
});
afterEach(async () => {
  await h?.close();
  h = null;
  rmSync(dir, { recursive: true, force: true });
});

const fired = () => firedLines(firedFile);

async function paidAndActed(orderNo: string): Promise<void> {
  const queried = await h!.call('queryPayment', {
    out_trade_no: orderNo,
    await_notify: true,
    await_max_time: 5,
  });
  expect(queried.body).toMatchObject({ code: 0, orderPaid: true });
  for (let i = 0; i < 100 && !fired().some((line) => line.startsWith(`${orderNo} `)); i++)
    await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('min_total_fee in config', () => {
  it('is whole fen: a yuan string or decimals are refused, naming the key', () => {
    const config = (value: unknown) => ({
      paid_actions: { massage: [{ kind: 'module', path: 'chair.mjs', min_total_fee: value }] },
    });
    for (const [value, problem] of [
      ['9.00', /whole number of fen.*not a yuan string/],
      [9.5, /not yuan with decimals/],
      [0, /at least 1 fen/],
    ] as const) {
      let caught: unknown;
      try {
        parseConfig(config(value));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).code).toBe('config_invalid');
      expect((caught as Error).message).toMatch(/paid_actions\.massage\.0\.min_total_fee/);
      expect((caught as Error).message).toMatch(problem);
    }
    expect(parseConfig(config(900)).paid_actions.massage![0]!.min_total_fee).toBe(900);
  });
});

describe('a payment below the paid action floor, at createPayment', () => {
  it('is refused before anything is journaled or charged; at the floor it is charged and acted on', async () => {
    h = await startServiceHarness({
      config: { paid_actions: { massage: [{ kind: 'module', path: modulePath, min_total_fee: 900 }] } },
    });
    const code = await h.walletCode('wxpay', 'instant');
    const cheap = await h.call('createPayment', {
      data: { out_trade_no: 'FLOOR1', total_fee: 1, subject: 'Massage', type: 'massage', auth_code: code },
    });
    expect(cheap.status).toBe(400);
    expect(cheap.body).toMatchObject({ error_code: 'total_fee_below_floor' });
    expect(cheap.body.msg).toMatch(/1 fen is below 900 fen.*"massage"/);
    expect((await h.call('getOrder', { out_trade_no: 'FLOOR1' })).body).toMatchObject({
      ok: false,
      code: 'order_not_found',
    });
    // The same payment code is still good: nothing was sent to the provider.
    const paid = await h.call('createPayment', {
      data: { out_trade_no: 'FLOOR2', total_fee: 900, subject: 'Massage', type: 'massage', auth_code: code },
    });
    expect(paid.body).toMatchObject({ code: 0, attempt: { phase: 'paid' } });
    await paidAndActed('FLOOR2');
    expect(fired()).toEqual(['FLOOR2 900']);
  });

  it('a till sale below the floor is refused too; a cash sale, which runs no paid action, is not', async () => {
    h = await startServiceHarness({
      config: { paid_actions: { '*': [{ kind: 'module', path: modulePath, min_total_fee: 900 }] } },
    });
    const sale = await h.call('beginSale', { total_fee: 500 });
    expect(sale.body).toMatchObject({ ok: false, code: 'total_fee_below_floor' });
    const cash = await h.call('recordCashSale', { total_fee: 500, tendered_fee: 1000 });
    expect(cash.body).toMatchObject({ ok: true, value: { status: 1, total_fee: 500 } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fired()).toEqual([]);
  });

  it('without a floor configured (a cashier terminal), a 1 fen payment still runs its action', async () => {
    h = await startServiceHarness({
      config: { paid_actions: { '*': [{ kind: 'module', path: modulePath }] } },
    });
    const code = await h.walletCode('wxpay', 'instant');
    const paid = await h.call('createPayment', {
      data: { out_trade_no: 'NOFLOOR1', total_fee: 1, subject: 'Tea', auth_code: code },
    });
    expect(paid.body).toMatchObject({ code: 0, attempt: { phase: 'paid' } });
    await paidAndActed('NOFLOOR1');
    expect(fired()).toEqual(['NOFLOOR1 1']);
  });
});

describe('a QR display device floors at its product price by default', () => {
  const qrDevice = () => ({
    ui: { mode: 'qr' },
    qr_display: { product: { name: '按摩椅 15 分钟', total_fee: 1500 } },
    paid_actions: { '*': [{ kind: 'module', path: modulePath }] },
  });

  it('refuses createPayment below the product price, whatever type the caller picks', async () => {
    h = await startServiceHarness({ config: qrDevice() });
    for (const [orderNo, type] of [
      ['QRF1', 'goods'],
      ['QRF2', 'anything'],
    ] as const) {
      const code = await h.walletCode('wxpay', 'instant');
      const cheap = await h.call('createPayment', {
        data: { out_trade_no: orderNo, total_fee: 1, subject: 'Chair', type, auth_code: code },
      });
      expect(cheap.body).toMatchObject({ error_code: 'total_fee_below_floor' });
      expect(cheap.body.msg).toMatch(/below 1500 fen.*qr_display\.product/);
    }
    expect(fired()).toEqual([]);
  });

  it('refuses qrStart with a cheaper product of the caller; the configured product still shows', async () => {
    h = await startServiceHarness({ config: qrDevice() });
    const cheap = await h.call('qrStart', { product: { name: 'Chair', total_fee: 1 } });
    expect(cheap.body).toMatchObject({ ok: false, code: 'total_fee_below_floor' });
    const shown = await h.call('qrStart', {});
    expect(shown.body.ok).toBe(true);
    expect(shown.body.value.codes.length).toBeGreaterThan(0);
    await h.call('qrCancel', {});
  });

  it('an explicit min_total_fee replaces the product price as the floor', async () => {
    const config = qrDevice();
    h = await startServiceHarness({
      config: { ...config, paid_actions: { '*': [{ kind: 'module', path: modulePath, min_total_fee: 1 }] } },
    });
    const code = await h.walletCode('wxpay', 'instant');
    const paid = await h.call('createPayment', {
      data: { out_trade_no: 'QRF3', total_fee: 1, subject: 'Chair', auth_code: code },
    });
    expect(paid.body).toMatchObject({ code: 0, attempt: { phase: 'paid' } });
  });
});
