/**
 * Layout fuzzer: every kind of reply the sandbox gives for WeChat v2 (paid, waiting, refused, not found,
 * reversed, refund accepted / done, QR created, close too early, unsigned return_code=FAIL) is recorded
 * once, then re-laid by fast-check (any whitespace between elements, CDATA or plain text per value, any
 * element order) and served to the adapter, whose outcome must be the same as for the recorded bytes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWxpayGateway } from '../../core/gateways/wxpay/wxpay-gateway.ts';
import { createWxpayNotifyVerifier } from '../../core/gateways/wxpay/wxpay-notify.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { issueCode, orderNo } from '../sandbox/helpers/sandbox-http.ts';
import { micropayFields, tlsIdentity, wxCall } from '../sandbox/helpers/wxpay-client.ts';
import { type CannedServer, startCannedServer } from './canned-server.ts';
import { goldenFixture, wxpayTestConfig } from './wxpay-fixtures.ts';

let sandbox: RunningSandbox;
let server: CannedServer;
let gateway: PaymentGateway;

beforeAll(async () => {
  sandbox = await startSandbox({ codeTtlMs: 60_000 });
  server = await startCannedServer();
  const { appid, mch_id, key } = sandbox.credentials.wxpay;
  gateway = createWxpayGateway(
    wxpayTestConfig(`${server.url}/wxpay`, { appid, mch_id, key, secapi_base_url: `${server.url}/wxpay` }),
  );
});
afterAll(async () => {
  await server.close();
  await sandbox.close();
});

const HMAC = { signType: 'HMAC-SHA256' as const };

async function call(path: string, fields: Record<string, string>, key?: string): Promise<string> {
  const secapi = path.startsWith('/wxpay/secapi/');
  const tls = secapi ? { tls: tlsIdentity(sandbox.secapiUrl, sandbox.credentials) } : {};
  const signing = key === undefined ? HMAC : { ...HMAC, key };
  const reply = await wxCall(sandbox.url, path, sandbox.credentials, fields, { ...signing, ...tls });
  return reply.raw.text;
}

interface Recorded {
  readonly body: string;
  readonly expectedKind: string;
  readonly run: (gateway: PaymentGateway) => Promise<unknown>;
}

/** Drives the sandbox through one scenario of each reply kind and records the raw reply bodies. */
async function record(): Promise<Record<string, Recorded>> {
  const paidNo = orderNo('FZ');
  const paidCode = await issueCode(sandbox.url, 'wxpay');
  const waitingNo = orderNo('FZ');
  const waitingCode = await issueCode(sandbox.url, 'wxpay', 'password');
  const poorNo = orderNo('FZ');
  const poorCode = await issueCode(sandbox.url, 'wxpay', 'insufficient_funds');
  const qrNo = orderNo('FZ');
  const refund = { outTradeNo: paidNo, outRefundNo: `${paidNo}R`, totalFee: 700, refundFee: 300 };
  const micropay = (outTradeNo: string, authCode: string) => (g: PaymentGateway) =>
    g.micropay({ outTradeNo, authCode, totalFee: 700, subject: 'sandbox test' });

  const recorded: Record<string, Recorded> = {};
  const add = async (
    name: string,
    path: string,
    fields: Record<string, string>,
    kind: string,
    run: Recorded['run'],
    key?: string,
  ) => {
    recorded[name] = { body: await call(path, fields, key), expectedKind: kind, run };
  };
  await add(
    'micropay paid',
    '/wxpay/pay/micropay',
    micropayFields(paidNo, paidCode, 700),
    'paid',
    micropay(paidNo, paidCode),
  );
  await add(
    'micropay USERPAYING',
    '/wxpay/pay/micropay',
    micropayFields(waitingNo, waitingCode, 700),
    'pending',
    micropay(waitingNo, waitingCode),
  );
  await add(
    'micropay NOTENOUGH',
    '/wxpay/pay/micropay',
    micropayFields(poorNo, poorCode, 700),
    'failed',
    micropay(poorNo, poorCode),
  );
  await add('orderquery paid', '/wxpay/pay/orderquery', { out_trade_no: paidNo }, 'paid', (g) =>
    g.query({ outTradeNo: paidNo }),
  );
  await add(
    'orderquery ORDERNOTEXIST',
    '/wxpay/pay/orderquery',
    { out_trade_no: 'FZnothere' },
    'not_found',
    (g) => g.query({ outTradeNo: 'FZnothere' }),
  );
  await add('reverse', '/wxpay/secapi/pay/reverse', { out_trade_no: waitingNo }, 'reversed', (g) =>
    g.reverse({ outTradeNo: waitingNo }),
  );
  await add(
    'refund',
    '/wxpay/secapi/pay/refund',
    { out_trade_no: paidNo, out_refund_no: refund.outRefundNo, total_fee: '700', refund_fee: '300' },
    'processing',
    (g) => g.refund(refund),
  );
  await add(
    'refundquery',
    '/wxpay/pay/refundquery',
    { out_refund_no: refund.outRefundNo },
    'succeeded',
    (g) => g.queryRefund(refund),
  );
  await add(
    'unifiedorder NATIVE',
    '/wxpay/pay/unifiedorder',
    {
      body: 'qr',
      out_trade_no: qrNo,
      total_fee: '700',
      spbill_create_ip: '127.0.0.1',
      trade_type: 'NATIVE',
      product_id: qrNo,
    },
    'created',
    (g) => g.precreate({ outTradeNo: qrNo, totalFee: 700, subject: 'qr', notifyUrl: 'http://127.0.0.1:9/n' }),
  );
  const badKeyNo = orderNo('FZ');
  const badKeyCode = await issueCode(sandbox.url, 'wxpay');
  // Signed with another key: WeChat's unsigned return_code=FAIL (SIGNERROR) reply.
  await add(
    'micropay SIGNERROR (return_code FAIL, unsigned)',
    '/wxpay/pay/micropay',
    micropayFields(badKeyNo, badKeyCode, 700),
    'failed',
    micropay(badKeyNo, badKeyCode),
    'x'.repeat(32),
  );
  // closeorder within 5 minutes of creation: a signed SYSTEMERROR the adapter must call unknown.
  await add('closeorder too early', '/wxpay/pay/closeorder', { out_trade_no: paidNo }, 'unknown', (g) =>
    g.close({ outTradeNo: paidNo }),
  );
  return recorded;
}

