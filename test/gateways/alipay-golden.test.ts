/**
 * Outside witnesses for the Alipay adapter: the sample replies and notification Alipay publishes
 * (re-signed with the test key, their text unchanged) and replies captured from Alipay with Alipay's
 * own signature (verified as received), under test/fixtures/providers/alipay/, each citing its
 * source. Alipay signs the raw `…_response` text, so layouts we did not choose (sign first,
 * whitespace between members, unicode and slash escapes) must verify and read the same.
 */
import { createPublicKey, createSign } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAlipayNotifyVerifier } from '../../core/gateways/alipay/alipay-notify.ts';
import {
  mapCancelReply,
  mapPayReply,
  mapPrecreateReply,
  mapQueryReply,
  mapRefundQueryReply,
  mapRefundReply,
} from '../../core/gateways/alipay/alipay-outcomes.ts';
import { type AlipayReply, verifyAlipayReply } from '../../core/gateways/alipay/alipay-transport.ts';
import { alipayTestConfig, platformKeys } from './alipay-fixtures.ts';

const DIR = new URL('../fixtures/providers/alipay/', import.meta.url);

interface Call {
  readonly outTradeNo: string;
  readonly totalFee?: number;
  readonly outRefundNo?: string;
}

interface ReplyFixture {
  readonly source: string;
  readonly method: string;
  readonly call: Call;
  readonly response_text: string;
  readonly expected: Record<string, unknown>;
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, DIR), 'utf8')) as T;
}

const replyFixtures = readdirSync(DIR)
  .filter((name) => name.startsWith('trade-'))
  .map((name) => [name, load<ReplyFixture>(name)] as const);

function outcomeOf(method: string, reply: AlipayReply, call: Call): unknown {
  switch (method) {
    case 'alipay.trade.pay':
      return mapPayReply(reply, call.outTradeNo, call.totalFee ?? 0);
    case 'alipay.trade.query':
      return mapQueryReply(reply, call.outTradeNo);
    case 'alipay.trade.cancel':
      return mapCancelReply(reply, call.outTradeNo);
    case 'alipay.trade.refund':
      return mapRefundReply(reply, { outTradeNo: call.outTradeNo, outRefundNo: call.outRefundNo ?? '' });
    case 'alipay.trade.fastpay.refund.query':
      return mapRefundQueryReply(reply, { outTradeNo: call.outTradeNo, outRefundNo: call.outRefundNo ?? '' });
    case 'alipay.trade.precreate':
      return mapPrecreateReply(reply, call.outTradeNo);
    default:
      throw new Error(`no mapper for ${method}`);
  }
}

const sign = (text: string) =>
  createSign('RSA-SHA256').update(text, 'utf8').sign(platformKeys.privateKey, 'base64');
const keyOf = (method: string) => JSON.stringify(`${method.replaceAll('.', '_')}_response`);

