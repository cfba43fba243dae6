/**
 * Service-provider (ISV) mode: every call, refunds and queries included, carries the merchant's
 * app_auth_token inside the signed request (docs/protocols.md §4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlipayGateway } from '../../core/gateways/alipay/alipay-gateway.ts';
import {
  alipayTestConfig,
  requestParams,
  signedAlipayReply,
  verifyAlipayRequest,
} from './alipay-fixtures.ts';
import { type CannedServer, startCannedServer } from './canned-server.ts';

const TOKEN = '202611BBa7c0b3c6e7e84b4bb4b3b1e1c1d1X00';
let server: CannedServer;

beforeAll(async () => {
  server = await startCannedServer();
  server.answer = (request) => {
    const method = requestParams(request.path, request.body).method ?? '';
    return {
      kind: 'reply',
      contentType: 'application/json',
      body: signedAlipayReply(method, { code: '10000', msg: 'Success', out_trade_no: 'A100' }),
    };
  };
});
afterAll(() => server.close());

describe('alipay service-provider mode', () => {
  it('sends app_auth_token, signed, with every method', async () => {
    const gateway = createAlipayGateway(
      alipayTestConfig(`${server.url}/gateway.do`, {
        app_auth_token: TOKEN,
        auth_app_id: '2021000000000777',
      }),
    );
    const ref = { outTradeNo: 'A100' };
    await gateway.micropay({ ...ref, authCode: '284567890123456789', totalFee: 100, subject: 'x' });
    await gateway.query(ref);
    await gateway.reverse(ref);
    await gateway.close(ref);
    await gateway.refund({ ...ref, outRefundNo: 'R1', totalFee: 100, refundFee: 100 });
    await gateway.queryRefund({ ...ref, outRefundNo: 'R1' });
    await gateway.precreate({ ...ref, totalFee: 100, subject: 'x' });
    const sent = server.requests.map((r) => requestParams(r.path, r.body));
    expect(sent.map((p) => p.method)).toEqual([
      'alipay.trade.pay',
      'alipay.trade.query',
      'alipay.trade.cancel',
      'alipay.trade.close',
      'alipay.trade.refund',
      'alipay.trade.fastpay.refund.query',
      'alipay.trade.precreate',
    ]);
    for (const params of sent) {
      expect(params.app_auth_token).toBe(TOKEN);
      expect(verifyAlipayRequest(params)).toBe(true);
      expect(verifyAlipayRequest({ ...params, app_auth_token: 'another-merchant' })).toBe(false);
    }
  });
});
