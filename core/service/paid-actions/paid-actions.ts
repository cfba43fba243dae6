/**
 * Paid-callback actions from configuration, without code: an HTTP POST signed with HMAC-SHA256
 * (so the receiver can verify it came from this terminal), a serial command (start a massage chair),
 * or a module's default export. They run as the engine's paid callbacks, so they run once per paid
 * order, are retried with back-off when they throw, and carry out_trade_no as the idempotency key;
 * a run cut off by a crash is held, not repeated, unless every action is HTTP (buildPaidCallbacks).
 */
import { createHmac } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PaidCallback, PaidCallbackContext } from '../../engine/engine-deps.ts';
import type { PaidActionConfig } from '../config/service-config.ts';

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
 * order type → callback; '*' applies to types with no entry of their own.
 *
 * Across a crash (docs/deploy.md "Paid actions across a crash"): a run cut off after it started may
 * have started the motor, and the terminal cannot ask a serial relay or a module whether it did. Such
 * actions run at most once: an interrupted run is held for a person (`{ held }`), never repeated. A
 * list of HTTP actions only is repeated with the same Idempotency-Key (out_trade_no) and
 * `"interrupted": true` in the body, so the receiver refuses what it already did.
 */
export function buildPaidCallbacks(
  actions: Readonly<Record<string, readonly PaidActionConfig[]>>,
  baseDir: string,
  observe?: (context: PaidCallbackContext, ok: boolean) => void,
): Record<string, PaidCallback> {
  const callbacks: Record<string, PaidCallback> = {};
  // Serial and module actions that already ran for an order whose list then threw (an HTTP receiver
  // down): the engine retries the callback, and the retry must not start the motor again. Kept for
  // this process's life (a restart between two retries is the crash window above); bounded.
  const ranBefore = new Map<string, Map<number, boolean>>();
  const types = new Set([...Object.keys(actions), '*']);
  for (const type of types) {
    const list = actions[type] ?? actions['*'] ?? [];
    callbacks[type] = async (context) => {
      const unaskable = list.filter((action) => action.kind !== 'http');
      if (context.interrupted && unaskable.length > 0) {
        observe?.(context, false);
        return {
          held: `paid action interrupted by a restart: it may have run, so it is not repeated (${unaskable.map(describeAction).join(', ')}); check the device`,
        };
      }
      const key = `${type}\u0000${context.out_trade_no}`;
      const ran = ranBefore.get(key) ?? new Map<number, boolean>();
      let ok = true;
      for (const [index, action] of list.entries()) {
        const earlier = ran.get(index);
        if (earlier !== undefined) {
          ok = ok && earlier; // a motor already started by an earlier run of this callback: its result
          continue;
        }
        let result: boolean;
        try {
          result =
            action.kind === 'http'
              ? await runHttp(action, context)
              : action.kind === 'serial'
                ? await runSerial(action, context)
                : await runModule(action, context, baseDir);
        } catch (error) {
          if (ran.size > 0) {
            if (ranBefore.size >= 1000) ranBefore.delete(ranBefore.keys().next().value!);
            ranBefore.set(key, ran);
          }
          throw error;
        }
        if (action.kind !== 'http') ran.set(index, result);
        ok = ok && result;
      }
      ranBefore.delete(key);
      observe?.(context, ok);
      return ok;
    };
  }
  return callbacks;
}
