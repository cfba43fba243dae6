/**
 * The single place WeChat v2 replies are trusted: sign the request, POST it, then parse and verify
 * the reply before any mapping sees it (wechatpay-axios-plugin does this once in an interceptor).
 * return_code=SUCCESS replies must carry a valid signature; return_code=FAIL replies are unsigned at
 * WeChat (they say "your request was malformed"), so they are accepted unsigned but verified when a
 * sign is present. A reply naming another appid/mch_id/sub_mch_id is a mismatch. A call the main domain
 * did not receive, or any query it did not answer, is sent once more to the backup domain.
 */
import { randomBytes } from 'node:crypto';
import { type HttpPostResult, httpPost, providerConnections } from '../shared/http-post.ts';
import { bodyOrUnknown, type UnknownResult, unknown } from '../shared/transport-unknown.ts';
import { v2Sign, v2Verify } from '../shared/v2-sign.ts';
import { wxpayAddresseeProblem } from './wxpay-addressee.ts';
import type { WxpayConfig } from './wxpay-config.ts';
import { buildWxpayXml, parseWxpayXml } from './wxpay-xml.ts';

/** A reply we can act on: parsed, signature checked, addressed to us. */
export interface WxpayVerifiedReply {
  readonly kind: 'verified';
  readonly fields: Readonly<Record<string, string>>;
}

export type WxpayReply = WxpayVerifiedReply | UnknownResult;

export interface WxpayTransport {
  /** POSTs `params` (plus appid, mch_id, nonce_str, sign_type, sign) to `${base}${path}`. */
  call(
    path: string,
    params: Readonly<Record<string, string | undefined>>,
    options: CallOptions,
  ): Promise<WxpayReply>;
}

export interface CallOptions {
  readonly timeoutMs: number;
  /** /secapi calls go to secapi_base_url with the client certificate. */
  readonly secapi?: boolean;
  /** A read that changes nothing (orderquery, refundquery): safe to ask the backup domain again. */
  readonly readOnly?: boolean;
}

/**
 * Connection errors raised before a single byte of the request left this machine: WeChat cannot have
 * received the call, so sending it to the backup domain cannot charge twice. A timeout or a reset
 * can happen after WeChat read the request, so it is not here (docs/protocols.md §2, "Backup domain").
 */
const NOTHING_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Whether a failed exchange with the main domain may be repeated on the backup domain. */
function mayUseBackup(result: HttpPostResult, readOnly: boolean): boolean {
  if (result.kind === 'transport_failure') {
    return readOnly || (result.reason === 'network' && NOTHING_SENT.has(result.detail));
  }
  return readOnly && result.status >= 500;
}

export function createWxpayTransport(config: WxpayConfig): WxpayTransport {
  const tls = config.client_tls;
  // Keep-alive pools (shared/http-post.ts, "Connections"): a reset of a pooled socket is a network
  // failure, never resent as a charge (mayUseBackup), so it stays unknown → query → reverse.
  const secapi = providerConnections(tls);
  const plain = providerConnections(tls.ca ? { ca: tls.ca } : {});

  return {
    async call(path, params, options) {
      const request = signedParams(config, params);
      const base = options.secapi ? config.secapi_base_url : config.base_url;
      const backup = options.secapi ? config.secapi_backup_base_url : config.backup_base_url;
      const post = (url: string) =>
        httpPost({
          url: `${url}${path}`,
          body: buildWxpayXml(request),
          contentType: 'text/xml; charset=utf-8',
          timeoutMs: options.timeoutMs,
          connections: options.secapi ? secapi : plain,
        });
      let result = await post(base);
      if (backup !== undefined && mayUseBackup(result, options.readOnly === true))
        result = await post(backup);
      const body = bodyOrUnknown(result);
      if (body.kind === 'unknown') return body;
      return verifyWxpayReply(config, body.body);
    },
  };
}

export function signedParams(
  config: WxpayConfig,
  params: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const request: Record<string, string> = {};
  const common: Record<string, string | undefined> = {
    appid: config.appid,
    mch_id: config.mch_id,
    sub_appid: config.sub_appid,
    sub_mch_id: config.sub_mch_id,
    nonce_str: randomBytes(16).toString('hex'),
    sign_type: config.sign_type,
  };
  for (const [name, value] of Object.entries({ ...params, ...common })) {
    // WeChat's XML parser turns CRLF and CR into LF before it reads a value (XML 1.0 §2.11,
    // https://www.w3.org/TR/xml/#sec-line-ends) and verifies the signature over what it read: a CR
    // we signed would make the request fail as badly signed. So the value is signed and sent as LF.
    if (value !== undefined && value !== '') request[name] = value.replace(/\r\n?/g, '\n');
  }
  request.sign = v2Sign(request, config.key, config.sign_type);
  return request;
}

/** Body text → verified fields, or the `unknown` it amounts to. Never throws. */
export function verifyWxpayReply(config: WxpayConfig, body: string): WxpayReply {
  const parsed = parseWxpayXml(body);
  if (!parsed.ok) return unknown('unparseable', parsed.problem);
  const fields = parsed.fields;
  const returnCode = fields.return_code;
  if (returnCode !== 'SUCCESS' && returnCode !== 'FAIL')
    return unknown('unparseable', 'reply has no return_code');
  const mustBeSigned = returnCode === 'SUCCESS' || fields.sign !== undefined;
  if (mustBeSigned && !v2Verify(fields, config.key, config.sign_type)) {
    return unknown('bad_signature', 'reply signature does not verify');
  }
  const addressee = wxpayAddresseeProblem(fields, config, 'reply');
  if (addressee !== undefined) return unknown('mismatch', `reply ${addressee}`);
  return { kind: 'verified', fields };
}
