/**
 * Where an adapter guards a library call that could throw while it reads a reply to a charge, the
 * charge resolves to `unknown` (the customer may have been charged: the engine queries, then
 * reverses); it never rejects and is never `failed`. Each case is a reply that makes the guarded call
 * throw without the guard: a sign of the wrong length (timingSafeEqual throws on unequal lengths,
 * WeChat and PAYJS), a sign the Alipay SDK cannot even decode, XML the parser cannot read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlipayGateway } from '../../core/gateways/alipay/alipay-gateway.ts';
import { parsePayjsConfig } from '../../core/gateways/payjs/payjs-config.ts';
import { createPayjsGateway } from '../../core/gateways/payjs/payjs-gateway.ts';
import { v2Sign } from '../../core/gateways/shared/v2-sign.ts';
import { createWxpayGateway } from '../../core/gateways/wxpay/wxpay-gateway.ts';
import { buildWxpayXml } from '../../core/gateways/wxpay/wxpay-xml.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import { alipayTestConfig, signedAlipayReply } from './alipay-fixtures.ts';
import { type CannedServer, startCannedServer } from './canned-server.ts';
import { signedWxReply, WX_KEY, wxpayTestConfig } from './wxpay-fixtures.ts';

const PAYJS_KEY = 'payjs-test-key-0000000000000000';

let server: CannedServer;
beforeAll(async () => {
  server = await startCannedServer();
});
afterAll(() => server.close());

function answer(body: string) {
  server.answer = () => ({ kind: 'reply', body });
}

const charge = (gateway: PaymentGateway, outTradeNo: string, authCode: string) =>
  gateway.micropay({ outTradeNo, authCode, totalFee: 990, subject: 'Tea' });

describe('wxpay: a reply whose reading would throw is unknown', () => {
  const gateway = () => createWxpayGateway(wxpayTestConfig(`${server.url}/wxpay`));
  const paid = {
    return_code: 'SUCCESS',
    appid: 'wxd930ea5d5a258f4f',
    mch_id: '10000100',
    result_code: 'SUCCESS',
    out_trade_no: 'W300',
    transaction_id: '4200000004',
    total_fee: '990',
  };

  it('a sign of the wrong length: unknown (bad_signature), the charge resolves', async () => {
    answer(buildWxpayXml({ ...paid, sign: 'AB12' }));
    await expect(charge(gateway(), 'W300', '134567890123456789')).resolves.toMatchObject({
      kind: 'unknown',
      reason: 'bad_signature',
    });
  });

  it('a sign whose upper case changes its length ("ß" → "SS"): unknown, the charge resolves', async () => {
    const sign = v2Sign(paid, WX_KEY, 'HMAC-SHA256');
    answer(buildWxpayXml({ ...paid, sign: `${sign.slice(0, -1)}ß` }));
    await expect(charge(gateway(), 'W300', '134567890123456789')).resolves.toMatchObject({
      kind: 'unknown',
      reason: 'bad_signature',
    });
  });

  it('XML the parser cannot read: unknown (unparseable), the charge resolves', async () => {
    // An unclosed comment makes fast-xml-parser throw ("Comment is not closed").
    answer(signedWxReply({ result_code: 'SUCCESS' }).replace('</xml>', '<!-- </xml>'));
    await expect(charge(gateway(), 'W300', '134567890123456789')).resolves.toMatchObject({
      kind: 'unknown',
      reason: 'unparseable',
    });
  });
});

describe('payjs: a reply whose reading would throw is unknown', () => {
  const gateway = () =>
    createPayjsGateway(
      parsePayjsConfig({
        provider: 'payjs',
        mchid: '1500000001',
        key: PAYJS_KEY,
        base_url: `${server.url}/payjs/api`,
        timeouts: { micropay_ms: 400, other_ms: 400 },
      }),
    );

  it('a sign of the wrong length: unknown (bad_signature), the charge resolves', async () => {
    answer(
      JSON.stringify({
        return_code: 1,
        status: 1,
        out_trade_no: 'P300',
        payjs_order_id: 'PJ3',
        total_fee: 990,
        sign: 'AB12',
      }),
    );
    await expect(charge(gateway(), 'P300', '134567890123456789')).resolves.toMatchObject({
      kind: 'unknown',
      reason: 'bad_signature',
    });
  });

  it('a body that is not JSON: unknown (unparseable), the charge resolves', async () => {
    answer('{"return_code":1,');
    await expect(charge(gateway(), 'P300', '134567890123456789')).resolves.toMatchObject({
      kind: 'unknown',
      reason: 'unparseable',
    });
  });
});

describe('alipay: a reply whose reading would throw is unknown', () => {
  const gateway = () => createAlipayGateway(alipayTestConfig(`${server.url}/alipay/gateway.do`));
  const paid = {
    code: '10000',
    msg: 'Success',
    out_trade_no: 'A300',
    trade_no: '2026112322003',
    total_amount: '9.90',
  };

  it('a sign that is not a signature at all: unknown (bad_signature), the charge resolves', async () => {
    answer(signedAlipayReply('alipay.trade.pay', paid).replace(/"sign":"[^"]*"/, '"sign":"%%%"'));
    await expect(charge(gateway(), 'A300', '284567890123456789')).resolves.toMatchObject({
      kind: 'unknown',
      reason: 'bad_signature',
    });
  });

  it('a body that is not JSON: unknown (unparseable), the charge resolves', async () => {
    answer('{"alipay_trade_pay_response":{"code":"10000"');
    await expect(charge(gateway(), 'A300', '284567890123456789')).resolves.toMatchObject({
      kind: 'unknown',
      reason: 'unparseable',
    });
  });
});
