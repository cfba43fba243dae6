/**
 * The QR display with both wallets: two live codes, the first paid wins and the other is closed, a
 * second payment is refunded automatically (journaled) and never fires the paid action, the codes
 * carry their expiry as time_expire and are hidden the moment it passes, auto_start needs no tap.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QrDisplayView } from '../../core/common/contract/views.ts';
import { UnavailableError } from '../../core/common/errors.ts';
import { DEFAULT_POLL_POLICIES } from '../../core/domain/poll-policy.ts';
import { pickQrProviders, QrDisplay, type QrDisplayOptions } from '../../core/service/qr-display.ts';
import { pairCustom, QrPairs } from '../../core/service/qr-pairs.ts';
import { createHarness, type Harness } from '../engine/harness.ts';

const PRODUCT = { name: '按摩椅 10 分钟', total_fee: 1000 };

let h: Harness;
let pairs: QrPairs;
let views: QrDisplayView[];
let actions: string[];
let display: QrDisplay | null;

beforeEach(() => {
  views = [];
  actions = [];
  display = null;
  pairs = new QrPairs({
    order: (orderNo) => h.engine.orderView(orderNo) ?? null,
    refund: (input) => h.engine.refunds.refund(input),
  });
  h = createHarness({
    callbacks: pairs.wrap({
      '*': ({ out_trade_no }) => {
        actions.push(out_trade_no);
        return true;
      },
    }),
  });
});
afterEach(() => {
  display?.stop();
  h.dispose();
});

function open(over: Partial<QrDisplayOptions> = {}): QrDisplay {
  display = new QrDisplay(
    h.engine,
    h.clock,
    {
      product: PRODUCT,
      providers: ['wxpay', 'alipay'],
      successMs: 2000,
      ttlMs: 120_000,
      autoStart: false,
      orderPrefix: 'T1',
      subjectFor: (name) => `街角茶铺 ${name}`,
      ...over,
    },
    pairs,
    (view) => views.push(view),
  );
  return display;
}

/**
 * Lets the engine poll (every 2 s for QR) until `check` holds, at most 20 s of fake time, or
 * `maxMs` (a WeChat close waits until the order is 5 minutes old: closeNotBeforeMs).
 */
async function until(check: () => boolean, maxMs = 20_000): Promise<void> {
  for (let i = 0; i < maxMs / 500 && !check(); i++) await h.clock.advance(500);
  expect(check()).toBe(true);
}

/** Long enough for a WeChat QR order to reach its close floor. */
const WX_CLOSE_MS = DEFAULT_POLL_POLICIES.wxpay.closeNotBeforeMs + 20_000;

const lastPhase = (orderNo: string) => h.engine.orderDetail(orderNo).attempts.at(-1)?.phase;

