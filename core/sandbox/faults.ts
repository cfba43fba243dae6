/**
 * Fault injection for provider endpoints (never /_sandbox/*). Every decision comes from a seeded
 * mulberry32 stream, so a chaos run with the same seed and the same request sequence misbehaves the
 * same way. At most one fault per request; rates are checked in a fixed order so the plan is stable.
 *
 * Where the fault happens relative to the commit matters, because that is exactly what a client
 * must survive: a dropped reply, a garbled body and a bad signature all happen AFTER the trade is
 * committed (the money moved, the client cannot tell); an HTTP 500 is sometimes before (nothing
 * happened) and sometimes after.
 */
import { z } from 'zod';
import { ValidationError } from '../common/errors.ts';
import { mulberry32, type Prng } from './prng.ts';

export interface FaultConfig {
  readonly seed?: number;
  readonly latency_ms?: number;
  readonly drop_reply_rate?: number;
  readonly http_500_rate?: number;
  readonly malformed_reply_rate?: number;
  readonly bad_signature_rate?: number;
}

const rate = z.number().min(0).max(1).optional();

/** The JSON of POST /_sandbox/faults; `{}` means no faults. */
export const faultConfigSchema = z.strictObject({
  seed: z.number().int().optional(),
  latency_ms: z.number().int().min(0).max(60_000).optional(),
  drop_reply_rate: rate,
  http_500_rate: rate,
  malformed_reply_rate: rate,
  bad_signature_rate: rate,
});

/** Validates fault settings from any caller; throws a ValidationError naming the bad setting. */
export function parseFaultConfig(input: unknown): FaultConfig {
  const result = faultConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || 'faults';
    throw new ValidationError('sandbox_faults_invalid', `${where}: ${issue?.message ?? 'invalid'}`, {
      field: where,
    });
  }
  return Object.fromEntries(Object.entries(result.data).filter(([, v]) => v !== undefined)) as FaultConfig;
}

export type FaultDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'http_500'; readonly phase: 'before_commit' | 'after_commit' }
  | { readonly kind: 'drop_reply' }
  | { readonly kind: 'malformed_reply' }
  | { readonly kind: 'bad_signature' };

export interface FaultPlan {
  readonly config: FaultConfig;
  readonly latencyMs: number;
  /** Draws the fault for the next provider request. */
  next(): FaultDecision;
}

export function createFaultPlan(config: FaultConfig): FaultPlan {
  const random: Prng = mulberry32(config.seed ?? 1);
  const drop = config.drop_reply_rate ?? 0;
  const http500 = config.http_500_rate ?? 0;
  const malformed = config.malformed_reply_rate ?? 0;
  const badSignature = config.bad_signature_rate ?? 0;
  return {
    config,
    latencyMs: config.latency_ms ?? 0,
    next() {
      // Always draw the same number of values per request so one rate does not shift the others' stream.
      const [a, b, c, d, phase] = [random(), random(), random(), random(), random()];
      if (a < http500) return { kind: 'http_500', phase: phase < 0.5 ? 'before_commit' : 'after_commit' };
      if (b < drop) return { kind: 'drop_reply' };
      if (c < malformed) return { kind: 'malformed_reply' };
      if (d < badSignature) return { kind: 'bad_signature' };
      return { kind: 'none' };
    },
  };
}

export const NO_FAULTS: FaultPlan = createFaultPlan({});
