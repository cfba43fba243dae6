import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { v2Verify } from '../../core/gateways/shared/v2-sign.ts';
import { createWxpayGateway } from '../../core/gateways/wxpay/wxpay-gateway.ts';
import {
  mapMicropayReply,
  mapQueryReply,
  WXPAY_MICROPAY_FAILED_CODES,
} from '../../core/gateways/wxpay/wxpay-outcomes.ts';
import { verifyWxpayReply } from '../../core/gateways/wxpay/wxpay-transport.ts';
import { parseWxpayXml } from '../../core/gateways/wxpay/wxpay-xml.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import { type CannedServer, startCannedServer } from './canned-server.ts';
import { fixture, signedWxReply, WX_KEY, wxpayTestConfig } from './wxpay-fixtures.ts';

let server: CannedServer;
let gateway: PaymentGateway;

beforeAll(async () => {
  server = await startCannedServer();
  gateway = createWxpayGateway(wxpayTestConfig(`${server.url}/wxpay`));
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const order = { outTradeNo: 'T100', authCode: '134567890123456789', totalFee: 1230, subject: 'Coffee' };
const paidFields = {
  result_code: 'SUCCESS',
  out_trade_no: 'T100',
  transaction_id: '4200000001',
  total_fee: '1230',
  time_end: '20261123173000',
  openid: 'oUser',
  trade_state: 'SUCCESS',
};

function replyWith(body: string) {
  server.answer = () => ({ kind: 'reply', body, contentType: 'text/xml' });
}

describe('wxpay micropay', () => {
  it('sends a signed request and maps a verified paid reply', async () => {
    replyWith(signedWxReply(paidFields));
    const outcome = await gateway.micropay(order);
    expect(outcome).toEqual({
      kind: 'paid',
      transactionId: '4200000001',
      totalFee: 1230,
      paidAt: '2026-11-23T17:30:00+08:00',
      buyerId: 'oUser',
    });
    const sent = server.requests[0];
    expect(sent?.path).toBe('/wxpay/pay/micropay');
    const fields = parseWxpayXml(sent?.body ?? '');
    if (!fields.ok) throw new Error(fields.problem);
    expect(fields.fields).toMatchObject({
      auth_code: order.authCode,
      total_fee: '1230',
      sign_type: 'HMAC-SHA256',
    });
    expect(v2Verify(fields.fields, WX_KEY, 'HMAC-SHA256')).toBe(true);
  });

  const table: [string, string][] = [
    ['USERPAYING', 'pending'],
    ['SYSTEMERROR', 'unknown'],
    ['BANKERROR', 'unknown'],
    ['TRADE_ERROR', 'unknown'],
    ['SOMETHING_NEW', 'unknown'],
    ...WXPAY_MICROPAY_FAILED_CODES.map((code): [string, string] => [code, 'failed']),
  ];
  it.each(table)('err_code %s → %s', async (code, kind) => {
    replyWith(signedWxReply({ result_code: 'FAIL', err_code: code, err_code_des: 'desc' }));
    const outcome = await gateway.micropay(order);
    expect(outcome.kind).toBe(kind);
    if (outcome.kind === 'failed' || outcome.kind === 'pending') expect(outcome.providerCode).toBe(code);
  });

  it('return_code=FAIL on micropay is failed (our request was malformed)', async () => {
    replyWith('<xml><return_code>FAIL</return_code><return_msg>签名错误</return_msg></xml>');
    expect(await gateway.micropay(order)).toMatchObject({
      kind: 'failed',
      providerCode: 'FAIL',
      message: '签名错误',
    });
  });

  it('return_code=FAIL on query and reverse is unknown (never loses a trade)', async () => {
    replyWith('<xml><return_code>FAIL</return_code><return_msg>bad</return_msg></xml>');
    expect((await gateway.query({ outTradeNo: 'T100' })).kind).toBe('unknown');
    expect((await gateway.reverse({ outTradeNo: 'T100' })).kind).toBe('unknown');
  });
});

describe('wxpay forged or broken replies never yield paid', () => {
  const cases: [string, () => void, string][] = [
    [
      'bad signature',
      () => replyWith(signedWxReply(paidFields, 'HMAC-SHA256', 'x'.repeat(32))),
      'bad_signature',
    ],
    [
      'MD5-signed reply when HMAC is configured',
      () => replyWith(signedWxReply(paidFields, 'MD5')),
      'bad_signature',
    ],
    [
      'wrong out_trade_no',
      () => replyWith(signedWxReply({ ...paidFields, out_trade_no: 'T999' })),
      'mismatch',
    ],
    [
      'signed amount differs from the order',
      () => replyWith(signedWxReply({ ...paidFields, total_fee: '1' })),
      'mismatch',
    ],
    [
      'amount tampered after signing',
      () => replyWith(signedWxReply(paidFields).replace('<total_fee>1230<', '<total_fee>1<')),
      'bad_signature',
    ],
    [
      'duplicated element',
      () => replyWith(signedWxReply(paidFields).replace('</xml>', '<total_fee>1</total_fee></xml>')),
      'unparseable',
    ],
    ['another merchant', () => replyWith(signedWxReply({ ...paidFields, mch_id: '999' })), 'mismatch'],
    ['truncated body', () => replyWith(signedWxReply(paidFields).slice(0, 80)), 'unparseable'],
    [
      'HTML 502 page',
      () => {
        server.answer = () => ({ kind: 'reply', status: 502, body: '<html><body>Bad Gateway</body></html>' });
      },
      'http_status',
    ],
    ['reset connection', () => (server.answer = () => ({ kind: 'reset' })), 'network'],
    [
      'cut off mid-body',
      () => (server.answer = () => ({ kind: 'truncate', body: '<xml><return_code>' })),
      'network',
    ],
    ['timeout', () => (server.answer = () => ({ kind: 'hang' })), 'timeout'],
  ];
  it.each(cases)('%s → unknown', async (name, arrange, reason) => {
    arrange();
    expect(await gateway.micropay(order)).toMatchObject({ kind: 'unknown', reason });
    // A query does not know the amount (the engine checks it), so that one case is micropay only.
    if (reason !== 'mismatch' || !name.includes('amount')) {
      expect(await gateway.query({ outTradeNo: 'T100' })).toMatchObject({ kind: 'unknown', reason });
    }
  });

  it('a connection refused is unknown, not failed', async () => {
    const offline = createWxpayGateway(wxpayTestConfig('http://127.0.0.1:1/wxpay'));
    expect(await offline.micropay(order)).toMatchObject({ kind: 'unknown', reason: 'network' });
  });

  it('fuzz: random and mutated bodies never yield paid and never throw', () => {
    const config = wxpayTestConfig('http://127.0.0.1:1');
    const valid = signedWxReply(paidFields);
    const parsedValid = parseWxpayXml(valid);
    const validFields = parsedValid.ok ? parsedValid.fields : {};
    const body = fc.oneof(
      fc.string(),
      fc.string({
        unit: fc.constantFrom('<', '>', '/', 'x', 'm', 'l', '!', '[', ']', 'CDATA', '&', ';', ' ', 'a'),
      }),
      fc.tuple(fc.nat(valid.length), fc.nat(valid.length), fc.string()).map(([from, to, insert]) => {
        const [a, b] = from < to ? [from, to] : [to, from];
        return valid.slice(0, a) + insert + valid.slice(b);
      }),
    );
    fc.assert(
      fc.property(body, (text) => {
        const reply = verifyWxpayReply(config, text);
        const outcomes = [mapMicropayReply(reply, 'T100', 1230), mapQueryReply(reply, 'T100')];
        // Paid only for the genuine reply (byte-different but field-identical XML is the same reply).
        const genuine = reply.kind === 'verified' && isDeepStrictEqual(reply.fields, validFields);
        for (const outcome of outcomes) if (!genuine) expect(outcome.kind).not.toBe('paid');
      }),
      { numRuns: 500 },
    );
  });
});

describe('wxpay query', () => {
  const states: [string, string][] = [
    ['SUCCESS', 'paid'],
    ['REFUND', 'refunded'],
    ['NOTPAY', 'pending'],
    ['USERPAYING', 'pending'],
    ['ACCEPT', 'pending'],
    ['CLOSED', 'closed'],
    ['REVOKED', 'closed'],
    ['PAYERROR', 'failed'],
    ['WHATEVER', 'unknown'],
  ];
  it.each(states)('trade_state %s → %s', async (state, kind) => {
    replyWith(signedWxReply({ ...paidFields, trade_state: state }));
    const outcome = await gateway.query({ outTradeNo: 'T100' });
    expect(outcome.kind).toBe(kind);
    if (outcome.kind === 'refunded') expect(outcome.totalFee).toBe(1230);
  });

  it('ORDERNOTEXIST → not_found, SYSTEMERROR → unknown', async () => {
    replyWith(signedWxReply({ result_code: 'FAIL', err_code: 'ORDERNOTEXIST' }));
    expect(await gateway.query({ outTradeNo: 'T100' })).toEqual({
      kind: 'not_found',
      providerCode: 'ORDERNOTEXIST',
    });
    replyWith(signedWxReply({ result_code: 'FAIL', err_code: 'SYSTEMERROR' }));
    expect((await gateway.query({ outTradeNo: 'T100' })).kind).toBe('unknown');
  });
});

describe('wxpay reverse, close, refund, precreate', () => {
  it.each([
    [{ result_code: 'SUCCESS', recall: 'N' }, { kind: 'reversed' }],
    [
      { result_code: 'FAIL', err_code: 'SYSTEMERROR', recall: 'Y' },
      { kind: 'retry', providerCode: 'SYSTEMERROR' },
    ],
    [{ result_code: 'FAIL', err_code: 'ORDERNOTEXIST', recall: 'N' }, { kind: 'not_found' }],
    [{ result_code: 'FAIL', err_code: 'REVERSE_EXPIRE', recall: 'N' }, { kind: 'failed' }],
    [{ result_code: 'FAIL', err_code: 'SYSTEMERROR', recall: 'N' }, { kind: 'unknown' }],
  ])('reverse %o → %o', async (fields, expected) => {
    replyWith(signedWxReply(fields));
    expect(await gateway.reverse({ outTradeNo: 'T100' })).toMatchObject(expected);
    expect(server.requests.at(-1)?.path).toBe('/wxpay/secapi/pay/reverse');
  });

  it.each([
    [{ result_code: 'SUCCESS' }, 'closed'],
    [{ result_code: 'FAIL', err_code: 'ORDERPAID' }, 'paid'],
    [{ result_code: 'FAIL', err_code: 'ORDERCLOSED' }, 'closed'],
    [{ result_code: 'FAIL', err_code: 'SYSTEMERROR' }, 'unknown'],
    [{ result_code: 'FAIL', err_code: 'SIGNERROR' }, 'failed'],
  ])('close %o → %s', async (fields, kind) => {
    replyWith(signedWxReply(fields));
    expect((await gateway.close({ outTradeNo: 'T100' })).kind).toBe(kind);
  });

  const refund = { outTradeNo: 'T100', outRefundNo: 'R1', totalFee: 1230, refundFee: 200 };
  it('refund accepted → processing; refund query finds its refund among several', async () => {
    replyWith(
      signedWxReply({ result_code: 'SUCCESS', out_trade_no: 'T100', out_refund_no: 'R1', refund_id: 'RID1' }),
    );
    expect(await gateway.refund(refund)).toEqual({ kind: 'processing', refundId: 'RID1' });
    expect(server.requests.at(-1)?.path).toBe('/wxpay/secapi/pay/refund');
    replyWith(
      signedWxReply({
        result_code: 'SUCCESS',
        out_trade_no: 'T100',
        refund_count: '2',
        out_refund_no_0: 'R0',
        refund_status_0: 'PROCESSING',
        refund_id_0: 'RID0',
        out_refund_no_1: 'R1',
        refund_status_1: 'SUCCESS',
        refund_id_1: 'RID1',
      }),
    );
    expect(await gateway.queryRefund(refund)).toEqual({ kind: 'succeeded', refundId: 'RID1' });
  });

  it.each([
    [{ result_code: 'FAIL', err_code: 'SYSTEMERROR' }, 'unknown'],
    [{ result_code: 'FAIL', err_code: 'NOTENOUGH' }, 'failed'],
    [{ result_code: 'SUCCESS', out_refund_no: 'R2' }, 'unknown'],
    // "retry in a minute" (refund error table): the refund may still be made with this out_refund_no.
    [{ result_code: 'FAIL', err_code: 'INVALID_REQ_TOO_MUCH' }, 'unknown'],
    // A code the table does not list says nothing final: a `failed` here would free the amount for a
    // second refund under another out_refund_no while this one may have gone through.
    [{ result_code: 'FAIL', err_code: 'REFUND_SOMETHING_NEW' }, 'unknown'],
  ])('refund %o → %s', async (fields, kind) => {
    replyWith(signedWxReply(fields));
    expect((await gateway.refund(refund)).kind).toBe(kind);
  });

  it.each([
    ['REFUNDNOTEXIST', undefined, 'not_found'],
    [undefined, 'PROCESSING', 'processing'],
    [undefined, 'REFUNDCLOSE', 'failed'],
    [undefined, 'CHANGE', 'failed'],
  ])('refund query err %s status %s → %s', async (err, status, kind) => {
    const fields: Record<string, string> = err
      ? { result_code: 'FAIL', err_code: err }
      : { result_code: 'SUCCESS', refund_count: '1', out_refund_no_0: 'R1', refund_status_0: status ?? '' };
    replyWith(signedWxReply(fields));
    expect((await gateway.queryRefund(refund)).kind).toBe(kind);
  });

  it('precreate returns the code_url', async () => {
    replyWith(signedWxReply({ result_code: 'SUCCESS', code_url: 'weixin://wxpay/bizpayurl?pr=abc' }));
    const outcome = await gateway.precreate({ outTradeNo: 'T100', totalFee: 100, subject: 'Chair' });
    expect(outcome).toEqual({ kind: 'created', qrCode: 'weixin://wxpay/bizpayurl?pr=abc' });
    const sent = parseWxpayXml(server.requests.at(-1)?.body ?? '');
    expect(sent.ok && sent.fields).toMatchObject({ trade_type: 'NATIVE', product_id: 'T100' });
  });
});

describe('wxpay /secapi uses the client certificate', () => {
  it('reverse goes over mTLS to secapi_base_url and a server without our CA is unknown', async () => {
    const tlsServer = https.createServer(
      {
        cert: fixture('server-cert.pem'),
        key: fixture('server-key.pem'),
        ca: fixture('ca-cert.pem'),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        req.resume();
        req.on('end', () => res.end(signedWxReply({ result_code: 'SUCCESS', recall: 'N' })));
      },
    );
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    const { port } = tlsServer.address() as AddressInfo;
    try {
      const secure = createWxpayGateway(
        wxpayTestConfig(`${server.url}/wxpay`, {
          secapi_base_url: `https://127.0.0.1:${port}/wxpay`,
          ca_pem: fixture('ca-cert.pem'),
          // A fresh mutual-TLS handshake can take longer than the fixtures' 400 ms on a busy machine;
          // this test is about where the reverse goes, not about timing.
          timeouts: { micropay_ms: 10_000, other_ms: 10_000 },
        }),
      );
      expect(await secure.reverse({ outTradeNo: 'T100' })).toEqual({ kind: 'reversed' });
      const untrusting = createWxpayGateway(
        wxpayTestConfig(`${server.url}/wxpay`, {
          secapi_base_url: `https://127.0.0.1:${port}/wxpay`,
          timeouts: { micropay_ms: 10_000, other_ms: 10_000 },
        }),
      );
      expect(await untrusting.reverse({ outTradeNo: 'T100' })).toMatchObject({
        kind: 'unknown',
        reason: 'network',
      });
    } finally {
      tlsServer.closeAllConnections();
      await new Promise((resolve) => tlsServer.close(resolve));
    }
  });
});
