/**
 * A scanner's scan that found no sale is held a few seconds for the till's screen to claim with the
 * amount it shows. The customer showed that code to the till, so only the till's own screen (the
 * console: Electron IPC or the page served to this machine, with its session) may claim it; an
 * integrator's key or a plain local process that saw the held id on the event stream may not charge it.
 */
import { describe, expect, it } from 'vitest';
import { ScanPayError } from '../../core/common/errors.ts';
import { AccessPolicy, type Caller, CONSOLE_CALLER } from '../../core/service/api/access-policy.ts';
import { PinAttempts } from '../../core/service/api/pin-attempts.ts';

const policy = new AccessPolicy({
  pin: { matches: () => false, isDefault: false },
  attempts: new PinAttempts(),
  clock: { now: () => 0 } as never,
});
const claim = { held_id: 'b3f1c2d4', total_fee: 999_900 } as const;
const PAY_KEY: Caller = {
  kind: 'integrator',
  keyId: 'erp',
  permissions: ['pay', 'query', 'refund'],
  client: 'k',
};
const LOCAL: Caller = { kind: 'local', client: '127.0.0.1' };

function refusal(caller: Caller): string | null {
  try {
    policy.authorize(caller, 'submitScan', claim as never);
    return null;
  } catch (error) {
    return error instanceof ScanPayError ? error.code : String(error);
  }
}

describe('claiming a held scan', () => {
  it('is the till screen’s: the console may claim it', () => {
    expect(refusal(CONSOLE_CALLER)).toBeNull();
  });

  it.each([
    ['an integrator key with pay', PAY_KEY],
    ['a plain local call', LOCAL],
  ])('is refused to %s', (_, caller) => {
    expect(refusal(caller)).toBe('permission_denied');
  });

  it('leaves submitting a scanned code with pay as it was', () => {
    expect(() =>
      policy.authorize(PAY_KEY, 'submitScan', { code: '134567890123456789' } as never),
    ).not.toThrow();
    expect(() =>
      policy.authorize(LOCAL, 'submitScan', { code: '134567890123456789' } as never),
    ).not.toThrow();
  });
});
