/**
 * A WeChat paid notification signed with our key proves who signed it, not whom it is for: a service
 * provider's key signs the notifications of all its sub-merchants. Only one for our appid, mch_id and
 * (in service-provider mode) sub_mch_id / sub_appid may book anything (docs/protocols.md §2, "Notify").
 */
import { describe, expect, it } from 'vitest';
import { v2Sign } from '../../core/gateways/shared/v2-sign.ts';
import { createWxpayNotifyVerifier } from '../../core/gateways/wxpay/wxpay-notify.ts';
import { verifyWxpayReply } from '../../core/gateways/wxpay/wxpay-transport.ts';
import { WX_KEY, wxpayTestConfig } from './wxpay-fixtures.ts';
import { layWxpayXml, OFFICIAL_LAYOUT } from './wxpay-layouts.ts';

const direct = wxpayTestConfig('http://127.0.0.1:9/wxpay');
const partner = wxpayTestConfig('http://127.0.0.1:9/wxpay', {
  sub_mch_id: '1900000109',
  sub_appid: 'wxsub1',
});

function notification(fields: Record<string, string | undefined>): string {
  const defined: Record<string, string> = {};
  for (const [name, value] of Object.entries({
    appid: 'wxd930ea5d5a258f4f',
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
    ...fields,
  })) {
    if (value !== undefined) defined[name] = value;
  }
  return layWxpayXml({ ...defined, sign: v2Sign(defined, WX_KEY, 'MD5') }, OFFICIAL_LAYOUT);
}

describe('WeChat notification addressee', () => {
  it('books a notification for our own account', () => {
    expect(createWxpayNotifyVerifier(direct).read(notification({})).kind).toBe('paid');
  });

  it.each([
    ['another appid', direct, { appid: 'wx0000000000000000' }],
    ['another mch_id', direct, { mch_id: '10000999' }],
    ['another sub_mch_id', partner, { sub_mch_id: '1900000999', sub_appid: 'wxsub1' }],
    ['no sub_mch_id in service-provider mode', partner, { sub_appid: 'wxsub1' }],
    ['another sub_appid', partner, { sub_mch_id: '1900000109', sub_appid: 'wxsub2' }],
    ['a sub_mch_id while we are a direct merchant', direct, { sub_mch_id: '1900000109' }],
  ])('refuses a correctly signed notification for %s', (_name, config, fields) => {
    const reading = createWxpayNotifyVerifier(config).read(notification(fields));
    expect(reading).toEqual({ kind: 'rejected', reason: expect.stringMatching(/another|sub_mch_id/) });
  });

  it('books a sub-merchant notification for our sub_mch_id', () => {
    const body = notification({ sub_mch_id: '1900000109', sub_appid: 'wxsub1' });
    expect(createWxpayNotifyVerifier(partner).read(body).kind).toBe('paid');
  });

  it('treats a signed reply for another sub_mch_id as a mismatch, not as ours', () => {
    const fields: Record<string, string> = {
      return_code: 'SUCCESS',
      appid: 'wxd930ea5d5a258f4f',
      mch_id: '10000100',
      sub_mch_id: '1900000999',
      nonce_str: 'x',
      result_code: 'SUCCESS',
    };
    const body = layWxpayXml({ ...fields, sign: v2Sign(fields, WX_KEY, 'HMAC-SHA256') }, OFFICIAL_LAYOUT);
    expect(verifyWxpayReply(partner, body)).toMatchObject({ kind: 'unknown', reason: 'mismatch' });
  });
});
