/**
 * The sandbox reads WeChat v2 requests however a client lays them out (npm tenpay pretty-prints its XML)
 * and answers in both layouts WeChat uses: the official samples' (newline + indentation between elements,
 * numbers bare, strings in CDATA) and one line, chosen per reply from a seeded PRNG.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v2Sign } from '../../core/gateways/shared/v2-sign.ts';
import { parseWxpayXml } from '../../core/gateways/wxpay/wxpay-xml.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { goldenFixture } from '../gateways/wxpay-fixtures.ts';
import { layWxpayXml, NAMED_LAYOUTS, OFFICIAL_LAYOUT } from '../gateways/wxpay-layouts.ts';
import { issueCode, orderNo, post, tradeOf } from './helpers/sandbox-http.ts';
import { micropayFields } from './helpers/wxpay-client.ts';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ codeTtlMs: 60_000 });
});
afterAll(async () => {
  await sandbox.close();
});

function signedRequest(fields: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {
    appid: sandbox.credentials.wxpay.appid,
    mch_id: sandbox.credentials.wxpay.mch_id,
    nonce_str: 'layoutnonce',
    sign_type: 'HMAC-SHA256',
    ...fields,
  };
  return { ...params, sign: v2Sign(params, sandbox.credentials.wxpay.key, 'HMAC-SHA256') };
}

describe('sandbox WeChat XML layout', () => {
  it.each(NAMED_LAYOUTS)('accepts a %s request and charges once', async (_name, layout) => {
    const code = await issueCode(sandbox.url, 'wxpay');
    const no = orderNo();
    const body = layWxpayXml(signedRequest(micropayFields(no, code, 300)), layout);
    const reply = await post(`${sandbox.url}/wxpay/pay/micropay`, body, 'text/xml');
    const parsed = parseWxpayXml(reply.text);
    expect(parsed.ok && parsed.fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' });
    expect(await tradeOf(sandbox.url, 'wxpay', no)).toMatchObject({ state: 'paid', captured_fen: 300 });
  });

  it('answers in the official layout and on one line, every reply signed', async () => {
    const layouts = new Set<string>();
    for (let n = 0; n < 24; n++) {
      const body = layWxpayXml(signedRequest({ out_trade_no: `nothere${n}` }), OFFICIAL_LAYOUT);
      const reply = await post(`${sandbox.url}/wxpay/pay/orderquery`, body, 'text/xml');
      const parsed = parseWxpayXml(reply.text);
      if (!parsed.ok) throw new Error(parsed.problem);
      expect(parsed.fields.err_code).toBe('ORDERNOTEXIST');
      expect(parsed.fields.sign).toBe(v2Sign(parsed.fields, sandbox.credentials.wxpay.key, 'HMAC-SHA256'));
      if (/^<xml>\n {2,}<return_code><!\[CDATA\[SUCCESS\]\]><\/return_code>\n/.test(reply.text))
        layouts.add('official');
      else if (!reply.text.includes('\n')) layouts.add('one line');
      else layouts.add(`other: ${reply.text}`);
    }
    expect([...layouts].sort()).toEqual(['official', 'one line']);
  });

  it("reads WeChat's official micropay request sample (pretty-printed, empty elements) and answers its business", async () => {
    const reply = await post(
      `${sandbox.url}/wxpay/pay/micropay`,
      goldenFixture('micropay-request.official.xml'),
      'text/xml',
    );
    const parsed = parseWxpayXml(reply.text);
    if (!parsed.ok) throw new Error(parsed.problem);
    // The sample's auth_code was never issued by the sandbox: a signed business refusal, not SIGNERROR.
    expect(parsed.fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL' });
    expect(parsed.fields.sign).toBe(v2Sign(parsed.fields, sandbox.credentials.wxpay.key, 'MD5'));
    expect(await tradeOf(sandbox.url, 'wxpay', '1415757673')).toBeUndefined();
  });

  it("reads WeChat's official orderquery request sample (by transaction_id) and answers ORDERNOTEXIST, signed", async () => {
    const reply = await post(
      `${sandbox.url}/wxpay/pay/orderquery`,
      goldenFixture('orderquery-request.official.xml'),
      'text/xml',
    );
    const parsed = parseWxpayXml(reply.text);
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.fields).toMatchObject({
      return_code: 'SUCCESS',
      result_code: 'FAIL',
      err_code: 'ORDERNOTEXIST',
    });
    expect(parsed.fields.sign).toBe(v2Sign(parsed.fields, sandbox.credentials.wxpay.key, 'MD5'));
  });
});
