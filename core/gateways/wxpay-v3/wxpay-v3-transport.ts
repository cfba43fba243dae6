/**
 * The single place WeChat Pay APIv3 replies are trusted (docs/protocols.md §3): sign the request,
 * send it, then verify the reply's Wechatpay-Signature before any mapping sees it. The verifying key
 * is chosen by Wechatpay-Serial (the WeChat Pay public key's PUB_KEY_ID_… or a platform certificate
 * serial). A reply that is unsigned, signed by a key we do not hold, signed wrongly, more than five
 * minutes off our clock, 5xx, unreadable or lost is `unknown`: only a verified reply may end a trade.
 */
import type { Clock } from '../../ports/clock.ts';
import { type HttpPostResult, httpPost, providerConnections } from '../shared/http-post.ts';
import { type UnknownResult, unknown } from '../shared/transport-unknown.ts';
import {
  v3AuthorizationHeader,
  v3Nonce,
  v3ReplyMessage,
  v3RequestMessage,
  v3Sign,
  v3Verify,
} from '../shared/v3-sign.ts';
import type { WxpayV3Config } from './wxpay-v3-config.ts';

/** WeChat's own limit for a reply's or notification's timestamp against the receiver's clock. */
export const WXPAY_V3_MAX_SKEW_MS = 5 * 60 * 1000;

/** A reply whose signature verified: its HTTP status and JSON body (an empty body reads as {}). */
export interface WxpayV3VerifiedReply {
  readonly kind: 'verified';
  readonly status: number;
  readonly json: Readonly<Record<string, unknown>>;
}

export type WxpayV3Reply = WxpayV3VerifiedReply | UnknownResult;

export interface WxpayV3Transport {
  call(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    body: Readonly<Record<string, unknown>> | undefined,
    timeoutMs: number,
  ): Promise<WxpayV3Reply>;
}

export function createWxpayV3Transport(config: WxpayV3Config, clock: Clock): WxpayV3Transport {
  // Keep-alive pool and TLS session cache (shared/http-post.ts, "Connections").
  const connections = providerConnections();
  return {
    async call(method, pathAndQuery, body, timeoutMs) {
      const text = body === undefined ? '' : JSON.stringify(body);
      const url = new URL(`${config.base_url}${pathAndQuery}`);
      const result = await httpPost({
        url: url.href,
        method,
        body: text,
        contentType: 'application/json',
        timeoutMs,
        connections,
        headers: {
          accept: 'application/json',
          'user-agent': WXPAY_V3_USER_AGENT,
          authorization: wxpayV3Authorization(config, method, url, text, clock.now()),
        },
      });
      return verifyWxpayV3Reply(config, result, clock.now());
    },
  };
}

/** The APIv3 rules ask every request to carry a User-Agent (docs/protocols.md §3). */
export const WXPAY_V3_USER_AGENT = 'scanpay-kiosk wxpay-v3';

/**
 * The Authorization header of one request. WeChat verifies over the target as it arrives: the
 * whole path on the wire (a base_url with a path, such as the sandbox's /wxpay, included), in the
 * URL's own encoding.
 */
export function wxpayV3Authorization(
  config: Pick<WxpayV3Config, 'mchid' | 'serial_no' | 'private_key'>,
  method: 'GET' | 'POST',
  url: URL,
  body: string,
  nowMs: number,
): string {
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = v3Nonce();
  const signature = v3Sign(
    v3RequestMessage(method, `${url.pathname}${url.search}`, timestamp, nonce, body),
    config.private_key,
  );
  return v3AuthorizationHeader({
    mchid: config.mchid,
    nonce_str: nonce,
    signature,
    timestamp,
    serial_no: config.serial_no,
  });
}

function header(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string {
  const value = headers[name];
  return typeof value === 'string' ? value : '';
}

/**
 * The signature check of a reply or notification; undefined when it holds, else why not. The
 * signature is checked before the timestamp, so `clock_skew` means a genuine WeChat message that
 * our clock disagrees with (the status bar's warning), never a forgery.
 */
export function wxpayV3SignatureProblem(
  config: Pick<WxpayV3Config, 'wechat_keys'>,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: string,
  nowMs: number,
): { readonly reason: 'bad_signature' | 'clock_skew'; readonly problem: string } | undefined {
  const bad = (problem: string) => ({ reason: 'bad_signature' as const, problem });
  const serial = header(headers, 'wechatpay-serial');
  const signature = header(headers, 'wechatpay-signature');
  const timestamp = header(headers, 'wechatpay-timestamp');
  const nonce = header(headers, 'wechatpay-nonce');
  if (!serial || !signature || !timestamp || !nonce) return bad('unsigned (Wechatpay-* headers missing)');
  const key = config.wechat_keys.get(serial.toUpperCase()) ?? config.wechat_keys.get(serial);
  if (!key) return bad(`signed with a key we do not hold (Wechatpay-Serial ${serial.slice(0, 40)})`);
  if (!/^\d{1,12}$/.test(timestamp)) return bad('Wechatpay-Timestamp is not a number of seconds');
  if (!v3Verify(v3ReplyMessage(timestamp, nonce, body), signature, key))
    return bad('signature does not verify');
  const offMs = Number(timestamp) * 1000 - nowMs;
  if (Math.abs(offMs) > WXPAY_V3_MAX_SKEW_MS) {
    const minutes = Math.round(Math.abs(offMs) / 60_000);
    return {
      reason: 'clock_skew',
      problem: `timestamp ${minutes} min ${offMs > 0 ? 'ahead of' : 'behind'} our clock (more than 5: check the terminal clock)`,
    };
  }
  return undefined;
}

/** Transport result → verified reply, or the `unknown` it amounts to. Never throws. */
export function verifyWxpayV3Reply(
  config: WxpayV3Config,
  result: HttpPostResult,
  nowMs: number,
): WxpayV3Reply {
  if (result.kind === 'transport_failure') {
    return unknown(result.reason === 'too_large' ? 'unparseable' : result.reason, result.detail);
  }
  if (result.status >= 500 || result.status < 200) return unknown('http_status', `HTTP ${result.status}`);
  let json: Record<string, unknown> = {};
  if (result.body !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(result.body);
    } catch {
      return unknown('unparseable', 'reply is not JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      return unknown('unparseable', 'reply is not a JSON object');
    json = parsed as Record<string, unknown>;
  }
  const problem = wxpayV3SignatureProblem(config, result.headers, result.body, nowMs);
  if (problem !== undefined) return unknown(problem.reason, `HTTP ${result.status} reply ${problem.problem}`);
  return { kind: 'verified', status: result.status, json };
}
