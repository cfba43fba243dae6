/** The machine's side of a merchant gone from the configuration: park, keep every fact, resume in place. */
import { describe, expect, it } from 'vitest';
import { apply, decide } from '../../core/domain/attempt-machine.ts';
import { MERCHANT_NOT_CONFIGURED } from '../../core/domain/attempt-state.ts';
import { attempt, T0, WX } from './attempt-fixtures.ts';

const missing = {
  kind: 'merchant_missing',
  message: 'merchant "m1" is no longer in the configuration',
} as const;
const restored = { kind: 'merchant_restored' } as const;

describe('parking an attempt whose merchant is not configured', () => {
  it.each(['submitted', 'polling', 'reversing', 'closing', 'awaiting_scan'] as const)(
    'parks a %s attempt with its own reason, asks nothing of the provider, and resumes it in that phase',
    (phase) => {
      const open = attempt({ phase, queryCount: 3, transactionId: 'TX9', stopRequested: true });
      const parked = apply(open, missing, WX, T0 + 1000);
      expect(parked.phase).toBe('needs_attention');
      expect(parked.attention).toEqual({ code: MERCHANT_NOT_CONFIGURED, message: missing.message });
      expect(parked.parkedPhase).toBe(phase);
      expect(decide(parked, WX, T0 + 1000)).toEqual({ kind: 'done' });

      const resumed = apply(parked, restored, WX, T0 + 2000);
      expect(resumed.phase).toBe(phase);
      expect(resumed.attention).toBeNull();
      expect(resumed.parkedPhase).toBeUndefined();
      expect(resumed).toMatchObject({ queryCount: 3, transactionId: 'TX9', stopRequested: true });
    },
  );

  it('leaves an attempt already needing attention for another reason as it is', () => {
    const stuck = attempt({
      phase: 'needs_attention',
      attention: { code: 'provider_unreachable', message: 'down' },
    });
    expect(apply(stuck, missing, WX, T0)).toBe(stuck);
    expect(apply(stuck, restored, WX, T0)).toBe(stuck);
  });

  it('resumes a parked attempt whose parked phase is unreadable by reversing, never by booking', () => {
    const odd = attempt({
      phase: 'needs_attention',
      attention: { code: MERCHANT_NOT_CONFIGURED, message: 'gone' },
      parkedPhase: 'paid',
    });
    const resumed = apply(odd, restored, WX, T0);
    expect(resumed.phase).toBe('reversing');
    expect(resumed.attention).toBeNull();
    const qr = apply({ ...odd, mode: 'qr', parkedPhase: undefined }, restored, WX, T0);
    expect(qr.phase).toBe('closing');
    expect(decide(qr, WX, T0 + WX.closeNotBeforeMs)).toEqual({ kind: 'close' });
  });

  it('does not touch a final attempt', () => {
    const paid = attempt({ phase: 'paid' });
    expect(apply(paid, missing, WX, T0)).toBe(paid);
  });
});
