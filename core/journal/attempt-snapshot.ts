/**
 * Attempt snapshots as stored in `attempts.state`: JSON of the AttemptState plus `v`, the snapshot
 * version. Rows are read back through a zod schema, never cast: a field added later gets its
 * default in older rows (not `undefined`), fields this release does not know are kept (another
 * release, or a field added by a branch merged later, may have written them), and a row that
 * cannot be read is reported as such instead of crashing recovery.
 *
 * Versions: 0 = release 0.1.0 (no `v`), 1 = this release (same fields; `v` added). A new optional
 * field needs a `.default(...)` here and, if it changes meaning, a new version.
 */
import { z } from 'zod';
import type { ProblemView } from '../common/contract/views.ts';
import { isDeclineReason } from '../common/decline-reasons.ts';
import { type ErrorCode, isErrorCode } from '../common/error-codes.ts';
import { PROVIDER_NAMES } from '../common/providers.ts';
import { type AttemptState, submittedAttempt } from '../domain/attempt-state.ts';

export const SNAPSHOT_VERSION = 1;

const problem = z.object({ code: z.string(), message: z.string() }).nullable();
/**
 * A failure stored before decline reasons has none: our own codes (amount_mismatch) read as null, a
 * provider's code as `other`; a reason a later release added reads as `other` too.
 */
const failure = z
  .object({ code: z.string(), message: z.string(), reason: z.unknown().optional() })
  .transform(({ code, message, reason }) => ({
    code,
    message,
    reason:
      reason === undefined
        ? isErrorCode(code)
          ? null
          : ('other' as const)
        : reason === null || isDeclineReason(reason)
          ? reason
          : ('other' as const),
  }))
  .nullable();
const count = z.number().int().min(0);
const instant = z.number().int().min(0);

/** Identity and money: without these a snapshot cannot be resumed, so they have no default. */
const identity = {
  outTradeNo: z.string().min(1),
  orderNo: z.string().min(1),
  attemptIndex: z.number().int().min(1),
  pid: z.string().min(1),
  provider: z.enum(PROVIDER_NAMES),
  wallet: z.enum(['wxpay', 'alipay']),
  mode: z.enum(['micropay', 'qr']),
  phase: z.enum([
    'submitted',
    'polling',
    'awaiting_scan',
    'reversing',
    'closing',
    'paid',
    'failed',
    'reversed',
    'closed',
    'needs_attention',
  ]),
  totalFee: z.number().int().positive(),
  createdAt: instant,
  updatedAt: instant,
};

/** Progress: a missing one means "nothing happened yet", which is what a new attempt starts with. */
const progress = {
  nextActionAt: instant.default(0),
  deadlineAt: instant.nullable().default(null),
  queryCount: count.default(0),
  reverseCount: count.default(0),
  unknownCount: count.default(0),
  closeCount: count.default(0),
  awaitingConfirm: z.boolean().default(false),
  confirmCount: count.default(0),
  stopRequested: z.boolean().default(false),
  transactionId: z.string().nullable().default(null),
  paidFee: z.number().int().nullable().default(null),
  paidAt: instant.nullable().default(null),
  qrCode: z.string().nullable().default(null),
  reverseAction: z.enum(['close', 'refund']).nullable().default(null),
  failure: failure.default(null),
  attention: problem.default(null),
  authCodeTail: z.string().nullable().default(null),
};

/** Loose: fields this release does not know survive a read-modify-write by the engine. */
const SnapshotSchema = z.looseObject({
  v: z.number().int().min(0).default(0),
  ...identity,
  ...progress,
  // Reversal timing counts from the charge: a row without it charged when it was created.
  chargedAt: instant.optional(),
});

export type SnapshotReading =
  | { readonly ok: true; readonly state: AttemptState; readonly version: number }
  | { readonly ok: false; readonly reason: string };

export function encodeSnapshot(state: AttemptState): string {
  return JSON.stringify({ v: SNAPSHOT_VERSION, ...state });
}

/** Parses a stored snapshot; never throws. */
export function parseSnapshot(text: string): SnapshotReading {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON (${(error as Error).message})` };
  }
  const result = SnapshotSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return { ok: false, reason: issues.join('; ') };
  }
  const { v, chargedAt, ...state } = result.data;
  if (v > SNAPSHOT_VERSION)
    return { ok: false, reason: `snapshot version ${v} is newer than this release's ${SNAPSHOT_VERSION}` };
  return {
    ok: true,
    version: v,
    state: { ...state, chargedAt: chargedAt ?? state.createdAt },
  };
}

/** What the journal's columns still say about an attempt whose snapshot cannot be read. */
export interface AttemptColumns {
  readonly outTradeNo: string;
  readonly orderNo: string;
  readonly attemptIndex: number;
  readonly pid: string;
  readonly provider: AttemptState['provider'];
  readonly wallet: AttemptState['wallet'];
  readonly mode: AttemptState['mode'];
  readonly totalFee: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

const WALLETS = ['wxpay', 'alipay'] as const;
const MODES = ['micropay', 'qr'] as const;

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return allowed.includes(value as T) ? (value as T) : undefined;
}

