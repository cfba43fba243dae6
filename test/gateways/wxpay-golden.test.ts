/**
 * Golden fixtures (test/fixtures/providers/wxpay/): WeChat's official sample replies and notification,
 * in their own layouts, and replies captured and signed by a public SDK's test suite. Each is served as
 * is to the adapter (or handed to the notify verifier) and must give the outcome its content means.
 * The official samples' signatures cannot be checked (the docs do not give their key), so they carry
 * a signature made with the docs' example key; the gochat ones are signed by that project.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWxpayGateway } from '../../core/gateways/wxpay/wxpay-gateway.ts';
import { createWxpayNotifyVerifier } from '../../core/gateways/wxpay/wxpay-notify.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import { type CannedServer, startCannedServer } from './canned-server.ts';
import { goldenFixture, wxpayTestConfig } from './wxpay-fixtures.ts';

const OUT_TRADE_NO = '1415757673';
const TRANSACTION_ID = '1008450740201411110005820873';
const REFUND = { outTradeNo: OUT_TRADE_NO, outRefundNo: '1415701182', totalFee: 1, refundFee: 1 };
const PAID = {
  kind: 'paid',
  transactionId: TRANSACTION_ID,
  totalFee: 1,
  paidAt: '2014-11-11T17:00:43+08:00',
  buyerId: 'oUpF8uN95-Ptaags6E_roPHg7AG0',
};

let server: CannedServer;
let gateway: PaymentGateway;
// The samples' account, with the docs' example key (wxpay-fixtures.ts WX_KEY) and MD5 as the samples.
const config = () =>
  wxpayTestConfig(`${server.url}/wxpay`, { appid: 'wx2421b1c4370ec43b', sign_type: 'MD5' });

beforeAll(async () => {
  server = await startCannedServer();
  gateway = createWxpayGateway(config());
});
afterAll(() => server.close());

type Call = (gateway: PaymentGateway) => Promise<unknown>;
const micropay: Call = (g) =>
  g.micropay({
    outTradeNo: OUT_TRADE_NO,
    authCode: '120269300684844649',
    totalFee: 1,
    subject: '付款码支付测试',
  });
const query: Call = (g) => g.query({ outTradeNo: OUT_TRADE_NO });

const CASES: readonly [string, Call, unknown][] = [
  ['micropay-paid.official.xml', micropay, PAID],
  ['micropay-paid.one-line.xml', micropay, PAID],
  ['micropay-paid.crlf.xml', micropay, PAID],
  ['micropay-paid.gochat.xml', micropay, PAID],
  ['orderquery-success.official.xml', query, PAID],
  ['orderquery-success.gochat.xml', query, PAID],
  ['reverse-success.official.xml', (g) => g.reverse({ outTradeNo: OUT_TRADE_NO }), { kind: 'reversed' }],
  ['reverse-success.gochat.xml', (g) => g.reverse({ outTradeNo: OUT_TRADE_NO }), { kind: 'reversed' }],
  [
    'refund-accepted.official.xml',
    (g) => g.refund(REFUND),
    { kind: 'processing', refundId: '2008450740201411110000174436' },
  ],
  [
    'refundquery-processing.official.xml',
    (g) => g.queryRefund(REFUND),
    { kind: 'processing', refundId: '2008450740201411110000174436' },
  ],
  [
    'unifiedorder-native.official.xml',
    (g) =>
      g.precreate({
        outTradeNo: OUT_TRADE_NO,
        totalFee: 1,
        subject: 'x',
        notifyUrl: 'https://example.com/n',
      }),
    { kind: 'created', qrCode: 'weixin://wxpay/bizpayurl?pr=fV1abcd' },
  ],
];

describe('golden WeChat replies through the adapter', () => {
  it.each(CASES)('%s', async (name, call, expected) => {
    const body = goldenFixture(name);
    server.answer = () => ({ kind: 'reply', body, contentType: 'text/xml' });
    expect(await call(gateway)).toEqual(expected);
  });

  it('the CRLF fixture really has CRLF line ends and the pretty one newlines (checkout did not rewrite them)', () => {
    expect(goldenFixture('micropay-paid.crlf.xml')).toContain('</return_code>\r\n   <return_msg>');
    expect(goldenFixture('micropay-paid.official.xml')).toMatch(/<xml>\n {3}<return_code>/);
  });

  it('the same sample with one character of a signed field changed is not trusted', async () => {
    const body = goldenFixture('micropay-paid.gochat.xml').replace('<total_fee>1<', '<total_fee>2<');
    server.answer = () => ({ kind: 'reply', body, contentType: 'text/xml' });
    expect(await micropay(gateway)).toMatchObject({ kind: 'unknown', reason: 'bad_signature' });
  });
});

describe('golden WeChat notifications through the notify verifier', () => {
  it('the official paid notification sample is paid', () => {
    expect(createWxpayNotifyVerifier(config()).read(goldenFixture('notify-paid.official.xml'))).toEqual({
      kind: 'paid',
      outTradeNo: '1409811653',
      totalFee: 1,
      transactionId: '1004400740201409030005092168',
      paidAt: '2014-09-03T13:15:40+08:00',
    });
  });

  it('the sample verbatim, with its repeated <coupon_fee>, is refused rather than half-read', () => {
    const reading = createWxpayNotifyVerifier(config()).read(
      goldenFixture('notify-duplicate-field.official.xml'),
    );
    expect(reading).toEqual({ kind: 'rejected', reason: expect.stringMatching(/coupon_fee.*repeated/) });
  });
});
