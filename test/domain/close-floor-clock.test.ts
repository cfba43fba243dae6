/**
 * WeChat's close floor (PollPolicy.closeNotBeforeMs) is counted from the pre-create's wall-clock time
 * (chargedAt). When the terminal's clock is set back after the pre-create (NTP correcting a clock that
 * ran hours ahead, a timezone fix), that time lies in the future: waiting for it would leave the QR
 * order unclosed for as long as the clock was off. The floor never holds a close longer than the
 * floor itself: a close refused as too young is retried, bounded, and the retries span the floor.
 */
import { describe, expect, it } from 'vitest';
import { apply, decide } from '../../core/domain/attempt-machine.ts';
import type { AttemptState } from '../../core/domain/attempt-state.ts';
import { attempt, close, closeOk, closeTooYoung, pending, query, stop, T0, WX } from './attempt-fixtures.ts';

const EIGHT_HOURS = 8 * 3600_000;
const FIVE_MINUTES = 5 * 60_000;

/** Drives an attempt in `closing` as the engine would; WeChat refuses closes before the order is 5 minutes old. */
function driveClose(start: AttemptState, now: number, realCreatedAt: number) {
  let s = start;
  let at = now;
  let closes = 0;
  for (let step = 0; step < 200 && s.phase === 'closing' && !s.awaitingConfirm; step++) {
    const command = decide(s, WX, at);
    if (command.kind === 'wait') {
      at = command.until;
      continue;
    }
    expect(command.kind).toBe('close');
    closes++;
    s = apply(s, close(at - realCreatedAt >= FIVE_MINUTES ? closeOk : closeTooYoung), WX, at);
  }
  return { state: s, at, closes };
}

describe('the WeChat close floor when the clock moves', () => {
  it('set back 8 hours after the pre-create: the order is still closed within minutes, not 8 hours', () => {
    // Pre-created at T0 by a clock 8 hours fast; the clock is then corrected, the QR expires 2 minutes later.
    const realCreatedAt = T0 - EIGHT_HOURS;
    const now = realCreatedAt + 120_000;
    const qr = attempt({ mode: 'qr', phase: 'awaiting_scan', qrCode: 'weixin://wxpay/q1', chargedAt: T0 });
    const expired = apply(qr, stop, WX, now);
    expect(expired.phase).toBe('closing');
    const { state, at } = driveClose(expired, now, realCreatedAt);
    expect(state).toMatchObject({ phase: 'closing', awaitingConfirm: true });
    expect(at - now).toBeLessThanOrEqual(WX.closeNotBeforeMs + WX.closeRetryDelayMs);
  });

  it('set forward after the pre-create: an early close is refused and retried until the order is old enough', () => {
    const realCreatedAt = T0;
    const qr = attempt({ mode: 'qr', phase: 'awaiting_scan', qrCode: 'weixin://wxpay/q1', chargedAt: T0 });
    // The QR expires at T0 + 2 min real time, but the clock now reads an hour ahead.
    const expired = apply(qr, query(pending), WX, T0 + 3600_000);
    const shift = 3600_000 - 120_000;
    const { state, closes } = driveClose(expired, T0 + 3600_000, realCreatedAt + shift);
    expect(state).toMatchObject({ phase: 'closing', awaitingConfirm: true });
    expect(closes).toBeLessThanOrEqual(WX.closeMaxAttempts);
  });

  it('with a sane clock the first close still waits for the floor and is sent once', () => {
    const qr = attempt({ mode: 'qr', phase: 'awaiting_scan', qrCode: 'weixin://wxpay/q1', chargedAt: T0 });
    const expired = apply(qr, stop, WX, T0 + 120_000);
    const { state, closes, at } = driveClose(expired, T0 + 120_000, T0);
    expect(state.awaitingConfirm).toBe(true);
    expect(closes).toBe(1);
    expect(at).toBe(T0 + WX.closeNotBeforeMs);
  });

  it('a micropay reversal is not held for hours by its 15 s floor when the clock was set back', () => {
    const now = T0 - EIGHT_HOURS + 20_000;
    const s = attempt({ phase: 'reversing', chargedAt: T0, nextActionAt: now, queryCount: 3 });
    expect(decide(s, WX, now)).toEqual({ kind: 'reverse' });
  });
});
