/**
 * Outside witnesses for the PAYJS adapter: replies and a notification holding exactly the fields
 * help.payjs.cn documents for each call (test/fixtures/providers/payjs/, each citing its page),
 * driven through the adapter's own verification and mapping; and every layout of them (member
 * order, whitespace), which must read the same: PAYJS signs the sorted fields, not the text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePayjsConfig } from '../../core/gateways/payjs/payjs-config.ts';
import { createPayjsNotifyVerifier } from '../../core/gateways/payjs/payjs-notify.ts';
import {
  mapCheckReply,
  mapMicropayReply,
  mapRefundReply,
  mapReverseReply,
} from '../../core/gateways/payjs/payjs-outcomes.ts';
import { verifyPayjsReply } from '../../core/gateways/payjs/payjs-transport.ts';
import { v2Sign } from '../../core/gateways/shared/v2-sign.ts';
import { relayout, seededRng } from './json-layout.ts';

const KEY = 'payjs-golden-test-key-000000000000';
const config = parsePayjsConfig({
  provider: 'payjs',
  mchid: '1500000001',
  key: KEY,
  base_url: 'http://127.0.0.1:1',
});
const DIR = new URL('../fixtures/providers/payjs/', import.meta.url);

interface Fixture {
  readonly source: string;
  readonly call: 'micropay' | 'check' | 'reverse' | 'refund' | 'notify';
  readonly order?: { outTradeNo: string; totalFee?: number; refundFee?: number };
  readonly fields: Record<string, string | number>;
  readonly expected: Record<string, unknown>;
}

const fixtures = readdirSync(DIR).map(
  (name) => [name, JSON.parse(readFileSync(new URL(name, DIR), 'utf8')) as Fixture] as const,
);
const replies = fixtures.filter(([, f]) => f.call !== 'notify');

function signed(fields: Record<string, string | number>): Record<string, string | number> {
  return { ...fields, sign: v2Sign(fields, KEY, 'MD5') };
}

/** An unknown outcome's detail is free text for support: compare its kind, reason and id only. */
function expectOutcome(actual: unknown, expected: Record<string, unknown>): void {
  if (expected.kind === 'unknown') expect(actual).toMatchObject(expected);
  else expect(actual).toEqual(expected);
}

function outcomeOf(fixture: Fixture, body: string): unknown {
  const reply = verifyPayjsReply(config, body);
  const order = fixture.order ?? { outTradeNo: '' };
  switch (fixture.call) {
    case 'micropay':
      return mapMicropayReply(reply, order.outTradeNo, order.totalFee ?? 0);
    case 'check':
      return mapCheckReply(reply, order.outTradeNo);
    case 'reverse':
      return mapReverseReply(reply, order.outTradeNo, 'payjs_order_id');
    case 'refund':
      return mapRefundReply(reply, order.outTradeNo, order.refundFee ?? 0);
    default:
      throw new Error(`not a reply: ${fixture.call}`);
  }
}

describe('payjs golden replies (documented fields)', () => {
  it.each(replies)('%s reads as documented', (_name, fixture) => {
    expect(fixture.source).toMatch(/^https:\/\/help\.payjs\.cn\//);
    expectOutcome(outcomeOf(fixture, JSON.stringify(signed(fixture.fields))), fixture.expected);
  });

  it.each(replies)('%s reads the same in any member order and whitespace', (_name, fixture) => {
    const value = signed(fixture.fields);
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        expectOutcome(outcomeOf(fixture, relayout(value, seededRng(seed))), fixture.expected);
      }),
      { numRuns: 50 },
    );
  });

  it.each(replies)('%s with one field changed after signing is unknown', (_name, fixture) => {
    const value = {
      ...signed(fixture.fields),
      out_trade_no: fixture.order?.outTradeNo ?? '',
      total_fee: 999,
    };
    expect(outcomeOf(fixture, JSON.stringify(value))).toMatchObject({ kind: 'unknown' });
  });
});

describe('payjs golden notification (documented fields)', () => {
  const [, fixture] = fixtures.find(([, f]) => f.call === 'notify') ?? [];
  it('reads as the documented payment; a changed amount is refused', () => {
    if (!fixture) throw new Error('notify fixture missing');
    const verifier = createPayjsNotifyVerifier(config);
    const form = (fields: Record<string, string | number>) =>
      new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString();
    expect(verifier.read(form(signed(fixture.fields)))).toEqual(fixture.expected);
    expect(verifier.read(form({ ...signed(fixture.fields), total_fee: '100' }))).toMatchObject({
      kind: 'rejected',
    });
  });
});
