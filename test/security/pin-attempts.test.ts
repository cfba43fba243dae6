/** The per-client wait after wrong supervisor PINs: doubling for a guesser, capped low for the console. */
import { describe, expect, it } from 'vitest';
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
