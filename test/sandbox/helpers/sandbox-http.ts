/**
 * Client-side helpers for the sandbox tests: plain HTTP and mTLS POSTs that return status and raw
 * text (so a test sees exactly what a client would: including a destroyed socket).
 */
import { request as httpsRequest } from 'node:https';

export interface RawReply {
  readonly status: number;
  readonly text: string;
  readonly contentType: string;
}

export async function post(url: string, body: string, contentType: string): Promise<RawReply> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  return {
    status: response.status,
    text: await response.text(),
    contentType: response.headers.get('content-type') ?? '',
  };
}

export interface TlsIdentity {
  readonly cert?: string;
  readonly key?: string;
  readonly ca: string;
}

export function postTls(
  url: string,
  body: string,
  contentType: string,
  identity: TlsIdentity,
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: 'POST',
        headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
        ca: identity.ca,
        ...(identity.cert ? { cert: identity.cert, key: identity.key } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            contentType: String(res.headers['content-type'] ?? ''),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** JSON call to the /_sandbox control API. */
export async function control<T = Record<string, unknown>>(
  baseUrl: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as T };
}

export async function issueCode(
  baseUrl: string,
  wallet: 'wxpay' | 'alipay',
  behavior = 'instant',
  extra: Record<string, unknown> = {},
): Promise<string> {
  const { status, json } = await control<{ authCode: string }>(baseUrl, '/_sandbox/wallet/codes', {
    wallet,
    behavior,
    ...extra,
  });
  if (status !== 200) throw new Error(`issueCode failed: ${JSON.stringify(json)}`);
  return json.authCode;
}

export interface TradeView {
  provider: string;
  out_trade_no: string;
  transaction_id: string | null;
  state: string;
  total_fee: number;
  captured_fen: number;
  refunded_fen: number;
  created_at: string;
  refunds: { out_refund_no: string; refund_fee: number; state: string }[];
}

export async function tradeOf(
  baseUrl: string,
  provider: string,
  outTradeNo: string,
): Promise<TradeView | undefined> {
  const { json } = await control<{ trades: TradeView[] }>(baseUrl, '/_sandbox/trades');
  return json.trades.find((t) => t.provider === provider && t.out_trade_no === outTradeNo);
}

let serial = 0;
/** A unique out_trade_no per call. */
export function orderNo(prefix = 'T'): string {
  serial += 1;
  return `${prefix}${Date.now()}${serial}`;
}