describe('QR display: both wallets', () => {
  it('offers WeChat Native and Alipay side by side, each order with time_expire = the shown expiry', async () => {
    const precreates = [vi.spyOn(h.wx, 'precreate'), vi.spyOn(h.ali, 'precreate')];
    const view = await open().start();
    expect(view.state).toBe('showing');
    expect(view.codes.map((c) => c.wallet)).toEqual(['wxpay', 'alipay']);
    expect(view.codes.every((c) => c.qr_svg_data_url.startsWith('data:image/svg+xml'))).toBe(true);
    expect(view.expires_at).toBe(h.clock.now() + 120_000);
    for (const spy of precreates) {
      expect(spy.mock.calls[0]![0].timeExpire).toBe(view.expires_at);
      // The customer's bill names the shop and the product.
      expect(spy.mock.calls[0]![0].subject).toBe('街角茶铺 按摩椅 10 分钟');
    }
  });

  it('one wallet configured: one code', async () => {
    const view = await open({ providers: ['alipay'] }).start();
    expect(view.codes.map((c) => c.wallet)).toEqual(['alipay']);
    expect(view.wallet).toBe('alipay');
  });

  it('paid with Alipay: the paid action runs once, the WeChat order is closed', async () => {
    const qr = open();
    const shown = await qr.start();
    const [wx, ali] = shown.codes;
    h.ali.scanQr(ali!.out_trade_no);
    await until(() => qr.view().action?.state === 'done');
    expect(qr.view()).toMatchObject({
      state: 'paid',
      wallet: 'alipay',
      out_trade_no: ali!.out_trade_no,
      codes: [],
    });
    expect(actions).toEqual([ali!.out_trade_no]);
    await until(() => lastPhase(wx!.out_trade_no) === 'closed', WX_CLOSE_MS);
    expect(h.wx.calls.some((c) => c.op === 'close' && c.outTradeNo.startsWith(wx!.out_trade_no))).toBe(true);
    expect(h.engine.orderView(wx!.out_trade_no)?.status).toBe(0);
  });

  it('paid with both: the second payment is refunded in full, journaled, reported, and fires no action', async () => {
    const qr = open();
    const [wx, ali] = (await qr.start()).codes;
    h.wx.scanQr(wx!.out_trade_no);
    h.ali.scanQr(ali!.out_trade_no);
    await until(() => qr.view().duplicate?.state === 'refunded');
    const kept = qr.view().out_trade_no!;
    const second = kept === wx!.out_trade_no ? ali! : wx!;
    expect(actions).toEqual([kept]);
    expect(qr.view().duplicate).toEqual({
      out_trade_no: second.out_trade_no,
      wallet: second.wallet,
      total_fee: 1000,
      state: 'refunded',
    });
    const refunded = h.engine.orderView(second.out_trade_no)!;
    expect(refunded).toMatchObject({ status: 3, refunded_fee: 1000 });
    expect(h.journal.refundsOf(second.out_trade_no)).toHaveLength(1);
    const gateway = second.wallet === 'wxpay' ? h.wx : h.ali;
    expect(gateway.held(second.out_trade_no)).toBe(0);
    expect(h.engine.orderView(kept)?.status).toBe(1);
  });

  it('a duplicate whose refund could not start is retried with back-off until refunded', async () => {
    // The refund throws before anything is journaled (merchant gateway briefly unavailable): the
    // pair's second payment must not stay unrefunded because the callback was booked done.
    const refund = h.engine.refunds.refund.bind(h.engine.refunds);
    let refusals = 1;
    pairs = new QrPairs({
      order: (orderNo) => h.engine.orderView(orderNo) ?? null,
      refund: (input) => {
        if (refusals-- > 0) throw new UnavailableError('provider_unreachable', 'provider down');
        return refund(input);
      },
    });
    const wrapped = pairs.wrap({
      '*': ({ out_trade_no }) => {
        actions.push(out_trade_no);
        return true;
      },
    });
    for (const key of Object.keys(h.callbacks)) delete h.callbacks[key];
    Object.assign(h.callbacks, wrapped);
    const qr = open();
    const [wx, ali] = (await qr.start()).codes;
    h.wx.scanQr(wx!.out_trade_no);
    h.ali.scanQr(ali!.out_trade_no);
    await until(() => qr.view().duplicate?.state === 'refunded');
    const second = qr.view().duplicate!.out_trade_no;
    expect(h.engine.orderView(second)).toMatchObject({ status: 3, refunded_fee: 1000 });
    expect(actions).toEqual([qr.view().out_trade_no]);
  });

  it('a duplicate refund the provider refuses shows as failed, for a person to act on', async () => {
    for (const gateway of [h.wx, h.ali])
      gateway.fault('refund', { reply: { kind: 'failed', providerCode: 'NOTENOUGH', message: 'balance' } });
    const qr = open();
    const [wx, ali] = (await qr.start()).codes;
    h.wx.scanQr(wx!.out_trade_no);
    h.ali.scanQr(ali!.out_trade_no);
    await until(() => h.journal.refundsOf(qr.view().duplicate?.out_trade_no ?? '').length === 1);
    await until(() => h.journal.refundsOf(qr.view().duplicate!.out_trade_no)[0]!.status === 'failed');
    await h.clock.advance(1000);
    expect(qr.view().duplicate?.state).toBe('failed');
  });

  it('a restarted service decides the same from the journal: the pair member whose callback ran is kept', async () => {
    const qr = open();
    const [wx, ali] = (await qr.start()).codes;
    h.wx.scanQr(wx!.out_trade_no);
    h.ali.scanQr(ali!.out_trade_no);
    await until(() => qr.view().duplicate?.state === 'refunded');
    const kept = qr.view().out_trade_no!;
    const second = kept === wx!.out_trade_no ? ali! : wx!;
    // A new guard knows nothing in memory, as after a restart with the second callback still owed.
    const fresh = new QrPairs({
      order: (orderNo) => h.engine.orderView(orderNo) ?? null,
      refund: (input) => h.engine.refunds.refund(input),
    });
    expect(fresh.duplicateOf(second.out_trade_no)?.keeper).toBe(kept);
    expect(fresh.duplicateOf(kept)).toBeNull();
  });
});

