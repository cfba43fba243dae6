/**
 * The single place Alipay replies are trusted. alipay-sdk signs the request (sdkExecute) and checks
 * the reply signature over the raw `…_response` substring (checkResponseSign), as docs/protocols.md §4
 * asks. We do not use its exec(), and say why:
 * - exec() returns only the parsed object, and the SDK verifies a substring it cuts between the first
 *   `<method>_response"` and the last `"sign"`, while JSON.parse keeps the LAST duplicate key. A reply
 *   `{"x_response":{genuine},"sign":"…","x_response":{forged}}` verifies and yields the forged data.
 *   Holding the raw text, we also require the verified substring to parse to exactly the object we act on.
 * - exec() has one timeout for every call; micropay needs its own (10 s vs 6 s), and the shared
 *   HTTP helper gives the same typed transport failures as the other adapters.
 * What we learnt reading alipay-sdk 4.14 (dist/esm/alipay.js), for whoever revisits this: exec()
 * verifies nothing unless called with `{ validateSign: true }`; checkResponseSign() silently skips
 * verification when alipayPublicKey is empty (our config makes it mandatory); exec() throws
 * AlipayRequestError for transport errors, timeouts, non-200 and non-JSON bodies alike, so a caller
 * would have to parse its message to tell a timeout from a bad signature.
 */
import { isDeepStrictEqual } from 'node:util';
import { AlipaySdk } from 'alipay-sdk';
import type { Clock } from '../../ports/clock.ts';
import { toAlipayTime } from '../shared/beijing-time.ts';
import { httpPost } from '../shared/http-post.ts';
import { bodyOrUnknown, type UnknownResult, unknown } from '../shared/transport-unknown.ts';
import type { AlipayConfig } from './alipay-config.ts';

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

export function createAlipaySdk(config: AlipayConfig): AlipaySdk {
  return new AlipaySdk({
    appId: config.app_id,
    privateKey: config.app_private_key,
    keyType: 'PKCS8',
    alipayPublicKey: config.alipay_public_key,
    gateway: config.base_url,
    signType: 'RSA2',
    camelcase: false,
    timeout: config.timeouts.other_ms,
  });
}

export function createAlipayTransport(config: AlipayConfig, clock: Clock): AlipayTransport {
  const sdk = createAlipaySdk(config);
  return {
    async call(method, bizContent, options) {
      const signed = sdk.sdkExecute(
        method,
        {
          // The SDK stamps the kiosk's local time; Alipay reads China time, and a kiosk set to UTC
          // would be eight hours off. A parameter given here replaces the SDK's before signing.
          timestamp: toAlipayTime(clock.now()),
          biz_content: bizContent,
          ...(config.app_auth_token ? { app_auth_token: config.app_auth_token } : {}),
          ...(options.notifyUrl ? { notify_url: options.notifyUrl } : {}),
        },
        { bizContentAutoSnakeCase: false },
      );
      const params = Object.fromEntries(new URLSearchParams(signed));
      const { url, form } = splitLikeSdk(config.base_url, params);
      const result = await httpPost({
        url,
        body: new URLSearchParams(form).toString(),
        contentType: 'application/x-www-form-urlencoded;charset=utf-8',
        timeoutMs: options.timeoutMs,
        headers: { accept: 'application/json' },
      });
      const body = bodyOrUnknown(result);
      if (body.kind === 'unknown') return body;
      return verifyAlipayReply(sdk, method, body.body);
    },
  };
}

/** Raw reply text → the verified `…_response` object, or the `unknown` it amounts to. Never throws. */
export function verifyAlipayReply(sdk: AlipaySdk, method: string, raw: string): AlipayReply {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return unknown('unparseable', 'reply is not JSON');
  }
  if (!isRecord(parsed)) return unknown('unparseable', 'reply is not a JSON object');
  const responseKey = `${method.replaceAll('.', '_')}_response`;
  const response = parsed[responseKey];
  if (!isRecord(response)) {
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
  try {
    sdk.checkResponseSign(raw, responseKey, sign, '');
  } catch {
    return unknown('bad_signature', 'reply signature does not verify');
  }
  let signedPart: unknown;
  try {
    signedPart = JSON.parse(sdk.getSignStr(raw, responseKey));
  } catch {
    return unknown('bad_signature', 'signed part of the reply is not JSON');
  }
  if (!isDeepStrictEqual(signedPart, response)) {
    return unknown('bad_signature', 'the signed part differs from the reply read (duplicated keys?)');
  }
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
