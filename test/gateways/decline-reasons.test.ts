/**
 * Decline reasons (docs/protocols.md, "Decline reasons" in §2, §4, §5): each adapter reads its
 * provider's final refusal codes into a DeclineReason for the UI, and the rest of a refusal stays as
 * it was (provider code and message for support). Replies are the golden fixtures' own bodies
 * (test/fixtures/providers/) turned into the refusal under test.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DECLINE_REASONS } from '../../core/common/decline-reasons.ts';
import {
  alipayDeclineReason,
  mapPrecreateReply as mapAlipayPrecreate,
  mapPayReply,
} from '../../core/gateways/alipay/alipay-outcomes.ts';
import {
  mapMicropayReply as mapPayjsMicropay,
  mapPrecreateReply as mapPayjsPrecreate,
} from '../../core/gateways/payjs/payjs-outcomes.ts';
import {
  mapMicropayReply,
  mapQueryReply,
  mapPrecreateReply as mapWxpayPrecreate,
  WXPAY_MICROPAY_FAILED_CODES,
  wxpayDeclineReason,
} from '../../core/gateways/wxpay/wxpay-outcomes.ts';
import { parseWxpayXml } from '../../core/gateways/wxpay/wxpay-xml.ts';
import { goldenFixture } from './wxpay-fixtures.ts';

const fixtures = new URL('../fixtures/providers/', import.meta.url);
const json = <T>(path: string): T => JSON.parse(readFileSync(new URL(path, fixtures), 'utf8')) as T;

describe('WeChat Pay err_code → decline reason', () => {
  const parsed = parseWxpayXml(goldenFixture('micropay-paid.official.xml'));
  if (!parsed.ok) throw new Error('the golden micropay reply must parse');
  const paid = parsed.fields;
  const OUT_TRADE_NO = paid.out_trade_no!;
  const refused = (err_code: string) => ({
    kind: 'verified' as const,
    fields: { ...paid, result_code: 'FAIL', err_code, err_code_des: `${err_code} text` },
  });

  it.each([
    ['NOTENOUGH', 'insufficient_funds'],
    ['AUTHCODEEXPIRE', 'code_expired'],
    ['AUTH_CODE_ERROR', 'code_invalid'],
    ['AUTH_CODE_INVALID', 'code_invalid'],
    ['NOTSUPORTCARD', 'not_supported'],
    ['BUYER_MISMATCH', 'buyer_mismatch'],
    ['ORDERCLOSED', 'order_closed'],
    ['ORDERREVERSED', 'order_closed'],
    ['PARAM_ERROR', 'request_refused'],
    ['APPID_MCHID_NOT_MATCH', 'request_refused'],
  ])('micropay %s is failed with reason %s, keeping the code and text', (code, reason) => {
    expect(mapMicropayReply(refused(code), OUT_TRADE_NO, Number(paid.total_fee))).toEqual({
      kind: 'failed',
      providerCode: code,
      message: `${code} text`,
      decline: reason,
    });
  });

  it('gives every final micropay code a listed reason', () => {
    for (const code of WXPAY_MICROPAY_FAILED_CODES) {
      const outcome = mapMicropayReply(refused(code), OUT_TRADE_NO, Number(paid.total_fee));
      expect(outcome.kind === 'failed' && DECLINE_REASONS.includes(outcome.decline), code).toBe(true);
    }
  });

  it('does not turn an ask-again code into a decline', () => {
    for (const code of ['SYSTEMERROR', 'BANKERROR', 'TRADE_ERROR', 'SOMETHING_NEW'])
      expect(mapMicropayReply(refused(code), OUT_TRADE_NO, 1).kind, code).toBe('unknown');
  });

  it('reads return_code=FAIL as our request refused, and PAYERROR as other', () => {
    const fail = { kind: 'verified' as const, fields: { return_code: 'FAIL', return_msg: '签名错误' } };
    expect(mapMicropayReply(fail, OUT_TRADE_NO, 1)).toMatchObject({
      kind: 'failed',
      decline: 'request_refused',
    });
    const payError = { ...paid, trade_state: 'PAYERROR', trade_state_desc: '银行返回失败' };
    expect(mapQueryReply({ kind: 'verified', fields: payError }, OUT_TRADE_NO)).toMatchObject({
      kind: 'failed',
      providerCode: 'PAYERROR',
      decline: 'other',
    });
  });

  it('reads a Native QR order refused for an unlisted code as other', () => {
    expect(mapWxpayPrecreate(refused('ORDERPAID_ELSEWHERE'), OUT_TRADE_NO)).toMatchObject({
      kind: 'failed',
      decline: 'other',
    });
    expect(wxpayDeclineReason('toString')).toBe('other');
  });
});

describe('Alipay sub_code → decline reason', () => {
  const fixture = json<{ response_text: string; call: { outTradeNo: string; totalFee: number } }>(
    'alipay/trade-pay-unavailable.json',
  );
  const base = JSON.parse(fixture.response_text) as Record<string, unknown>;
  const refused = (sub_code: string, code = '40004') => ({
    kind: 'verified' as const,
    response: { ...base, code, msg: 'Business Failed', sub_code, sub_msg: `${sub_code} text` },
  });

  it.each(['', 'aop.'])('matches with or without the gateway prefix "%s"', (prefix) => {
    const cases: readonly [string, string][] = [
      ['ACQ.BUYER_BALANCE_NOT_ENOUGH', 'insufficient_funds'],
      ['ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH', 'insufficient_funds'],
      ['ACQ.PAYMENT_AUTH_CODE_INVALID', 'code_invalid'],
      ['ACQ.TRADE_HAS_CLOSE', 'order_closed'],
      ['ACQ.TRADE_BUYER_NOT_MATCH', 'buyer_mismatch'],
      ['ACQ.BUYER_ENABLE_STATUS_FORBID', 'risk_declined'],
      ['ACQ.PAYMENT_REQUEST_HAS_RISK', 'risk_declined'],
      ['ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR', 'not_supported'],
      ['ACQ.INVALID_PARAMETER', 'request_refused'],
      ['ACQ.PAYMENT_FAIL', 'other'],
    ];
    for (const [sub, reason] of cases) {
      expect(mapPayReply(refused(prefix + sub), fixture.call.outTradeNo, fixture.call.totalFee), sub).toEqual(
        {
          kind: 'failed',
          providerCode: sub,
          message: `${prefix}${sub} text`,
          decline: reason,
        },
      );
    }
  });

  it('reads a request refused before it ran (40001/40002/40006) as request_refused', () => {
    for (const code of ['40001', '40002', '40006']) {
      expect(mapPayReply(refused('isv.invalid-app-id', code), 'A1', 1)).toMatchObject({
        kind: 'failed',
        decline: 'request_refused',
      });
    }
    expect(alipayDeclineReason('40004', 'hasOwnProperty')).toBe('other');
  });

  it('keeps SYSTEM_ERROR and TRADE_HAS_SUCCESS unknown, and reads a refused QR by the same table', () => {
    expect(mapPayReply(refused('aop.ACQ.SYSTEM_ERROR'), 'A1', 1).kind).toBe('unknown');
    expect(mapAlipayPrecreate(refused('ACQ.TRADE_HAS_CLOSE'), 'A1')).toMatchObject({
      kind: 'failed',
      decline: 'order_closed',
    });
  });
});

describe('PAYJS → decline reason', () => {
  it('never declines a payment-code charge: its refusal has no code, so it stays unknown', () => {
    const fixture = json<{
      fields: Record<string, string | number>;
      order: { outTradeNo: string; totalFee: number };
    }>('payjs/micropay-refused.json');
    const fields = Object.fromEntries(Object.entries(fixture.fields).map(([k, v]) => [k, String(v)]));
    const outcome = mapPayjsMicropay(
      { kind: 'verified', fields },
      fixture.order.outTradeNo,
      fixture.order.totalFee,
    );
    expect(outcome.kind).toBe('unknown');
  });

  it('reads a refused QR order as other', () => {
    const outcome = mapPayjsPrecreate(
      { kind: 'verified', fields: { return_code: '0', return_msg: '商户号不存在', out_trade_no: 'P1' } },
      'P1',
    );
    expect(outcome).toMatchObject({ kind: 'failed', decline: 'other' });
  });
});
