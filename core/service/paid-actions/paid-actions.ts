/**
 * Paid-callback actions from configuration, without code: an HTTP POST signed with HMAC-SHA256
 * (so the receiver can verify it came from this terminal), a serial command (start a massage chair),
 * or a module's default export. They run as the engine's paid callbacks, so they run once per paid
 * order, are retried with back-off when they throw, and carry out_trade_no as the idempotency key;
 * a run cut off by a crash is held, not repeated, unless every action is HTTP, and a payment below
 * the action's price floor is held, not run (buildPaidCallbacks).
 */
import { createHmac } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PaidCallback, PaidCallbackContext } from '../../engine/engine-deps.ts';
import type { PaidActionConfig } from '../config/service-config.ts';
import type { PaidActionFloor } from './price-floors.ts';

export function signPayload(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

async function runHttp(
  action: Extract<PaidActionConfig, { kind: 'http' }>,
  context: PaidCallbackContext,
): Promise<boolean> {
  const body = JSON.stringify(context);
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const response = await fetch(action.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': context.out_trade_no,
      'x-scanpay-timestamp': timestamp,
      'x-scanpay-signature': `v1=${signPayload(action.secret, timestamp, body)}`,
    },
    body,
    signal: AbortSignal.timeout(action.timeout_ms),
  });
  if (!response.ok) throw new Error(`paid action POST answered HTTP ${response.status}`);
  const text = await response.text();
  // A receiver may answer {"ok":false} to say "received, but the order could not be fulfilled".
  try {
    const parsed = JSON.parse(text) as { ok?: unknown };
    return parsed.ok !== false;
  } catch {
    return true;
  }
}

async function runSerial(
  action: Extract<PaidActionConfig, { kind: 'serial' }>,
  context: PaidCallbackContext,
): Promise<boolean> {
  const { SerialPort } = await import('serialport');
  const text = action.command
    .replaceAll('{out_trade_no}', context.out_trade_no)
    .replaceAll('{total_fee}', String(context.total_fee));
  const bytes = text.startsWith('hex:')
    ? Buffer.from(text.slice(4).replace(/\s+/g, ''), 'hex')
    : Buffer.from(text, 'utf8');
  await new Promise<void>((done, fail) => {
    const port = new SerialPort({ path: action.path, baudRate: action.baud_rate }, (error) => {
      if (error) return fail(error);
      port.write(bytes, (writeError) => {
        if (writeError) return fail(writeError);
        port.drain(() => port.close(() => done()));
      });
    });
  });
  return true;
}

async function runModule(
  action: Extract<PaidActionConfig, { kind: 'module' }>,
  context: PaidCallbackContext,
  baseDir: string,
): Promise<boolean> {
  const path = isAbsolute(action.path) ? action.path : resolve(baseDir, action.path);
  const module = (await import(pathToFileURL(path).href)) as {
    default?: (c: PaidCallbackContext) => unknown;
  };
  if (typeof module.default !== 'function') throw new Error(`${action.path} has no default export function`);
  return (await module.default(context)) !== false;
}

/** What a person is told to check after an interrupted run: the kind and its device or file, never a secret. */
function describeAction(action: PaidActionConfig): string {
  return action.kind === 'http' ? `http ${action.url}` : `${action.kind} ${action.path}`;
}

/**
 * The step key of a serial or module action in the callback's journaled progress: its place in the
 * list and what it drives (never a secret: HTTP actions are not recorded). A config edited between a
 * run and its retry changes the key; a recorded key no action has then holds the run (see below).
 */
function stepKey(index: number, action: Exclude<PaidActionConfig, { kind: 'http' }>): string {
  return action.kind === 'serial'
    ? `${index} serial ${action.path} ${action.command}`
    : `${index} module ${action.path}`;
}

/**
 * Why a run was held, read back from the reason it was held with (the engine keeps only that text,
 * core/engine/held-paid-actions.ts), for the 待处理 card to say the right thing. The reasons are
 * written below; an unrecognised one (from an older release) is an interrupted run.
 */
export function heldCause(reason: string): {
  readonly cause: 'interrupted' | 'below_floor' | 'changed';
  readonly minTotalFee: number | null;
} {
  const floor = /^paid \d+ fen, below (\d+) fen,/.exec(reason);
  if (floor) return { cause: 'below_floor', minTotalFee: Number(floor[1]) };
  if (reason.startsWith(CHANGED_PREFIX)) return { cause: 'changed', minTotalFee: null };
  return { cause: 'interrupted', minTotalFee: null };
}

