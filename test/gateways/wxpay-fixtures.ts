/** Shared setup for the WeChat adapter tests: a config pointing at a canned server, signed replies. */
import { readFileSync } from 'node:fs';
import { type V2SignType, v2Sign } from '../../core/gateways/shared/v2-sign.ts';
import { parseWxpayConfig, type WxpayConfig } from '../../core/gateways/wxpay/wxpay-config.ts';
import { buildWxpayXml } from '../../core/gateways/wxpay/wxpay-xml.ts';

export const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
export const fixturePath = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;

export const WX_KEY = '192006250b4c09247ec02edce69f6a2d';

export function wxpayTestConfig(baseUrl: string, overrides: Record<string, unknown> = {}): WxpayConfig {
  return parseWxpayConfig({
    provider: 'wxpay',
    appid: 'wxd930ea5d5a258f4f',
    mch_id: '10000100',
    key: WX_KEY,
    base_url: baseUrl,
    cert_pem: fixture('client-cert.pem'),
    key_pem: fixture('client-key.pem'),
    timeouts: { micropay_ms: 400, other_ms: 400 },
    ...overrides,
  });
}

/** A reply as WeChat would sign it (return_code SUCCESS, our appid/mch_id, a nonce). */
export function signedWxReply(
  fields: Record<string, string>,
  signType: V2SignType = 'HMAC-SHA256',
  key = WX_KEY,
): string {
  const reply: Record<string, string> = {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: 'wxd930ea5d5a258f4f',
    mch_id: '10000100',
    nonce_str: 'n0nce',
    ...fields,
  };
  reply.sign = v2Sign(reply, key, signType);
  return buildWxpayXml(reply);
}

/** A fixture's bytes after its one-line source comment. */
export function goldenFixture(name: string): string {
  const text = readFileSync(new URL(`../fixtures/providers/wxpay/${name}`, import.meta.url), 'utf8');
  const source = /^<!-- Source: .+ -->\r?\n/.exec(text);
  if (!source) throw new Error(`${name} does not start with its source comment`);
  return text.slice(source[0].length);
}
