/**
 * A minimal Alipay OpenAPI v2 client for tests, over node:crypto: common params in the query string
 * and biz_content in the form body, the way alipay-sdk splits them; replies verified over the raw
 * `…_response` text.
 */
import { createSign, createVerify } from 'node:crypto';
import type { SandboxCredentials } from '../../../core/sandbox/sandbox-credentials.ts';
import { post, type RawReply } from './sandbox-http.ts';

export interface AliReply {
  readonly raw: RawReply;
  readonly response: Record<string, unknown>;
  readonly signOk: boolean;
}

export function signingString(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export function parseAliReply(raw: RawReply, method: string, alipayPublicKey: string): AliReply {
  const key = `${method.replaceAll('.', '_')}_response`;
  const parsed = JSON.parse(raw.text) as Record<string, unknown>;
  const responseKey = key in parsed ? key : 'error_response';
  const start = raw.text.indexOf(`"${responseKey}":`) + responseKey.length + 3;
  const end = raw.text.lastIndexOf(',"sign":');
  const signed = raw.text.slice(start, end);
  const signOk =
    typeof parsed.sign === 'string' &&
    createVerify('RSA-SHA256').update(signed, 'utf8').verify(alipayPublicKey, parsed.sign, 'base64');
  return { raw, response: parsed[responseKey] as Record<string, unknown>, signOk };
}

export interface AliCallOptions {
  readonly tamper?: (params: Record<string, string>) => void;
  readonly notifyUrl?: string;
  readonly privateKey?: string;
  /** Sent as biz_content instead of JSON.stringify(biz) (still signed). */
  readonly rawBizContent?: string;
  /** 'split' (default, like alipay-sdk): common params in the query, biz_content in the form; 'body': all in the form. */
  readonly placement?: 'split' | 'body';
}

export async function aliCall(
  baseUrl: string,
  credentials: SandboxCredentials,
  method: string,
  biz: Record<string, unknown>,
  options: AliCallOptions = {},
): Promise<AliReply> {
  const params: Record<string, string> = {
    app_id: credentials.alipay.app_id,
    method,
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: '2026-11-23 10:00:00',
    version: '1.0',
    ...(options.notifyUrl ? { notify_url: options.notifyUrl } : {}),
    biz_content: options.rawBizContent ?? JSON.stringify(biz),
  };
  params.sign = createSign('RSA-SHA256')
    .update(signingString(params), 'utf8')
    .sign(options.privateKey ?? credentials.alipay.app_private_key, 'base64');
  options.tamper?.(params);
  if (options.placement === 'body') {
    const raw = await post(
      `${baseUrl}/alipay/gateway.do`,
      new URLSearchParams(params).toString(),
      'application/x-www-form-urlencoded',
    );
    return parseAliReply(raw, method, credentials.alipay.alipay_public_key);
  }
  const { biz_content, ...common } = params;
  const query = new URLSearchParams(common).toString();
  const raw = await post(
    `${baseUrl}/alipay/gateway.do?${query}`,
    new URLSearchParams({ biz_content: biz_content ?? '' }).toString(),
    'application/x-www-form-urlencoded',
  );
  return parseAliReply(raw, method, credentials.alipay.alipay_public_key);
}
