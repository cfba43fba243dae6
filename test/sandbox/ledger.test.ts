import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/common/errors.ts';
import type { Clock } from '../../core/ports/clock.ts';
import { createLedger, type SandboxLedger } from '../../core/sandbox/ledger.ts';
import { createOffsetClock } from '../../core/sandbox/offset-clock.ts';

const START = Date.UTC(2026, 10, 23, 2, 0, 0);

/** Time stands still unless the ledger's own offset clock is advanced. */
const stillClock: Clock = { now: () => START, sleep: async () => undefined };

function newLedger(codeTtlMs = 60_000): SandboxLedger {
  return createLedger({ clock: createOffsetClock(stillClock), codeTtlMs });
}

function paidTrade(ledger: SandboxLedger, outTradeNo: string, totalFee: number) {
  const { authCode } = ledger.issueCode({ wallet: 'wxpay', behavior: 'instant' });
  const result = ledger.payWithCode({ provider: 'wxpay', outTradeNo, totalFee, authCode, subject: 's' });
  expect(result.kind).toBe('paid');
  return result;
}

describe('sandbox ledger', () => {
  it('refunds never exceed what was captured and a refund number never refunds twice (any sequence)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(
          fc.record({
            no: fc.constantFrom('A', 'B', 'C', 'D', 'E'),
            fee: fc.integer({ min: 1, max: 6_000 }),
          }),
          {
            maxLength: 30,
          },
        ),
        (total, requests) => {
          const ledger = newLedger();
          paidTrade(ledger, 'T1', total);
          const accepted = new Map<string, number>();
          for (const r of requests) {
            const result = ledger.refund({
              provider: 'wxpay',
              outTradeNo: 'T1',
              outRefundNo: r.no,
              refundFee: r.fee,
            });
            if (result.kind === 'refunded' && !result.duplicate) accepted.set(r.no, r.fee);
            if (result.kind === 'refunded' && result.duplicate) expect(accepted.get(r.no)).toBe(r.fee);
          }
          const trade = ledger.find('wxpay', 'T1')!;
          const sum = [...accepted.values()].reduce((a, b) => a + b, 0);
          expect(trade.refunded_fen).toBe(sum);
          expect(trade.refunded_fen).toBeLessThanOrEqual(trade.captured_fen);
          expect(trade.refunds).toHaveLength(accepted.size);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reversal refunds what is left after partial refunds, and closes an unpaid trade without capturing', () => {
    const ledger = newLedger();
    paidTrade(ledger, 'P', 1000);
    ledger.refund({ provider: 'wxpay', outTradeNo: 'P', outRefundNo: 'R', refundFee: 300 });
    expect(ledger.reverse('wxpay', 'P')).toMatchObject({ kind: 'reversed', action: 'refund' });
    expect(ledger.find('wxpay', 'P')).toMatchObject({
      captured_fen: 1000,
      refunded_fen: 1000,
      state: 'reversed',
    });
    expect(ledger.refund({ provider: 'wxpay', outTradeNo: 'P', outRefundNo: 'R2', refundFee: 1 }).kind).toBe(
      'exceeds',
    );

    const { authCode } = ledger.issueCode({ wallet: 'wxpay', behavior: 'password' });
    ledger.payWithCode({ provider: 'wxpay', outTradeNo: 'U', totalFee: 500, authCode, subject: 's' });
    expect(ledger.reverse('wxpay', 'U')).toMatchObject({ kind: 'reversed', action: 'close' });
    expect(ledger.confirm(authCode).kind).toBe('ok');
    expect(ledger.find('wxpay', 'U')).toMatchObject({ captured_fen: 0, refunded_fen: 0, state: 'reversed' });
    expect(ledger.reverse('wxpay', 'missing')).toEqual({ kind: 'not_found' });
  });

  it('a code is valid until codeTtlMs has passed on the sandbox clock, not a moment longer', () => {
    const ledger = newLedger(1000);
    const early = ledger.issueCode({ wallet: 'alipay', behavior: 'instant' });
    const late = ledger.issueCode({ wallet: 'alipay', behavior: 'instant' });
    ledger.advanceTime(999);
    expect(
      ledger.payWithCode({
        provider: 'alipay',
        outTradeNo: 'A',
        totalFee: 1,
        authCode: early.authCode,
        subject: 's',
      }).kind,
    ).toBe('paid');
    ledger.advanceTime(1);
    expect(
      ledger.payWithCode({
        provider: 'alipay',
        outTradeNo: 'B',
        totalFee: 1,
        authCode: late.authCode,
        subject: 's',
      }).kind,
    ).toBe('code_expired');
  });

  it('issues codes in the real formats, never the same twice', () => {
    const ledger = newLedger();
    const wx = Array.from(
      { length: 200 },
      () => ledger.issueCode({ wallet: 'wxpay', behavior: 'instant' }).authCode,
    );
    const ali = Array.from(
      { length: 200 },
      () => ledger.issueCode({ wallet: 'alipay', behavior: 'instant' }).authCode,
    );
    expect(wx.every((c) => /^1[0-5]\d{16}$/.test(c))).toBe(true);
    expect(ali.every((c) => /^28\d{16}$/.test(c))).toBe(true);
    expect(new Set([...wx, ...ali]).size).toBe(400);
  });

  it('confirm_after_ms settles a password payment when the clock passes it, and tells listeners once', () => {
    const ledger = newLedger();
    const paid: string[] = [];
    ledger.onPaid((t) => paid.push(t.out_trade_no));
    const { authCode } = ledger.issueCode({ wallet: 'wxpay', behavior: 'password', confirmAfterMs: 5000 });
    expect(
      ledger.payWithCode({ provider: 'payjs', outTradeNo: 'W', totalFee: 10, authCode, subject: 's' }).kind,
    ).toBe('awaiting_password');
    ledger.advanceTime(4999);
    expect(ledger.find('payjs', 'W')?.state).toBe('awaiting_password');
    ledger.advanceTime(1);
    expect(ledger.find('payjs', 'W')?.state).toBe('paid');
    ledger.trades();
    expect(paid).toEqual(['W']);
  });

  it('a customer who gave up cannot later be charged by confirming', () => {
    const ledger = newLedger();
    const { authCode } = ledger.issueCode({ wallet: 'alipay', behavior: 'password' });
    ledger.payWithCode({ provider: 'alipay', outTradeNo: 'G', totalFee: 10, authCode, subject: 's' });
    expect(ledger.cancel(authCode).kind).toBe('ok');
    expect(ledger.confirm(authCode).kind).toBe('error');
    expect(ledger.find('alipay', 'G')).toMatchObject({ state: 'payment_failed', captured_fen: 0 });
  });

  it('refuses bad fault settings from in-process callers with a typed error', () => {
    const ledger = newLedger();
    expect(() => ledger.setFaults({ drop_reply_rate: 1.5 })).toThrow(ValidationError);
    expect(() => ledger.setFaults({ drop_reply_rate: 1.5 })).toThrow(/drop_reply_rate/);
    ledger.setFaults({ seed: 4, drop_reply_rate: 1 });
    expect(ledger.faults.next().kind).toBe('drop_reply');
    ledger.setFaults({});
    expect(ledger.faults.next().kind).toBe('none');
  });

  it('a QR order survives a failed attempt and can then be paid', () => {
    const ledger = newLedger();
    const created = ledger.createQrOrder({
      provider: 'alipay',
      outTradeNo: 'Q',
      totalFee: 300,
      subject: 's',
    });
    expect(created.kind).toBe('created');
    const qr = `https://qr.alipay.com/${created.kind === 'created' ? created.token : ''}`;
    expect(ledger.scanQr({ qr, behavior: 'insufficient_funds' }).kind).toBe('payment_failed');
    expect(ledger.find('alipay', 'Q')?.state).toBe('awaiting_payer');
    expect(ledger.scanQr({ qr, behavior: 'instant' }).kind).toBe('paid');
    expect(ledger.scanQr({ qr, behavior: 'instant' }).kind).toBe('error');
    expect(ledger.find('alipay', 'Q')?.captured_fen).toBe(300);
  });

  it('a QR order past its time_expire can no longer be paid; before it, it can', () => {
    const clock = createOffsetClock(stillClock);
    const ledger = createLedger({ clock, codeTtlMs: 60_000 });
    const order = (outTradeNo: string) => {
      const created = ledger.createQrOrder({
        provider: 'wxpay',
        outTradeNo,
        totalFee: 300,
        subject: 's',
        expiresAtMs: START + 120_000,
      });
      if (created.kind !== 'created') throw new Error('not created');
      return `weixin://wxpay/bizpayurl?pr=${created.token}`;
    };
    const early = order('E1');
    const late = order('E2');
    clock.advance(119_000);
    expect(ledger.scanQr({ qr: early, behavior: 'instant' }).kind).toBe('paid');
    clock.advance(1_000);
    const refused = ledger.scanQr({ qr: late, behavior: 'instant' });
    expect(refused).toEqual({ kind: 'error', error: 'this QR code has expired' });
    expect(ledger.find('wxpay', 'E2')).toMatchObject({ state: 'awaiting_payer', captured_fen: 0 });
  });

  it('prunes expired unused codes, but only once the code map has doubled since the last prune', () => {
    const clock = createOffsetClock(stillClock);
    const ledger = createLedger({ clock, codeTtlMs: 60_000 });
    const pay = (authCode: string, n: number) =>
      ledger.payWithCode({ provider: 'wxpay', outTradeNo: `P${n}`, totalFee: 1, authCode, subject: 's' });
    // 10,000 used codes: they name their trades and are never pruned.
    const used: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      used.push(ledger.issueCode({ wallet: 'wxpay', behavior: 'instant' }).authCode);
      pay(used[i]!, i);
    }
    const stale = ledger.issueCode({ wallet: 'wxpay', behavior: 'instant' }).authCode; // this issue pruned: 10,000 kept
    clock.advance(61_000);
    // Below twice the last prune's size nothing is scanned, so the stale code is still known (expired).
    for (let i = 0; i < 9_000; i++) ledger.issueCode({ wallet: 'wxpay', behavior: 'instant' });
    expect(pay(stale, -1).kind).toBe('code_expired');
    const stale2 = ledger.issueCode({ wallet: 'wxpay', behavior: 'instant' }).authCode;
    clock.advance(61_000);
    for (let i = 0; i < 1_500; i++) ledger.issueCode({ wallet: 'wxpay', behavior: 'instant' });
    // Past 20,000 codes a prune ran: the expired unused code is gone, the used ones still answer.
    expect(pay(stale2, -2)).toEqual({ kind: 'code_invalid', reason: 'unknown' });
    expect(pay(used[0]!, -3)).toEqual({ kind: 'code_invalid', reason: 'already_used' });
  });
});