const CHANGED_PREFIX = 'paid action changed or its record is unreadable';

export interface PaidCallbackOptions {
  /** Told of every run's outcome (false when held). */
  readonly observe?: (context: PaidCallbackContext, ok: boolean) => void;
  /** The price floor of a type's paid actions (./price-floors.ts); none when omitted. */
  readonly floorOf?: (type: string) => PaidActionFloor | null;
}

/**
 * order type → callback; '*' applies to types with no entry of their own.
 *
 * Across a crash (docs/deploy.md "Paid actions across a crash"): a run cut off after it started may
 * have started the motor, and the terminal cannot ask a serial relay or a module whether it did. Such
 * actions run at most once: an interrupted run is held for a person (`{ held }`), never repeated. A
 * list of HTTP actions only is repeated with the same Idempotency-Key (out_trade_no) and
 * `"interrupted": true` in the body, so the receiver refuses what it already did.
 *
 * A serial or module action that ran is recorded as a step of the callback (PaidCallbackRun), which
 * the engine journals with the retry's row: when a later action throws (an HTTP receiver down), the
 * retry, in this process or after a restart, runs only what has not run yet. An interrupted run
 * whose serial and module actions were all recorded as run repeats only its HTTP actions.
 *
 * Price floor (docs/security.md "Paid actions and their price"): a payment below the floor of its
 * type's actions runs nothing; it is held for a person, who runs it (重新执行: a run ordered by a
 * person is not held again for its price) or refunds it.
 */
export function buildPaidCallbacks(
  actions: Readonly<Record<string, readonly PaidActionConfig[]>>,
  baseDir: string,
  options: PaidCallbackOptions = {},
): Record<string, PaidCallback> {
  const { observe, floorOf } = options;
  const callbacks: Record<string, PaidCallback> = {};
  const types = new Set([...Object.keys(actions), '*']);
  for (const type of types) {
    const list = actions[type] ?? actions['*'] ?? [];
    callbacks[type] = async (context, run) => {
      const held = (reason: string) => {
        observe?.(context, false);
        return { held: reason };
      };
      const progress = run?.progress ?? {};
      const keys = list.map((action, index) => (action.kind === 'http' ? null : stepKey(index, action)));
      // A recorded step no action of this list has: the list changed since it ran, or its record is
      // unreadable. What ran cannot be matched to what would run now, so a person decides; once
      // they ordered the run (重新执行), the actions not recorded under their current place run.
      const unknownSteps = Object.keys(progress).filter((step) => !keys.includes(step));
      if (unknownSteps.length > 0 && !run?.runByPerson)
        return held(
          `${CHANGED_PREFIX} since it partly ran: it is not repeated (${list.map(describeAction).join(', ')}); check the device`,
        );
      const floor = floorOf?.(context.type);
      if (floor && context.total_fee < floor.fen && !run?.runByPerson)
        return held(
          `paid ${context.total_fee} fen, below ${floor.fen} fen, the lowest price of this paid action (${floor.source}): not run; run it or refund (${list.map(describeAction).join(', ')})`,
        );
      const unasked = list.filter(
        (action, index) => action.kind !== 'http' && progress[keys[index]!] === undefined,
      );
      if (context.interrupted && unasked.length > 0)
        return held(
          `paid action interrupted by a restart: it may have run, so it is not repeated (${unasked.map(describeAction).join(', ')}); check the device`,
        );
      let ok = true;
      for (const [index, action] of list.entries()) {
        const key = keys[index];
        const earlier = key === null || key === undefined ? undefined : progress[key];
        if (earlier !== undefined) {
          ok = ok && earlier; // a motor an earlier run of this callback already started: its result
          continue;
        }
        const result =
          action.kind === 'http'
            ? await runHttp(action, context)
            : action.kind === 'serial'
              ? await runSerial(action, context)
              : await runModule(action, context, baseDir);
        if (key) run?.recordStep(key, result);
        ok = ok && result;
      }
      observe?.(context, ok);
      return ok;
    };
  }
  return callbacks;
}