describe('the pair guard', () => {
  it('after a crash with both callbacks unfinished, the pair member paid first is kept, whichever is asked first', async () => {
    // Both payments are booked, each callback row claimed ("running", runs 1) and never finished, as
    // when the machine dies in the middle: the chair may already have started for the first one.
    for (const key of Object.keys(h.callbacks)) delete h.callbacks[key];
    h.callbacks['*'] = () => new Promise<boolean>(() => {});
    const first = await h.engine.startQr({
      out_trade_no: 'PAIR0',
      total_fee: 500,
      subject: 'x',
      custom: pairCustom('PAIR1'),
    });
    const second = await h.engine.startQr({
      out_trade_no: 'PAIR1',
      total_fee: 500,
      subject: 'x',
      provider: 'alipay',
      custom: pairCustom('PAIR0'),
    });
    h.wx.scanQr(first.orderNo);
    await until(() => h.engine.orderView('PAIR0')?.status === 1);
    await h.clock.advance(3000);
    h.ali.scanQr(second.orderNo);
    await until(() => h.engine.orderView('PAIR1')?.status === 1);
    const afterRestart = () =>
      new QrPairs({
        order: (orderNo) => h.engine.orderView(orderNo) ?? null,
        refund: (input) => h.engine.refunds.refund(input),
      });
    const askedFirstBySecond = afterRestart();
    expect(askedFirstBySecond.duplicateOf('PAIR1')?.keeper).toBe('PAIR0');
    expect(askedFirstBySecond.duplicateOf('PAIR0')).toBeNull();
    const askedFirstByFirst = afterRestart();
    expect(askedFirstByFirst.duplicateOf('PAIR0')).toBeNull();
    expect(askedFirstByFirst.duplicateOf('PAIR1')?.keeper).toBe('PAIR0');
  });

  it('an order naming a paid order as its pair, unreciprocated, is not a duplicate (no refund)', async () => {
    const paid = await h.engine.startQr({ out_trade_no: 'OTHER1', total_fee: 500, subject: 'x' });
    h.wx.scanQr(paid.orderNo);
    await until(() => h.engine.orderView('OTHER1')?.status === 1);
    const mine = await h.engine.startQr({
      out_trade_no: 'MINE1',
      total_fee: 500,
      subject: 'x',
      custom: { qr_pair: 'OTHER1' },
    });
    h.wx.scanQr(mine.orderNo);
    await until(() => h.engine.orderView('MINE1')?.status === 1);
    expect(pairs.duplicateOf('MINE1')).toBeNull();
    expect(actions).toEqual(['OTHER1', 'MINE1']);
    expect(h.engine.orderView('MINE1')?.refunded_fee).toBe(0);
  });
});

describe('QR display: expiry', () => {
  it('hides the codes the moment they expire (二维码已失效), long before WeChat allows the close', async () => {
    const qr = open();
    const shown = await qr.start();
    await h.clock.advance(119_000);
    expect(qr.view().state).toBe('showing');
    await h.clock.advance(1_000);
    expect(qr.view()).toMatchObject({ state: 'expired', codes: [], qr_code: null, qr_svg_data_url: null });
    // The customer can no longer pay it: the provider was told the same expiry.
    expect(h.clock.now()).toBe(shown.expires_at);
  });

  it('auto_start shows a code with no tap, and a new one after the expired screen', async () => {
    const qr = open({ autoStart: true, ttlMs: 60_000 });
    await until(() => qr.view().state === 'showing');
    const first = qr.view().codes[0]!.out_trade_no;
    await h.clock.advance(60_000);
    expect(qr.view().state).toBe('expired');
    await until(() => qr.view().state === 'showing' && qr.view().codes[0]!.out_trade_no !== first);
  });

  it('cancel closes both orders and returns to idle', async () => {
    const qr = open();
    const shown = await qr.start();
    expect(qr.cancel().state).toBe('idle');
    for (const code of shown.codes) {
      await until(() => h.engine.orderView(code.out_trade_no)?.live_attempt === null, WX_CLOSE_MS);
      const gateway = code.wallet === 'wxpay' ? h.wx : h.ali;
      expect(gateway.calls.some((c) => c.op === 'close' && c.outTradeNo.startsWith(code.out_trade_no))).toBe(
        true,
      );
      expect(h.engine.orderView(code.out_trade_no)?.status).not.toBe(1);
    }
  });
});

describe('pickQrProviders', () => {
  it('takes the first gateway per wallet, WeChat first', () => {
    expect(
      pickQrProviders([
        { provider: 'alipay', qrWallet: 'alipay' },
        { provider: 'payjs', qrWallet: 'wxpay' },
        { provider: 'wxpay', qrWallet: 'wxpay' },
      ]),
    ).toEqual(['payjs', 'alipay']);
    expect(pickQrProviders([{ provider: 'alipay', qrWallet: 'alipay' }])).toEqual(['alipay']);
  });
});
