/** The per-client wait after wrong supervisor PINs: doubling for a guesser, capped low for the console. */
import { describe, expect, it } from 'vitest';
import { AccessPolicy, type Caller, CONSOLE_CALLER } from '../../core/service/api/access-policy.ts';
import { PinAttempts } from '../../core/service/api/pin-attempts.ts';

describe('wrong-PIN waits', () => {
  it('lets three wrong tries through, then doubles the wait of that client only', () => {
    const attempts = new PinAttempts();
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      attempts.failed('lan:10.0.0.9', 0, false);
      waits.push(attempts.waitMs('lan:10.0.0.9', 0));
    }
    expect(waits).toEqual([0, 0, 0, 1_000, 2_000, 4_000]);
    expect(attempts.waitMs('console', 0)).toBe(0);
    expect(attempts.waitMs('lan:10.0.0.9', 4_000)).toBe(0);
  });

  it('caps a guesser at 15 minutes, so a 6-digit PIN takes decades to guess', () => {
    const attempts = new PinAttempts();
    for (let i = 0; i < 40; i++) attempts.failed('key:erp', 0, false);
    expect(attempts.waitMs('key:erp', 0)).toBe(15 * 60_000);
  });

  it('never makes the console wait more than 30 s, however many wrong tries', () => {
    const attempts = new PinAttempts();
    for (let i = 0; i < 40; i++) attempts.failed('console', 0, true);
    expect(attempts.waitMs('console', 0)).toBe(30_000);
  });

  it('forgets a client after the right PIN, and the oldest client when full', () => {
    const attempts = new PinAttempts({ ...defaultsWith(2) });
    for (let i = 0; i < 5; i++) attempts.failed('a', 0, false);
    attempts.succeeded('a');
    expect(attempts.waitMs('a', 0)).toBe(0);
    for (let i = 0; i < 5; i++) attempts.failed('b', 0, false);
    for (let i = 0; i < 5; i++) attempts.failed('c', 0, false);
    for (let i = 0; i < 5; i++) attempts.failed('d', 0, false);
    expect(attempts.waitMs('b', 0)).toBe(0);
    expect(attempts.waitMs('d', 0)).toBeGreaterThan(0);
  });
});

function defaultsWith(maxClients: number) {
  return { freeTries: 3, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000, consoleMaxDelayMs: 30_000, maxClients };
}

describe('which client counts as the console', () => {
  const policyAt = (now: { value: number }) =>
    new AccessPolicy({
      pin: { matches: (pin) => pin === '24681357', isDefault: false },
      attempts: new PinAttempts(),
      clock: { now: () => now.value } as never,
    });
  const guess = (policy: AccessPolicy, caller: Caller) => {
    try {
      policy.authorize(caller, 'verifyPin', { pin: '00000000' });
      return 'ok';
    } catch (error) {
      return (error as { code: string; details?: { retry_after_ms?: number } }).details?.retry_after_ms ?? 0;
    }
  };

  it('only the terminal’s own UI is capped at 30 s; a LAN browser with the token is slowed like anyone', () => {
    const now = { value: 0 };
    const policy = policyAt(now);
    const lan: Caller = { kind: 'console', client: 'lan:192.168.1.50' };
    let lanWait = 0;
    let consoleWait = 0;
    for (let i = 0; i < 40; i++) {
      now.value += 16 * 60_000; // past any wait: every guess is checked
      guess(policy, lan);
      guess(policy, CONSOLE_CALLER);
      lanWait = guess(policy, lan) as number;
      consoleWait = guess(policy, CONSOLE_CALLER) as number;
    }
    expect(consoleWait).toBeLessThanOrEqual(30_000);
    expect(lanWait).toBeGreaterThan(30_000);
  });
});
