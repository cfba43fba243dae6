/** The sandbox's customer phone and the service's API, called directly by the tests. */

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${url} → ${response.status} ${JSON.stringify(json)}`);
  return json;
}

export type Behaviour = 'instant' | 'password' | 'insufficient_funds';

export async function issueCode(
  sandboxUrl: string,
  wallet: 'wxpay' | 'alipay',
  behavior: Behaviour,
): Promise<string> {
  const { authCode } = await post<{ authCode: string }>(`${sandboxUrl}/_sandbox/wallet/codes`, {
    wallet,
    behavior,
  });
  return authCode;
}

export async function confirmCode(sandboxUrl: string, authCode: string): Promise<void> {
  await post(`${sandboxUrl}/_sandbox/wallet/confirm`, { authCode });
}

export async function scanQr(sandboxUrl: string, qr: string): Promise<void> {
  await post(`${sandboxUrl}/_sandbox/wallet/scan`, { qr, behavior: 'instant' });
}

/** vk-uni-pay's operations answer flat: `code` 0 and the fields at the top level (README, API). */
const VK_OPERATIONS = new Set(['createPayment', 'queryPayment', 'refund', 'queryRefund', 'closeOrder']);

/** POST /api/<name> on the service as a plain local call; returns the value or throws with the error code. */
export async function api<T = unknown>(serviceUrl: string, name: string, body: unknown = {}): Promise<T> {
  const response = await fetch(`${serviceUrl}/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown> & {
    ok?: boolean;
    value?: T;
    error?: { code: string };
  };
  if (VK_OPERATIONS.has(name)) {
    if (json.code !== 0) throw new Error(`${name}: ${json.error?.code}`);
    const { code: _code, msg: _msg, ...value } = json;
    return value as T;
  }
  if (!json.ok) throw new Error(`${name}: ${json.error?.code}`);
  return json.value as T;
}
