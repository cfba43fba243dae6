/**
 * WeChat Pay APIv3 service-provider mode (服务商, docs/protocols.md §3): the adapter configured as
 * the sandbox's sub-merchant calls /v3/pay/partner/transactions/... and refunds with sub_mchid; the
 * sandbox checks the sub-merchant belongs to the service provider and keeps each account's trades
 * apart; a reply or notification naming another account is never booked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wxpayV3AccountProblem } from '../../core/gateways/wxpay-v3/wxpay-v3-account.ts';
import { parseWxpayV3Config } from '../../core/gateways/wxpay-v3/wxpay-v3-config.ts';
import { createWxpayV3Gateway } from '../../core/gateways/wxpay-v3/wxpay-v3-gateway.ts';
import { readWxpayV3Notification } from '../../core/gateways/wxpay-v3/wxpay-v3-notify.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import {
  sandboxProviderConfigs,
  sandboxWxpayV3PartnerConfig,
} from '../../core/sandbox/sandbox-provider-configs.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { wxpayV3Notification } from '../../core/sandbox/wxpay-v3-protocol.ts';
import { chargeFreshCode, confirmPassword, nextOutTradeNo } from './sandbox-helpers.ts';

let sandbox: RunningSandbox;
let partner: PaymentGateway;
let direct: PaymentGateway;

function partnerConfig(overrides: Record<string, unknown> = {}) {
  return parseWxpayV3Config({ ...sandboxWxpayV3PartnerConfig(sandbox), ...overrides });
}

beforeAll(async () => {
  sandbox = await startSandbox();
  partner = createWxpayV3Gateway(partnerConfig());
  direct = createWxpayV3Gateway(parseWxpayV3Config(sandboxProviderConfigs(sandbox).wxpay_v3));
});
afterAll(() => sandbox.close());

const charge = (behaviour: 'instant' | 'password' | 'insufficient_funds', fee: number, gw = partner) =>
  chargeFreshCode(sandbox, gw, { wallet: 'wxpay', prefix: 'SP', subject: '服务商 Tea' }, behaviour, fee);

describe('wxpay_v3 sub-merchant against the sandbox', () => {
  it('pays under the sub-merchant; the sandbox books it to sub_mchid; the query agrees', async () => {
    const { outTradeNo, outcome } = await charge('instant', 1500);
    expect(outcome).toMatchObject({ kind: 'paid', totalFee: 1500, buyerId: expect.any(String) });
    const trade = sandbox.ledger.find('wxpay_v3', outTradeNo);
    expect(trade?.echo.sub_mchid).toBe(sandbox.credentials.wxpay_v3.sub_mchid);
    expect(await partner.query({ outTradeNo })).toMatchObject({ kind: 'paid', totalFee: 1500 });
  });

  it("the direct merchant does not see the sub-merchant's trade, nor the reverse", async () => {
    const { outTradeNo } = await charge('instant', 40);
    expect(await direct.query({ outTradeNo })).toMatchObject({ kind: 'not_found' });
    const own = await charge('instant', 41, direct);
    expect(await partner.query({ outTradeNo: own.outTradeNo })).toMatchObject({ kind: 'not_found' });
  });

  it('USERPAYING is pending until the customer confirms; a decline is final', async () => {
    const { authCode, outTradeNo, outcome } = await charge('password', 700);
    expect(outcome).toEqual({ kind: 'pending', providerCode: 'USERPAYING' });
    await confirmPassword(sandbox, authCode);
    expect(await partner.query({ outTradeNo })).toMatchObject({ kind: 'paid', totalFee: 700 });
    expect((await charge('insufficient_funds', 800)).outcome).toMatchObject({
      kind: 'failed',
      providerCode: 'NOT_ENOUGH',
    });
  });

  it('reverse through the partner path: reversed, then REVOKED', async () => {
    const { outTradeNo } = await charge('instant', 90);
    expect(await partner.reverse({ outTradeNo })).toEqual({ kind: 'reversed' });
    expect(await partner.query({ outTradeNo })).toEqual({ kind: 'closed', providerCode: 'REVOKED' });
    expect(sandbox.ledger.find('wxpay_v3', outTradeNo)?.state).toBe('reversed');
  });

  it('Native QR and close under the sub-merchant', async () => {
    const outTradeNo = nextOutTradeNo('SPQR');
    const created = await partner.precreate({
      outTradeNo,
      totalFee: 600,
      subject: 'QR',
      notifyUrl: 'http://127.0.0.1:9/notify',
    });
    expect(created).toMatchObject({ kind: 'created', qrCode: expect.stringMatching(/^weixin:\/\//) });
    expect(await partner.close({ outTradeNo })).toEqual({ kind: 'closed' });
    expect(await partner.query({ outTradeNo })).toEqual({ kind: 'closed', providerCode: 'CLOSED' });
  });

  it('refunds name sub_mchid: refunded, confirmed by the refund query; the direct merchant finds no such refund', async () => {
    const { outTradeNo } = await charge('instant', 1000);
    const outRefundNo = nextOutTradeNo('SPRF');
    expect(await partner.refund({ outTradeNo, outRefundNo, totalFee: 1000, refundFee: 250 })).toMatchObject({
      kind: 'succeeded',
    });
    expect(await partner.queryRefund({ outTradeNo, outRefundNo })).toMatchObject({ kind: 'succeeded' });
    expect(await direct.queryRefund({ outTradeNo, outRefundNo })).toMatchObject({ kind: 'not_found' });
    expect(
      await direct.refund({ outTradeNo, outRefundNo: nextOutTradeNo('DRF'), totalFee: 1000, refundFee: 1 }),
    ).toMatchObject({ kind: 'failed', providerCode: 'RESOURCE_NOT_EXISTS' });
    expect(sandbox.ledger.find('wxpay_v3', outTradeNo)?.refunded_fen).toBe(250);
  });

  it('a sub-merchant the service provider does not serve is refused (NO_AUTH) and nothing is charged', async () => {
    const stranger = createWxpayV3Gateway(partnerConfig({ sub_mchid: '19999999' }));
    const { outTradeNo, outcome } = await charge('instant', 100, stranger);
    expect(outcome).toMatchObject({ kind: 'failed', providerCode: 'NO_AUTH' });
    expect(sandbox.ledger.find('wxpay_v3', outTradeNo)).toBeUndefined();
  });

  it("the partner notification decrypts and names the sub-merchant; another shop's config rejects it", async () => {
    const { outTradeNo } = await charge('instant', 321);
    const trade = sandbox.ledger.find('wxpay_v3', outTradeNo)!;
    const { serverKeys } = await import('../../core/sandbox/sandbox-credentials.ts').then((m) =>
      m.loadSandboxKeys(),
    );
    const signed = wxpayV3Notification(
      trade,
      sandbox.credentials.wxpay_v3,
      serverKeys.wxpayV3SigningKey,
      Date.now(),
    );
    expect(readWxpayV3Notification(partnerConfig(), signed.body)).toMatchObject({
      kind: 'paid',
      outTradeNo,
      totalFee: 321,
    });
    expect(readWxpayV3Notification(partnerConfig({ sub_mchid: '10000999' }), signed.body)).toEqual({
      kind: 'rejected',
      reason: 'notification is for another sub_mchid',
    });
    const directConfig = parseWxpayV3Config(sandboxProviderConfigs(sandbox).wxpay_v3);
    expect(readWxpayV3Notification(directConfig, signed.body)).toMatchObject({ kind: 'rejected' });
  });
});

describe('which account a reply names', () => {
  const account = {
    appid: 'wxsp',
    mchid: '1900000100',
    partner: { sub_mchid: '1900000109', sub_appid: undefined },
  };
  const mine = { sp_appid: 'wxsp', sp_mchid: '1900000100', sub_mchid: '1900000109' };

  it('accepts our own ids, and a reply that names none (error bodies)', () => {
    expect(wxpayV3AccountProblem(account, mine, true)).toBeUndefined();
    expect(wxpayV3AccountProblem(account, { code: 'SYSTEM_ERROR' }, false)).toBeUndefined();
  });

  it('refuses another sub-merchant, another service provider, and a direct-merchant reply', () => {
    expect(wxpayV3AccountProblem(account, { ...mine, sub_mchid: '1900000110' }, false)).toBe(
      'is for another sub_mchid',
    );
    expect(wxpayV3AccountProblem(account, { ...mine, sp_mchid: '1' }, false)).toBe('is for another sp_mchid');
    expect(wxpayV3AccountProblem(account, { appid: 'wxsp', mchid: '1900000109' }, false)).toMatch(
      /direct merchant/,
    );
  });

  it('a direct merchant refuses a reply naming a sub-merchant; a notification must name its ids', () => {
    const directAccount = { appid: 'wxd', mchid: '1900000100', partner: undefined };
    expect(wxpayV3AccountProblem(directAccount, mine, false)).toMatch(/sub-merchant/);
    expect(wxpayV3AccountProblem(directAccount, { out_trade_no: 'x' }, true)).toBe('is for another appid');
  });
});

describe('service-provider config is refused at start when inconsistent', () => {
  const base = () => {
    const { sp_appid: _a, sp_mchid: _m, sub_mchid: _s, ...keys } = sandboxWxpayV3PartnerConfig(sandbox);
    return keys;
  };

  it('a sub_mchid without its service provider names sp_mchid', () => {
    expect(() => parseWxpayV3Config({ ...base(), sp_appid: 'wxsp', sub_mchid: '10000101' })).toThrow(
      /sp_mchid: is required in service-provider mode \(sub_mchid given without it\)/,
    );
  });

  it('direct appid/mchid mixed with a sub_mchid names the direct key', () => {
    expect(() =>
      parseWxpayV3Config({ ...base(), appid: 'wxd', mchid: '10000100', sub_mchid: '10000101' }),
    ).toThrow(/appid: is for a direct merchant; this config names sub_mchid/);
  });

  it("the service provider's own mchid as sub_mchid is refused", () => {
    expect(() =>
      parseWxpayV3Config({ ...base(), sp_appid: 'wxsp', sp_mchid: '10000100', sub_mchid: '10000100' }),
    ).toThrow(/sub_mchid: is the service provider's own mchid/);
  });

  it('a partner config parses with the service provider as the calling account', () => {
    const config = partnerConfig({ sub_appid: 'wxsub' });
    expect(config.mchid).toBe(sandbox.credentials.wxpay_v3.mchid);
    expect(config.appid).toBe(sandbox.credentials.wxpay_v3.sp_appid);
    expect(config.partner).toEqual({ sub_mchid: sandbox.credentials.wxpay_v3.sub_mchid, sub_appid: 'wxsub' });
  });
});
