/** A minimal WeChat Pay v2 client for tests: signs with the shared v2-sign, parses with fast-xml-parser. */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { type V2SignType, v2Sign, v2Verify } from '../../../core/gateways/shared/v2-sign.ts';
import type { SandboxCredentials } from '../../../core/sandbox/sandbox-credentials.ts';
import { post, postTls, type RawReply } from './sandbox-http.ts';

const parser = new XMLParser({ parseTagValue: false });
const builder = new XMLBuilder({});

export interface WxReply {
  readonly raw: RawReply;
  readonly params: Record<string, string>;
  /** True when the reply's sign verifies with the merchant key. */
  readonly signOk: boolean;
}

export function parseWxReply(raw: RawReply, key: string, signType: V2SignType): WxReply {
  const params = ((parser.parse(raw.text) as { xml?: Record<string, string> }).xml ?? {}) as Record<
    string,
    string
  >;
  return { raw, params, signOk: v2Verify(params, key, signType) };
}

export interface WxCallOptions {
  readonly signType?: V2SignType;
  /** Change the body after signing (to test SIGNERROR). */
  readonly tamper?: (params: Record<string, string>) => void;
  /** For /secapi: the TLS base URL and identity; without cert/key the client presents none. */
  readonly tls?: { readonly url: string; readonly cert?: string; readonly key?: string; readonly ca: string };
  readonly key?: string;
}

export function wxBody(
  credentials: SandboxCredentials,
  fields: Record<string, string>,
  options: WxCallOptions = {},
): string {
  const signType = options.signType ?? 'MD5';
  const params: Record<string, string> = {
    appid: credentials.wxpay.appid,
    mch_id: credentials.wxpay.mch_id,
    nonce_str: Math.random().toString(36).slice(2, 14),
    ...(signType === 'MD5' ? {} : { sign_type: signType }),
    ...fields,
  };
  params.sign = v2Sign(params, options.key ?? credentials.wxpay.key, signType);
  options.tamper?.(params);
  return builder.build({ xml: params }) as string;
}

export async function wxCall(
  baseUrl: string,
  path: string,
  credentials: SandboxCredentials,
  fields: Record<string, string>,
  options: WxCallOptions = {},
): Promise<WxReply> {
  const body = wxBody(credentials, fields, options);
  const raw = options.tls
    ? await postTls(`${options.tls.url}${path}`, body, 'text/xml', options.tls)
    : await post(`${baseUrl}${path}`, body, 'text/xml');
  return parseWxReply(raw, credentials.wxpay.key, options.signType ?? 'MD5');
}

export function micropayFields(outTradeNo: string, authCode: string, totalFee = 100): Record<string, string> {
  return {
    body: 'sandbox test',
    out_trade_no: outTradeNo,
    total_fee: String(totalFee),
    spbill_create_ip: '127.0.0.1',
    auth_code: authCode,
  };
}

export function tlsIdentity(url: string, credentials: SandboxCredentials) {
  return {
    url,
    cert: credentials.wxpay.client_cert_pem,
    key: credentials.wxpay.client_key_pem,
    ca: credentials.wxpay.ca_pem,
  };
}
