/**
 * An outside witness: npm `tenpay` (a WeChat Pay v2 client we did not write; it pretty-prints its XML
 * with xml2js, puts every value in CDATA and checks every reply's sign) runs micropay, orderquery and
 * reverse with HMAC-SHA256 against the unchanged sandbox. Two things are set on tenpay's side only, as
 * any deployment would: its URL table points at the sandbox instead of api.mch.weixin.qq.com, and its
 * HTTP client (urllib) trusts the sandbox's CA. reverse runs over mTLS with the sandbox-issued client
 * certificate as tenpay takes it: a PKCS#12 whose passphrase is the mch_id.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { issueCode, orderNo } from './helpers/sandbox-http.ts';

type TenpayReply = Record<string, string>;
interface TenpayPayment {
  urls: Record<string, string>;
  micropay(params: Record<string, unknown>): Promise<TenpayReply>;
  orderQuery(params: Record<string, unknown>): Promise<TenpayReply>;
  reverse(params: Record<string, unknown>): Promise<TenpayReply>;
}
interface TenpayModule {
  init(config: Record<string, unknown>): TenpayPayment;
}

const require = createRequire(import.meta.url);
const tenpay = require('tenpay') as TenpayModule;
// tenpay's own copy of urllib: the agent it uses for https when the caller gives none.
const urllibCore = require(
  require.resolve('urllib/lib/urllib', { paths: [dirname(require.resolve('tenpay'))] }),
) as { httpsAgent: https.Agent };

const SIGN = { sign_type: 'HMAC-SHA256' };
let sandbox: RunningSandbox;
let payment: TenpayPayment;

beforeAll(async () => {
  sandbox = await startSandbox({ codeTtlMs: 60_000 });
  const wx = sandbox.credentials.wxpay;
  urllibCore.httpsAgent = new https.Agent({ ca: wx.ca_pem, keepAlive: false });
  payment = tenpay.init({
    appid: wx.appid,
    mchid: wx.mch_id,
    partnerKey: wx.key,
    pfx: readFileSync(new URL('../fixtures/providers/wxpay/sandbox-client.p12', import.meta.url)),
  });
  payment.urls = {
    ...payment.urls,
    micropay: `${sandbox.url}/wxpay/pay/micropay`,
    orderquery: `${sandbox.url}/wxpay/pay/orderquery`,
    reverse: `${sandbox.secapiUrl}/wxpay/secapi/pay/reverse`,
  };
});
afterAll(async () => {
  await sandbox.close();
});

describe('npm tenpay against the sandbox', () => {
  it('micropay pays, orderquery says SUCCESS, and the ledger agrees', async () => {
    const authCode = await issueCode(sandbox.url, 'wxpay');
    const no = orderNo('TP');
    const paid = await payment.micropay({
      ...SIGN,
      body: 'tenpay witness',
      out_trade_no: no,
      total_fee: 1234,
      auth_code: authCode,
    });
    expect(paid).toMatchObject({ result_code: 'SUCCESS', out_trade_no: no, total_fee: '1234' });
    const queried = await payment.orderQuery({ ...SIGN, out_trade_no: no });
    expect(queried).toMatchObject({ trade_state: 'SUCCESS', transaction_id: paid.transaction_id });
    expect(sandbox.ledger.find('wxpay', no)).toMatchObject({
      state: 'paid',
      captured_fen: 1234,
      transaction_id: paid.transaction_id,
    });
  });

  it('a payment waiting for the password is reversed over mTLS, and the ledger agrees', async () => {
    const authCode = await issueCode(sandbox.url, 'wxpay', 'password');
    const no = orderNo('TR');
    // tenpay throws the err_code of a result_code=FAIL reply, after checking its sign.
    await expect(
      payment.micropay({
        ...SIGN,
        body: 'tenpay witness',
        out_trade_no: no,
        total_fee: 500,
        auth_code: authCode,
      }),
    ).rejects.toThrow('USERPAYING');
    expect(await payment.orderQuery({ ...SIGN, out_trade_no: no })).toMatchObject({
      trade_state: 'USERPAYING',
    });
    const reversed = await payment.reverse({ ...SIGN, out_trade_no: no });
    expect(reversed).toMatchObject({ result_code: 'SUCCESS', recall: 'N' });
    expect(await payment.orderQuery({ ...SIGN, out_trade_no: no })).toMatchObject({ trade_state: 'REVOKED' });
    expect(sandbox.ledger.find('wxpay', no)).toMatchObject({ state: 'reversed', captured_fen: 0 });
  });
});