export interface SalvageInput {
  readonly outTradeNo: string;
  readonly orderNo: string;
  readonly attemptIndex: number;
  /** The row's own `phase` and `final` columns, written with every snapshot. */
  readonly phase: string;
  readonly final: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The unreadable snapshot: any of its fields that are individually valid are still used. */
  readonly text: string;
  readonly order:
    | {
        readonly pid: string;
        readonly totalFee: number;
        readonly provider: string | null;
        readonly paidOutTradeNo: string | null;
        readonly transactionId: string | null;
        readonly paidAt: number | null;
      }
    | undefined;
  /** The attempt's first intent step: op `charge`/`precreate`, summary `<provider> <fee> fen`. */
  readonly intent: { readonly op: string; readonly summary: string } | undefined;
}

/**
 * Who an attempt with an unreadable snapshot is, from what else the journal holds: each field is
 * taken from the snapshot only when valid on its own, else from the intent step or the order. The
 * provider matters most (a later query or reversal must go to the right one), and the intent step
 * written with the attempt names it.
 */
export function salvageColumns(input: SalvageInput): AttemptColumns {
  let raw: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(input.text);
    if (parsed && typeof parsed === 'object') raw = parsed as Record<string, unknown>;
  } catch {
    // nothing to salvage from the text
  }
  const intentProvider = /^(wxpay|alipay|payjs) /.exec(input.intent?.summary ?? '')?.[1];
  const provider =
    oneOf(raw.provider, PROVIDER_NAMES) ??
    oneOf(intentProvider, PROVIDER_NAMES) ??
    oneOf(input.order?.provider, PROVIDER_NAMES) ??
    'wxpay';
  return {
    outTradeNo: input.outTradeNo,
    orderNo: input.orderNo,
    attemptIndex: input.attemptIndex,
    pid: typeof raw.pid === 'string' && raw.pid ? raw.pid : (input.order?.pid ?? ''),
    provider,
    wallet: oneOf(raw.wallet, WALLETS) ?? (provider === 'alipay' ? 'alipay' : 'wxpay'),
    mode: oneOf(raw.mode, MODES) ?? (input.intent?.op === 'precreate' ? 'qr' : 'micropay'),
    totalFee: input.order?.totalFee ?? 0,
    createdAt: input.createdAt,
    updatedAt: input.updatedAt,
  };
}

export const UNREADABLE_SNAPSHOT: ErrorCode = 'journal_snapshot_unreadable';

/** What the row's own columns say of an attempt that had ended (the `phase`/`final` columns). */
export interface EndedOutcome {
  readonly phase: 'paid' | 'failed' | 'reversed' | 'closed';
  /** From the order, when this attempt is the one that paid it. */
  readonly transactionId: string | null;
  readonly paidFee: number | null;
  readonly paidAt: number | null;
}

/**
 * An attempt rebuilt from the columns. One still open is parked for a human: its outcome is
 * unknown, so it must be neither resumed blindly nor treated as final. One whose columns say it
 * ended keeps that end (a paid attempt must never be offered for reversal), flagged. The stored row
 * itself is kept as it was.
 */
export function unreadableAttempt(
  columns: AttemptColumns,
  reason: string,
  ended?: EndedOutcome,
): AttemptState {
  const attention: ProblemView = {
    code: UNREADABLE_SNAPSHOT,
    message: `the journal's record of attempt ${columns.outTradeNo} cannot be read (${reason}); it is kept unchanged: check the payment with the provider`,
  };
  // Progress starts from nothing, as for a new attempt; only what the columns say is kept.
  return {
    ...submittedAttempt({ ...columns, deadlineAt: null }, columns.createdAt),
    updatedAt: columns.updatedAt,
    phase: ended?.phase ?? 'needs_attention',
    transactionId: ended?.transactionId ?? null,
    paidFee: ended?.paidFee ?? null,
    paidAt: ended?.paidAt ?? null,
    attention,
  };
}

const ENDED_PHASES: readonly EndedOutcome['phase'][] = ['paid', 'failed', 'reversed', 'closed'];

/** The end the row's columns record, if the attempt had ended; paid details from its order. */
function endedOutcome(input: SalvageInput): EndedOutcome | undefined {
  const phase = ENDED_PHASES.find((p) => p === input.phase);
  if (!input.final || !phase) return undefined;
  const paidHere = phase === 'paid' && input.order?.paidOutTradeNo === input.outTradeNo;
  return {
    phase,
    transactionId: paidHere ? (input.order?.transactionId ?? null) : null,
    paidFee: paidHere ? (input.order?.totalFee ?? null) : null,
    paidAt: paidHere ? (input.order?.paidAt ?? null) : null,
  };
}

/** The attempt of a row whose snapshot cannot be read: salvaged identity, and its end if it had one. */
export function rebuildUnreadable(input: SalvageInput, reason: string): AttemptState {
  return unreadableAttempt(salvageColumns(input), reason, endedOutcome(input));
}
