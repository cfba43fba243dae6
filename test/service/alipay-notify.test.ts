/**
 * Alipay notifications (docs/protocols.md §4): a correctly signed notification is booked only for
 * this merchant: app_id is ours, and auth_app_id (the merchant whose trade it is; in service-provider
 * mode the authorising merchant) is the configured one.
 */
import { createSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAlipayNotifyVerifier } from '../../core/gateways/alipay/alipay-notify.ts';
import { alipayTestConfig, platformKeys } from '../gateways/alipay-fixtures.ts';

const APP_ID = '2021000000000001';

/** Signed as Alipay signs notifications: every field but sign and sign_type, sorted, k=v&…. */
function notification(overrides: Record<string, string>): string {
  const fields: Record<string, string> = {
    notify_time: '2026-11-23 18:00:00',
    notify_type: 'trade_status_sync',
    notify_id: 'ac05099524730693a8b330c5ecf72da9786',
    app_id: APP_ID,
    auth_app_id: APP_ID,
    charset: 'utf-8',
    version: '1.0',
    sign_type: 'RSA2',
    trade_no: '2026112322001',
    out_trade_no: 'A100',
    trade_status: 'TRADE_SUCCESS',
    total_amount: '12.30',
    gmt_payment: '2026-11-23 18:00:00',
    ...overrides,
  };
  const content = Object.keys(fields)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
  const sign = createSign('RSA-SHA256').update(content, 'utf8').sign(platformKeys.privateKey, 'base64');
  return new URLSearchParams({ ...fields, sign }).toString();
}

describe('alipay notify: whose notification it is', () => {
  const verifier = createAlipayNotifyVerifier(alipayTestConfig('http://127.0.0.1:1/gateway.do'));

  it('books a signed notification for this app', () => {
    expect(verifier.read(notification({}))).toMatchObject({
      kind: 'paid',
      outTradeNo: 'A100',
      totalFee: 1230,
    });
  });

  it('refuses a correctly signed notification for another app_id', () => {
    expect(verifier.read(notification({ app_id: '2021000000009999' }))).toMatchObject({ kind: 'rejected' });
  });

  it('refuses a correctly signed notification whose auth_app_id is another merchant', () => {
    expect(verifier.read(notification({ auth_app_id: '2021000000009999' }))).toMatchObject({
      kind: 'rejected',
    });
  });

  it('service-provider mode: app_id is the ISV app, auth_app_id must be the configured merchant', () => {
    const isv = createAlipayNotifyVerifier(
      alipayTestConfig('http://127.0.0.1:1/gateway.do', {
        app_auth_token: '202611BBa7c0b3c6e7e84b4bb4b3b1e1c1d1X00',
        auth_app_id: '2021000000000777',
      }),
    );
    expect(isv.read(notification({ auth_app_id: '2021000000000777' }))).toMatchObject({ kind: 'paid' });
    expect(isv.read(notification({ auth_app_id: APP_ID }))).toMatchObject({ kind: 'rejected' });
    expect(isv.read(notification({ auth_app_id: '' }))).toMatchObject({ kind: 'rejected' });
  });
});
