/**
 * The single place Alipay replies are trusted. alipay-signer.ts signs the request as alipay-sdk's
 * sdkExecute() would (RSA2, and in certificate mode app_cert_sn / alipay_root_cert_sn from the
 * configured certificates), with the key parsed once (why not the SDK: alipay-signer.ts). The reply is
 * verified here over the raw `…_response` substring as received (docs/protocols.md §4), with
 * node:crypto and the configured Alipay public key (in certificate mode, the key of the Alipay
 * public-key certificate, and the reply's alipay_cert_sn must name that certificate).
 * We use neither exec() nor checkResponseSign(), and say why:
 * - both cut the signed substring between the first `<method>_response"` and the last `"sign"`
 *   (getSignStr): a reply laid out with `sign` first, which JSON allows, fails to verify, and a
 *   repeated key can be verified in one copy while JSON.parse keeps the other. alipay-reply-json.ts
 *   takes the exact member text instead and refuses repeated keys;
 * - exec() has one timeout for every call; micropay needs its own (10 s vs 6 s), and the shared
 *   HTTP helper gives the same typed transport failures as the other adapters;
 * - exec() verifies nothing unless called with `{ validateSign: true }`, checkResponseSign() silently
 *   skips verification when alipayPublicKey is empty, and exec() throws AlipayRequestError for
 *   transport errors, timeouts, non-200 and non-JSON bodies alike (read in alipay-sdk 4.14).
 */
import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import type { Clock } from '../../ports/clock.ts';
import { toAlipayTime } from '../shared/beijing-time.ts';
import { httpPost, providerConnections } from '../shared/http-post.ts';
import { bodyOrUnknown, type UnknownResult, unknown } from '../shared/transport-unknown.ts';
import type { AlipayConfig } from './alipay-config.ts';
import { topLevelRawMembers } from './alipay-reply-json.ts';
import { createAlipayRequestSigner } from './alipay-signer.ts';

export interface AlipayVerifiedReply {
  readonly kind: 'verified';
  /** The content of `<method>_response`: code, msg, sub_code, sub_msg and the method's fields. */
  readonly response: Readonly<Record<string, unknown>>;
}

export type AlipayReply = AlipayVerifiedReply | UnknownResult;

export interface AlipayCallOptions {
  readonly timeoutMs: number;
  readonly notifyUrl?: string;
}

export interface AlipayTransport {
  call(
    method: string,
    bizContent: Readonly<Record<string, unknown>>,
    options: AlipayCallOptions,
  ): Promise<AlipayReply>;
}

export function createAlipayTransport(config: AlipayConfig, clock: Clock): AlipayTransport {
  const signer = createAlipayRequestSigner(config);
  // Keep-alive pool and TLS session cache (shared/http-post.ts, "Connections").
  const connections = providerConnections();
  return {
    async call(method, bizContent, options) {
      const params = signer.sign({
        method,
        // Alipay reads China time; a kiosk set to UTC would be eight hours off with its local time.
        timestamp: toAlipayTime(clock.now()),
        bizContent,
        extra: { app_auth_token: config.app_auth_token, notify_url: options.notifyUrl },
      });
      const { url, form } = splitLikeSdk(config.base_url, params);
      const result = await httpPost({
        url,
        body: new URLSearchParams(form).toString(),
        contentType: 'application/x-www-form-urlencoded;charset=utf-8',
        timeoutMs: options.timeoutMs,
        headers: { accept: 'application/json' },
        connections,
      });
      const body = bodyOrUnknown(result);
      if (body.kind === 'unknown') return body;
      return verifyAlipayReply(config, method, body.body);
    },
  };
}

/** Raw reply text → the verified `…_response` object, or the `unknown` it amounts to. Never throws. */
export function verifyAlipayReply(
  config: Pick<AlipayConfig, 'alipay_public_key' | 'certificates'>,
  method: string,
  body: string,
): AlipayReply {
  // A UTF-8 byte order mark is not part of the JSON (RFC 8259 §8.1 lets a parser ignore it) nor of
  // the signed member text; JSON.parse refuses it, which made every such reply unknown.
  const raw = body.startsWith('\uFEFF') ? body.slice(1) : body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return unknown('unparseable', 'reply is not JSON');
  }
  if (!isRecord(parsed)) return unknown('unparseable', 'reply is not a JSON object');
  const responseKey = `${method.replaceAll('.', '_')}_response`;
  if (!isRecord(parsed[responseKey])) {
    const gatewayError = parsed.error_response;
    if (isRecord(gatewayError)) {
      // The gateway refused before the method ran (bad app_id, bad request signature…). Unsigned as a
      // rule, so it cannot end a trade: the engine's query tells.
      return unknown(
        'provider_says_unknown',
        `gateway error ${String(gatewayError.code)} ${String(gatewayError.sub_code ?? '')}`,
      );
    }
    return unknown('unparseable', `reply has no ${responseKey}`);
  }
  const sign = parsed.sign;
  if (typeof sign !== 'string' || sign.length === 0) return unknown('bad_signature', 'reply is not signed');
  const members = topLevelRawMembers(raw);
  const signedText = members?.get(responseKey);
  if (signedText === undefined) return unknown('bad_signature', 'reply repeats a top-level key');
  let verified = false;
  try {
    verified = createVerify('RSA-SHA256')
      .update(signedText, 'utf8')
      .verify(alipayPublicKeyOf(config), sign, 'base64');
  } catch {
    verified = false;
  }
  if (!verified) return unknown('bad_signature', 'reply signature does not verify');
  const certSn = parsed.alipay_cert_sn;
  if (config.certificates && certSn !== undefined && certSn !== config.certificates.alipay_cert_sn) {
    // Alipay signs with the certificate it names; another one means ours is outdated (rotation).
    return unknown('bad_signature', 'reply names another Alipay certificate (alipay_cert_sn)');
  }
  // The text that was signed is the text we act on.
  const response: unknown = JSON.parse(signedText);
  if (!isRecord(response)) return unknown('unparseable', `${responseKey} is not an object`);
  return { kind: 'verified', response };
}

/**
 * The same split alipay-sdk's exec() makes (its formatUrl is private): the common parameters go in
 * the query string, biz_content and the rest in the form body, so a gateway sees what the SDK sends.
 */
const URL_PARAMS: ReadonlySet<string> = new Set([
  'app_id',
  'method',
  'format',
  'charset',
  'sign_type',
  'sign',
  'timestamp',
  'version',
  'notify_url',
  'return_url',
  'auth_token',
  'app_auth_token',
  'app_cert_sn',
  'alipay_root_cert_sn',
  'ws_service_url',
]);

function splitLikeSdk(
  gateway: string,
  params: Readonly<Record<string, string>>,
): { url: string; form: Record<string, string> } {
  const url = new URL(gateway);
  const form: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (URL_PARAMS.has(name)) url.searchParams.set(name, value);
    else form[name] = value;
  }
  return { url: url.toString(), form };
}

/** The Alipay public key of a config, parsed on its first reply and then reused (a PEM parse per reply otherwise). */
const parsedPublicKeys = new WeakMap<object, KeyObject>();
function alipayPublicKeyOf(config: Pick<AlipayConfig, 'alipay_public_key'>): KeyObject {
  let key = parsedPublicKeys.get(config);
  if (!key) {
    key = createPublicKey(config.alipay_public_key);
    parsedPublicKeys.set(config, key);
  }
  return key;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
