/**
 * Parking an attempt whose merchant (or gateway) is no longer in the configuration: nothing can be
 * asked of the provider for it, so it waits for a person as needs_attention with its own reason,
 * keeping every fact and the phase it stood in; once the merchant is configured again it resumes
 * in that phase. Pure, like the machine that applies it (./attempt-machine.ts).
 */
import { type AttemptState, MERCHANT_NOT_CONFIGURED } from './attempt-state.ts';

/** Phases a parked attempt may resume in: every unresolved phase but needs_attention itself. */
const RESUMABLE_PHASES: ReadonlySet<string> = new Set([
  'submitted',
  'polling',
  'awaiting_scan',
  'reversing',
  'closing',
]);

/** An attempt already needing attention (for this or another reason) stays as it is. */
export function parked(state: AttemptState, message: string, now: number): AttemptState {
  if (state.phase === 'needs_attention') return state;
  return {
    ...state,
    phase: 'needs_attention',
    attention: { code: MERCHANT_NOT_CONFIGURED, message },
    parkedPhase: state.phase,
    updatedAt: now,
  };
}

/**
 * A parked attempt back in the phase it stood in. A snapshot whose parked phase is unreadable
 * resumes by reversing (closing, for a QR): that never books money blindly, and the reversal is
 * confirmed by a query.
 */
export function unparked(state: AttemptState, now: number): AttemptState {
  if (state.phase !== 'needs_attention' || state.attention?.code !== MERCHANT_NOT_CONFIGURED) return state;
  const { parkedPhase, ...rest } = state;
  if (parkedPhase !== undefined && RESUMABLE_PHASES.has(parkedPhase)) {
    return { ...rest, phase: parkedPhase, attention: null, updatedAt: now };
  }
  return {
    ...rest,
    phase: state.mode === 'qr' ? 'closing' : 'reversing',
    attention: null,
    nextActionAt: now,
    unknownCount: 0,
    awaitingConfirm: false,
    updatedAt: now,
  };
}
