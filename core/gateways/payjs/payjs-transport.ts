/**
 * The single place PAYJS replies are trusted: form POST signed like WeChat v2 MD5 (v2-sign), JSON
 * reply verified over every field but `sign` (numbers as their decimal text). A return_code=1 reply
 * must be signed; a return_code=0 reply is verified when it carries a sign (the sandbox signs all;
 * real PAYJS documents signing for successful replies only).
 */
import { httpPost, providerConnections } from '../shared/http-post.ts';
import { bodyOrUnknown, type UnknownResult, unknown } from '../shared/transport-unknown.ts';
import { v2Sign, v2Verify } from '../shared/v2-sign.ts';
import type { PayjsConfig } from './payjs-config.ts';

export type PayjsFields = Readonly<Record<string, string>>;

export interface PayjsVerifiedReply {
  readonly kind: 'verified';
  /** Every scalar field as text (JSON numbers → their decimal text). */
  readonly fields: PayjsFields;
}

export type PayjsReply = PayjsVerifiedReply | UnknownResult;

export interface PayjsTransport {
  call(
    endpoint: string,
    params: Readonly<Record<string, string | undefined>>,
    timeoutMs: number,
  ): Promise<PayjsReply>;
}

export function createPayjsTransport(config: PayjsConfig): PayjsTransport {
  // Keep-alive pool and TLS session cache (shared/http-post.ts, "Connections").
  const connections = providerConnections();
  return {
    async call(endpoint, params, timeoutMs) {
      const form: Record<string, string> = {};
      for (const [name, value] of Object.entries(params))
        if (value !== undefined && value !== '') form[name] = value;
      form.sign = v2Sign(form, config.key, 'MD5');
      const result = await httpPost({
        url: `${config.base_url}/${endpoint}`,
        body: new URLSearchParams(form).toString(),
        contentType: 'application/x-www-form-urlencoded;charset=utf-8',
        timeoutMs,
        headers: { accept: 'application/json' },
        connections,
      });
      const body = bodyOrUnknown(result);
      if (body.kind === 'unknown') return body;
      return verifyPayjsReply(config, body.body);
    },
  };
}

/** Raw reply text → verified fields, or the `unknown` it amounts to. Never throws. */
export function verifyPayjsReply(config: PayjsConfig, raw: string): PayjsReply {
  let parsed: unknown;
  try {
    // A UTF-8 byte order mark is not part of the JSON (RFC 8259 §8.1 lets a parser ignore it), and
    // JSON.parse refuses it: without this, a server that prefixes one made every reply unknown.
    parsed = JSON.parse(raw.startsWith('\uFEFF') ? raw.slice(1) : raw);
  } catch {
    return unknown('unparseable', 'reply is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return unknown('unparseable', 'reply is not a JSON object');
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string') fields[name] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) fields[name] = String(value);
    else if (typeof value === 'boolean') fields[name] = String(value);
    // A nested or null value cannot be signed the PAYJS way: the whole reply is unreadable.
    else if (value !== null) return unknown('unparseable', `field ${name} is not a scalar`);
  }
  const returnCode = fields.return_code;
  if (returnCode !== '1' && returnCode !== '0') return unknown('unparseable', 'reply has no return_code');
  if ((returnCode === '1' || fields.sign !== undefined) && !v2Verify(fields, config.key, 'MD5')) {
    return unknown('bad_signature', 'reply signature does not verify');
  }
  if (fields.mchid !== undefined && fields.mchid !== config.mchid)
    return unknown('mismatch', 'reply is for another mchid');
  return { kind: 'verified', fields };
}
