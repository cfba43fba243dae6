/**
 * The paid-booking rule where it lives a second time: the provider notification verifiers
 * (core/service/notify). A correctly signed "paid" notification that lacks our out_trade_no or the
 * provider's transaction id books nothing (rejected, so the provider retries and polling decides),
 * next to the complete notification that reads as paid.
 */
import { describe, expect, it } from 'vitest';
import { createAlipayNotifyVerifier } from '../../core/gateways/alipay/alipay-notify.ts';
import { parsePayjsConfig } from '../../core/gateways/payjs/payjs-config.ts';
import { createPayjsNotifyVerifier } from '../../core/gateways/payjs/payjs-notify.ts';
import { v2Sign } from '../../core/gateways/shared/v2-sign.ts';
import { createWxpayNotifyVerifier } from '../../core/gateways/wxpay/wxpay-notify.ts';
import { buildWxpayXml } from '../../core/gateways/wxpay/wxpay-xml.ts';
import type { NotifyVerifier } from '../../core/ports/notify-verifier.ts';
import { alipaySigningString, rsa2Sign } from '../../core/sandbox/alipay-sign.ts';
import { alipayTestConfig, platformKeys } from '../gateways/alipay-fixtures.ts';
import { WX_KEY, wxpayTestConfig } from '../gateways/wxpay-fixtures.ts';

const PAYJS_KEY = 'payjs-test-key-0000000000000000';

function without(fields: Record<string, string>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !names.includes(name)));
}

interface VerifierCase {
  readonly name: string;
  readonly verifier: NotifyVerifier;
  readonly transactionField: string;
  /** A correctly signed paid notification body, minus the named fields. */
  readonly body: (omit: readonly string[]) => string;
}

const wxFields = {
  return_code: 'SUCCESS',
  result_code: 'SUCCESS',
  appid: 'wxd930ea5d5a258f4f',
  mch_id: '10000100',
  nonce_str: 'abcdef0123456789',
  total_fee: '1500',
  transaction_id: '4200000005',
  out_trade_no: 'N1_1',
  time_end: '20261123180000',
};
const aliFields = {
  notify_type: 'trade_status_sync',
  app_id: '2021000000000001',
  charset: 'utf-8',
  version: '1.0',
  sign_type: 'RSA2',
  trade_no: '2026112322005',
  out_trade_no: 'N1_1',
  trade_status: 'TRADE_SUCCESS',
  total_amount: '15.00',
  gmt_payment: '2026-11-23 18:00:00',
};
const payjsFields = {
  return_code: '1',
  total_fee: '1500',
  out_trade_no: 'N1_1',
  payjs_order_id: 'PJ5',
  transaction_id: '4200000006',
  time_end: '2026-11-23 18:00:00',
  mchid: '1500000001',
};

const cases: readonly VerifierCase[] = [
  {
    name: 'wxpay',
    verifier: createWxpayNotifyVerifier(wxpayTestConfig('https://api.mch.weixin.qq.com')),
    transactionField: 'transaction_id',
    body: (omit) => {
      const fields = without(wxFields, omit);
      return buildWxpayXml({ ...fields, sign: v2Sign(fields, WX_KEY, 'MD5') });
    },
  },
  {
    name: 'alipay',
    verifier: createAlipayNotifyVerifier(alipayTestConfig('https://openapi.alipay.com/gateway.do')),
    transactionField: 'trade_no',
    body: (omit) => {
      const fields = without(aliFields, omit);
      const sign = rsa2Sign(alipaySigningString(fields, ['sign', 'sign_type']), platformKeys.privateKey);
      return new URLSearchParams({ ...fields, sign }).toString();
    },
  },
  {
    name: 'payjs',
    verifier: createPayjsNotifyVerifier(
      parsePayjsConfig({ provider: 'payjs', mchid: '1500000001', key: PAYJS_KEY }),
    ),
    transactionField: 'payjs_order_id',
    body: (omit) => {
      const fields = without(payjsFields, omit);
      return new URLSearchParams({ ...fields, sign: v2Sign(fields, PAYJS_KEY, 'MD5') }).toString();
    },
  },
];

describe.each(cases)(
  '$name notification: paid only when complete',
  ({ verifier, transactionField, body }) => {
    it('the complete signed notification reads as paid, with its transaction id', () => {
      expect(verifier.read(body([]))).toMatchObject({ kind: 'paid', outTradeNo: 'N1_1', totalFee: 1500 });
    });

    it('without out_trade_no it is rejected', () => {
      expect(verifier.read(body(['out_trade_no']))).toEqual({
        kind: 'rejected',
        reason: 'out_trade_no missing',
      });
    });

    it('without the transaction id it is rejected', () => {
      expect(verifier.read(body([transactionField]))).toEqual({
        kind: 'rejected',
        reason: `${transactionField} missing`,
      });
    });
  },
);
