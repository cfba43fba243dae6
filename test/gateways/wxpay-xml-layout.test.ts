/**
 * Whitespace between WeChat v2 elements is layout, not a field: the same signed reply or notification
 * must verify and mean the same thing pretty-printed (as WeChat's gateway and samples send it), on one
 * line, or with CRLF line ends (docs/protocols.md §2, "XML layout").
 */
import { describe, expect, it } from 'vitest';
import { v2Sign } from '../../core/gateways/shared/v2-sign.ts';
import { createWxpayNotifyVerifier } from '../../core/gateways/wxpay/wxpay-notify.ts';
import { mapMicropayReply } from '../../core/gateways/wxpay/wxpay-outcomes.ts';
import { verifyWxpayReply } from '../../core/gateways/wxpay/wxpay-transport.ts';
import { parseWxpayXml } from '../../core/gateways/wxpay/wxpay-xml.ts';
import { WX_KEY, wxpayTestConfig } from './wxpay-fixtures.ts';
import { layWxpayXml, NAMED_LAYOUTS } from './wxpay-layouts.ts';

const config = wxpayTestConfig('http://127.0.0.1:9/wxpay');

function signed(fields: Record<string, string>, signType: 'MD5' | 'HMAC-SHA256'): Record<string, string> {
  return { ...fields, sign: v2Sign(fields, WX_KEY, signType) };
}

const paidReply = signed(
  {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: 'wxd930ea5d5a258f4f',
    mch_id: '10000100',
    nonce_str: 'sthBJ9QyUG6vkrjJ',
    result_code: 'SUCCESS',
    openid: 'oUpF8uN95-Ptaags6E_roPHg7AG0',
    is_subscribe: 'Y',
    trade_type: 'MICROPAY',
    bank_type: 'CCB_DEBIT',
    total_fee: '1',
    fee_type: 'CNY',
    transaction_id: '1008450740201411110005820873',
    out_trade_no: '1415757673',
    attach: ' keeps its spaces ',
    time_end: '20141111170043',
  },
  'HMAC-SHA256',
);

const paidNotification = signed(
  {
    appid: 'wxd930ea5d5a258f4f',
    attach: '支付测试',
    bank_type: 'CFT',
    fee_type: 'CNY',
    is_subscribe: 'Y',
    mch_id: '10000100',
    nonce_str: '5d2b6c2a8db53831f7eda20af46e531c',
    openid: 'oUpF8uMEb4qRXf22hE3X68TekukE',
    out_trade_no: '1409811653',
    result_code: 'SUCCESS',
    return_code: 'SUCCESS',
    time_end: '20140903131540',
    total_fee: '1',
    trade_type: 'NATIVE',
    transaction_id: '1004400740201409030005092168',
  },
  'MD5',
);

describe('WeChat v2 XML layouts', () => {
  it.each(NAMED_LAYOUTS)('%s: the fields read are exactly the fields sent', (_name, layout) => {
    const parsed = parseWxpayXml(layWxpayXml(paidReply, layout));
    expect(parsed).toEqual({ ok: true, fields: paidReply });
  });

  it.each(NAMED_LAYOUTS)('%s: a signed paid micropay reply verifies and is paid', (_name, layout) => {
    const reply = verifyWxpayReply(config, layWxpayXml(paidReply, layout));
    expect(reply.kind).toBe('verified');
    expect(mapMicropayReply(reply, '1415757673', 1)).toEqual({
      kind: 'paid',
      transactionId: '1008450740201411110005820873',
      totalFee: 1,
      paidAt: '2014-11-11T17:00:43+08:00',
      buyerId: 'oUpF8uN95-Ptaags6E_roPHg7AG0',
    });
  });

  it.each(NAMED_LAYOUTS)('%s: a signed paid notification verifies and is paid', (_name, layout) => {
    const reading = createWxpayNotifyVerifier(config).read(layWxpayXml(paidNotification, layout));
    expect(reading).toEqual({
      kind: 'paid',
      outTradeNo: '1409811653',
      totalFee: 1,
      transactionId: '1004400740201409030005092168',
      paidAt: '2014-09-03T13:15:40+08:00',
    });
  });

  it('whitespace inside a value is part of the value and of the signature', () => {
    const spaced = layWxpayXml({ ...paidReply, attach: 'keeps its spaces' }, { between: '\n', cdata: 'all' });
    expect(verifyWxpayReply(config, spaced)).toMatchObject({ kind: 'unknown', reason: 'bad_signature' });
  });

  it.each([
    ['text mixed into the root', '<xml>stray<a>1</a></xml>', /text/],
    ['a nested element', '<xml><a><b>1</b></a></xml>', /nested/],
    ['a repeated element', '<xml><a>1</a>\n<a>2</a></xml>', /repeated/],
    ['a DOCTYPE', '<!DOCTYPE xml [<!ENTITY x "y">]><xml><a>&x;</a></xml>', /DOCTYPE/],
    ['another root', '<root><a>1</a></root>', /<xml>/],
    ['two roots', '<xml><a>1</a></xml><xml><b>2</b></xml>', /./],
  ])('refuses %s', (_name, body, problem) => {
    const parsed = parseWxpayXml(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });
});
