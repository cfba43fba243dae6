/**
 * Alipay trade.pay accepts notify_url (docs/protocols.md §4, "Push for trade.pay"): when the gateway
 * has one (public_url set, core/service/merchants.ts), the charge carries it, signed, so a customer
 * who confirms with a password is booked from the push at once instead of at the next query.
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

let server: CannedServer;
beforeAll(async () => {
  server = await startCannedServer();
  server.answer = (request) => {
    const method = requestParams(request.path, request.body).method ?? '';
    return {
      kind: 'reply',
      contentType: 'application/json',
      body: signedAlipayReply(method, {
        code: '10003',
        msg: 'order success pay inprocess',
        out_trade_no: 'N1',
        trade_no: '2026113022001',
      }),
    };
  };
});
afterAll(() => server.close());

const charge = { outTradeNo: 'N1', authCode: '284567890123456789', totalFee: 990, subject: 'Tea' };
const NOTIFY = 'https://till.example.com/notify/m1/alipay';

function lastParams(): Record<string, string> {
  const sent = server.requests.at(-1);
  return requestParams(sent?.path ?? '', sent?.body ?? '');
}

describe('notify_url on alipay.trade.pay', () => {
  it('is sent, under the signature, when the gateway has one', async () => {
    const gateway = createAlipayGateway(alipayTestConfig(`${server.url}/gateway.do`, { notify_url: NOTIFY }));
    expect(await gateway.micropay(charge)).toMatchObject({ kind: 'pending' });
    const params = lastParams();
    expect(params).toMatchObject({ method: 'alipay.trade.pay', notify_url: NOTIFY });
    expect(verifyAlipayRequest(params)).toBe(true);
    expect(verifyAlipayRequest({ ...params, notify_url: 'https://elsewhere.example.com/n' })).toBe(false);
  });

  it('is not sent on queries, nor when the gateway has none', async () => {
    const withUrl = createAlipayGateway(alipayTestConfig(`${server.url}/gateway.do`, { notify_url: NOTIFY }));
    await withUrl.query({ outTradeNo: 'N1' });
    expect(lastParams().notify_url).toBeUndefined();
    const without = createAlipayGateway(alipayTestConfig(`${server.url}/gateway.do`));
    await without.micropay(charge);
    expect(lastParams()).toMatchObject({ method: 'alipay.trade.pay' });
    expect(lastParams().notify_url).toBeUndefined();
  });
});
