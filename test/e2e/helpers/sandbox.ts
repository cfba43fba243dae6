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

/** POST /api/<name> on the service; returns the value or throws with the error code. */
export async function api<T = unknown>(serviceUrl: string, name: string, body: unknown = {}): Promise<T> {
  const response = await fetch(`${serviceUrl}/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { ok: boolean; value?: T; error?: { code: string } };
  if (!json.ok) throw new Error(`${name}: ${json.error?.code}`);
  return json.value as T;
}