/** Every non-ASCII character as \uXXXX and every slash as \/: the same JSON value, other bytes. */
function escapedLayout(text: string): string {
  return (
    text
      // Slashes not already escaped (the fixtures hold no escaped backslash before a slash).
      .replace(/(?<!\\)\//g, '\\/')
      .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  );
}

const layouts: readonly [string, (method: string, response: string) => string][] = [
  ['as published', (m, r) => `{${keyOf(m)}:${r},"sign":${JSON.stringify(sign(r))}}`],
  ['sign first', (m, r) => `{"sign":${JSON.stringify(sign(r))},${keyOf(m)}:${r}}`],
  [
    'whitespace between members',
    (m, r) => `{\n  ${keyOf(m)} :\n ${r} ,\n\t"sign" : ${JSON.stringify(sign(r))}\n}\n`,
  ],
  [
    'unicode and slash escapes (re-signed over the new text)',
    (m, r) => {
      const escaped = escapedLayout(r);
      return `{${keyOf(m)}:${escaped},"sign":${JSON.stringify(sign(escaped))}}`;
    },
  ],
];

describe('alipay golden replies from the documentation', () => {
  const config = alipayTestConfig('http://127.0.0.1:1/gateway.do');
  describe.each(replyFixtures)('%s', (_name, fixture) => {
    it.each(layouts)('%s', (_layout, build) => {
      expect(fixture.source).toMatch(/^https:\/\//);
      const reply = verifyAlipayReply(config, fixture.method, build(fixture.method, fixture.response_text));
      expect(reply.kind).toBe('verified');
      expect(outcomeOf(fixture.method, reply, fixture.call)).toMatchObject(fixture.expected);
    });

    it('one changed byte in the signed text is unknown, never the outcome', () => {
      const body = layouts[0]![1](fixture.method, fixture.response_text).replace('"msg":', '"msg" :');
      const outcome = outcomeOf(
        fixture.method,
        verifyAlipayReply(config, fixture.method, body),
        fixture.call,
      );
      expect(outcome).toMatchObject({ kind: 'unknown', reason: 'bad_signature' });
    });
  });
});

interface CapturedFixture {
  readonly source: string;
  readonly method: string;
  readonly alipay_public_key_base64: string;
  readonly replies: readonly { call: Call; body: string; expected: Record<string, unknown> }[];
}

describe('alipay replies captured with Alipay’s own signature', () => {
  const captured = load<CapturedFixture>('captured-trade-pay-gopay.json');
  const alipayKey = createPublicKey({
    key: Buffer.from(captured.alipay_public_key_base64, 'base64'),
    format: 'der',
    type: 'spki',
  }).export({ type: 'spki', format: 'pem' });
  const config = alipayTestConfig('http://127.0.0.1:1/gateway.do', {
    alipay_public_key: alipayKey.toString(),
  });

  it.each(captured.replies.map((r) => [r.call.outTradeNo, r] as const))(
    '%s verifies as received',
    (_no, r) => {
      const reply = verifyAlipayReply(config, captured.method, r.body);
      expect(outcomeOf(captured.method, reply, r.call)).toEqual(r.expected);
    },
  );

  it.each(captured.replies.map((r) => [r.call.outTradeNo, r] as const))(
    '%s with its amount changed is unknown',
    (_no, r) => {
      const forged = r.body.replace('"total_amount":"0.01"', '"total_amount":"0.02"');
      expect(forged).not.toBe(r.body);
      const outcome = outcomeOf(captured.method, verifyAlipayReply(config, captured.method, forged), {
        ...r.call,
        totalFee: 2,
      });
      expect(outcome).toMatchObject({ kind: 'unknown', reason: 'bad_signature' });
    },
  );
});

interface NotifyFixture {
  readonly source: string;
  readonly app_id: string;
  readonly fields: Record<string, string>;
  readonly expected: Record<string, unknown>;
}

describe('alipay golden notification from the documentation', () => {
  const fixture = load<NotifyFixture>('notify-trade-success.json');
  const signed = (fields: Record<string, string>) => {
    const content = Object.keys(fields)
      .filter((k) => k !== 'sign' && k !== 'sign_type' && fields[k] !== '')
      .sort()
      .map((k) => `${k}=${fields[k]}`)
      .join('&');
    return new URLSearchParams({ ...fields, sign: sign(content) }).toString();
  };

  it('is read as the documented payment for the app it names', () => {
    const verifier = createAlipayNotifyVerifier(
      alipayTestConfig('http://127.0.0.1:1/gateway.do', { app_id: fixture.app_id }),
    );
    expect(verifier.read(signed(fixture.fields))).toEqual(fixture.expected);
  });

  it('is refused by a terminal configured for another app', () => {
    const verifier = createAlipayNotifyVerifier(alipayTestConfig('http://127.0.0.1:1/gateway.do'));
    expect(verifier.read(signed(fixture.fields))).toMatchObject({ kind: 'rejected' });
  });
});