/** The fields of a flat reply, read with a regex so the fuzzer shares no code with the parser under test. */
function fieldsOf(body: string): [string, string][] {
  const fields: [string, string][] = [];
  for (const m of body.matchAll(/<(\w+)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g)) {
    if (m[1] !== 'xml') fields.push([m[1] ?? '', m[2] ?? unescapeXml(m[3] ?? '')]);
  }
  return fields;
}
const unescapeXml = (text: string) =>
  text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
const escapeXml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const whitespace = fc.constantFrom('', '\n', '\r\n', '\n   ', '\n\t', '  ', '\r\n    ');
const relayout = (count: number) =>
  fc.record({
    between: fc.array(whitespace, { minLength: count + 1, maxLength: count + 1 }),
    cdata: fc.array(fc.boolean(), { minLength: count, maxLength: count }),
    order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: count, maxLength: count }),
  });

function lay(fields: [string, string][], layout: { between: string[]; cdata: boolean[]; order: number[] }) {
  const ranked = fields.map((field, n) => ({ field, rank: layout.order[n] ?? 0, cdata: layout.cdata[n] }));
  ranked.sort((a, b) => a.rank - b.rank);
  const elements = ranked.map(({ field: [name, value], cdata }, n) => {
    const text = cdata && !value.includes(']]>') ? `<![CDATA[${value}]]>` : escapeXml(value);
    return `${layout.between[n]}<${name}>${text}</${name}>`;
  });
  return `<xml>${elements.join('')}${layout.between.at(-1)}</xml>`;
}

describe('WeChat reply layout fuzzer', () => {
  let recorded: Record<string, Recorded> = {};
  beforeAll(async () => {
    recorded = await record();
  });

  it('records one reply of every kind, each with its meaning', async () => {
    expect(Object.keys(recorded)).toHaveLength(11);
    expect(recorded['closeorder too early']?.body).toContain('SYSTEMERROR');
    expect(recorded['micropay SIGNERROR (return_code FAIL, unsigned)']?.body).not.toContain('<sign>');
    for (const [name, { body, expectedKind, run }] of Object.entries(recorded)) {
      server.answer = () => ({ kind: 'reply', body, contentType: 'text/xml' });
      expect({ name, outcome: await run(gateway) }).toMatchObject({ name, outcome: { kind: expectedKind } });
    }
  });

  it('no re-layout of any recorded reply changes the adapter outcome', async () => {
    for (const { body, run } of Object.values(recorded)) {
      server.answer = () => ({ kind: 'reply', body, contentType: 'text/xml' });
      const baseline = await run(gateway);
      const fields = fieldsOf(body);
      await fc.assert(
        fc.asyncProperty(relayout(fields.length), async (layout) => {
          const relaid = lay(fields, layout);
          server.answer = () => ({ kind: 'reply', body: relaid, contentType: 'text/xml' });
          expect(await run(gateway)).toEqual(baseline);
        }),
        { numRuns: 25, seed: 20261130 },
      );
    }
  });
});

describe('WeChat notification layout fuzzer', () => {
  it("no re-layout of the official paid notification sample changes the verifier's reading", async () => {
    const verifier = createWxpayNotifyVerifier(
      wxpayTestConfig('http://127.0.0.1:9/wxpay', { appid: 'wx2421b1c4370ec43b', sign_type: 'MD5' }),
    );
    const body = goldenFixture('notify-paid.official.xml');
    const baseline = verifier.read(body);
    expect(baseline.kind).toBe('paid');
    const fields = fieldsOf(body);
    fc.assert(
      fc.property(relayout(fields.length), (layout) => {
        expect(verifier.read(lay(fields, layout))).toEqual(baseline);
      }),
      { numRuns: 200, seed: 20261130 },
    );
  });
});
