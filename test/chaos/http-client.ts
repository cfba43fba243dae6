/**
 * Small JSON-over-HTTP helpers for the harness: every call has a timeout, and a refused or reset
 * connection (the service was just SIGKILLed) comes back as `{kind:'down'}` instead of a throw,
 * so the drivers can tell "the service answered" from "nobody answered".
 */

export type CallResult =
  | { readonly kind: 'answered'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'down'; readonly reason: string };

export async function postJson(
  url: string,
  body: unknown,
  timeoutMs = 15_000,
  headers: Readonly<Record<string, string>> = {},
): Promise<CallResult> {
  return request(url, { method: 'POST', body: JSON.stringify(body) }, timeoutMs, headers);
}

export async function getJson(url: string, timeoutMs = 15_000): Promise<CallResult> {
  return request(url, { method: 'GET' }, timeoutMs, {});
}

async function request(
  url: string,
  init: { method: string; body?: string },
  timeoutMs: number,
  headers: Readonly<Record<string, string>>,
): Promise<CallResult> {
  try {
    const response = await fetch(url, {
      ...init,
      headers: { 'content-type': 'application/json', ...headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { kind: 'answered', status: response.status, body };
  } catch (error) {
    return { kind: 'down', reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The value of a successful answer with HTTP 200, else undefined: `{ok:true,value}` from the till's
 * operations, or vk-uni-pay's flat `{code:0,msg,…fields}` from createPayment, queryPayment, refund,
 * queryRefund and closeOrder.
 */
export function okValue<T>(result: CallResult): T | undefined {
  if (result.kind !== 'answered' || result.status !== 200) return undefined;
  const body = result.body as { ok?: unknown; value?: unknown; code?: unknown };
  if (body.ok === true) return body.value as T;
  if (body.code === 0) {
    const { code: _code, msg: _msg, ...fields } = body as Record<string, unknown>;
    return fields as T;
  }
  return undefined;
}

/** The error code of an answered call, for tallies (`error_code` in vk-uni-pay's shape). */
export function errorCode(result: CallResult): string {
  if (result.kind === 'down') return 'service_down';
  const body = result.body as { code?: unknown; error_code?: unknown };
  if (typeof body?.error_code === 'string') return body.error_code;
  return typeof body?.code === 'string' ? body.code : `http_${result.status}`;
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
