/**
 * Provider payment notifications on the local service (POST /notify/<pid>/<provider>): only a
 * notification signed with THAT merchant's credentials, for one of its attempts and for the
 * attempt's exact amount, books the order; replays are acknowledged without running the paid
 * callback again. Notifications are built here with the sandbox's published credentials, in the
 * shapes core/sandbox/notifications.ts sends.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderName as AnyProviderName } from '../../core/common/contract/views.ts';
import { fenToYuan } from '../../core/common/money.ts';
import { v2Sign } from '../../core/gateways/shared/v2-sign.ts';
import { alipaySigningString, rsa2Sign } from '../../core/sandbox/alipay-sign.ts';
import { loadSandboxKeys } from '../../core/sandbox/sandbox-credentials.ts';
import { buildWxpayXml } from '../../core/sandbox/wxpay-xml.ts';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';

const { credentials, serverKeys } = loadSandboxKeys();
const WRONG_KEY = 'notthemerchantkey000000000000000';
// wxpay_v3 notifications are covered in test/gateways/wxpay-v3-notify.test.ts.
type ProviderName = Exclude<AnyProviderName, 'wxpay_v3'>;
const PID: Record<ProviderName, string> = { wxpay: 'sandbox', alipay: 'sandbox', payjs: 'sandbox-payjs' };

interface NotifyParams {
  readonly outTradeNo: string;
  readonly totalFee: number;
  readonly transactionId?: string;
  /** Alipay trade_status (default TRADE_SUCCESS). */
  readonly status?: string;
  /** Sign with this key instead of the merchant's (WeChat/PAYJS) or a made-up RSA key (Alipay). */
  readonly wrongKey?: boolean;
}

// A valid RSA key that is not Alipay's: the signature parses but does not verify.
const otherRsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;

function notification(provider: ProviderName, p: NotifyParams): { contentType: string; body: string } {
  const transactionId = p.transactionId ?? `T${p.outTradeNo}`;
  switch (provider) {
    case 'wxpay': {
      const fields: Record<string, string> = {
        return_code: 'SUCCESS',
        result_code: 'SUCCESS',
        appid: credentials.wxpay.appid,
        mch_id: credentials.wxpay.mch_id,
        nonce_str: 'abcdef0123456789',
        openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
        trade_type: 'NATIVE',
        fee_type: 'CNY',
        total_fee: String(p.totalFee),
        cash_fee: String(p.totalFee),
        transaction_id: transactionId,
        out_trade_no: p.outTradeNo,
        time_end: '20261123180000',
      };
      const sign = v2Sign(fields, p.wrongKey ? WRONG_KEY : credentials.wxpay.key, 'MD5');
      return { contentType: 'text/xml; charset=utf-8', body: buildWxpayXml({ ...fields, sign }) };
    }
    case 'alipay': {
      const amount = fenToYuan(p.totalFee);
      const fields: Record<string, string> = {
        notify_time: '2026-11-23 18:00:00',
        notify_type: 'trade_status_sync',
        notify_id: 'n0123456789',
        app_id: credentials.alipay.app_id,
        charset: 'utf-8',
        version: '1.0',
        sign_type: 'RSA2',
        trade_no: transactionId,
        out_trade_no: p.outTradeNo,
        trade_status: p.status ?? 'TRADE_SUCCESS',
        total_amount: amount,
        receipt_amount: amount,
        subject: '按摩 15 分钟',
        gmt_payment: '2026-11-23 18:00:00',
      };
      const key = p.wrongKey ? otherRsaKey : serverKeys.alipayPlatformPrivateKey;
      const sign = rsa2Sign(alipaySigningString(fields, ['sign', 'sign_type']), key);
      return {
        contentType: 'application/x-www-form-urlencoded; charset=utf-8',
        body: new URLSearchParams({ ...fields, sign }).toString(),
      };
    }
    case 'payjs': {
      const fields: Record<string, string> = {
        return_code: '1',
        total_fee: String(p.totalFee),
        out_trade_no: p.outTradeNo,
        payjs_order_id: transactionId,
        transaction_id: `W${transactionId}`,
        time_end: '2026-11-23 18:00:00',
        openid: 'o7LFAwUGnmXHwPj5ZU2FO4tl6Opc',
        mchid: credentials.payjs.mchid,
      };
      const sign = v2Sign(fields, p.wrongKey ? WRONG_KEY : credentials.payjs.key, 'MD5');
      return {
        contentType: 'application/x-www-form-urlencoded; charset=utf-8',
        body: new URLSearchParams({ ...fields, sign }).toString(),
      };
    }
  }
}

function successAnswer(provider: ProviderName): RegExp {
  return provider === 'wxpay' ? /<return_code>(<!\[CDATA\[)?SUCCESS/ : /^success$/;
}

describe('provider notifications', () => {
  let h: ServiceHarness;
  let orderSeq = 0;

  beforeAll(async () => {
    h = await startServiceHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function post(path: string, contentType: string, body: string) {
    const response = await fetch(`${h.server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    return { status: response.status, text: await response.text() };
  }

  async function notify(provider: ProviderName, params: NotifyParams, pid = PID[provider]) {
    const n = notification(provider, params);
    return post(`/notify/${pid}/${provider}`, n.contentType, n.body);
  }

  async function createQr(provider: ProviderName, totalFee: number) {
    orderSeq++;
    const orderNo = `NTF${provider.toUpperCase()}${orderSeq}`;
    const created = await h.call('createPayment', {
      needQRcode: true,
      provider,
      data: { out_trade_no: orderNo, total_fee: totalFee, subject: 'Massage', pid: PID[provider] },
    });
    expect(created.status).toBe(200);
    return { orderNo, outTradeNo: created.body.attempt.out_trade_no as string };
  }

  async function order(orderNo: string) {
    const reply = await h.call('getOrder', { out_trade_no: orderNo });
    return reply.body.value;
  }

  /** The paid callback runs asynchronously after booking: wait (bounded) until it has finished. */
  async function settledCallback(orderNo: string) {
    for (let i = 0; i < 200; i++) {
      const view = await order(orderNo);
      if (view.callback?.state === 'done') return view.callback;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`callback of ${orderNo} never finished`);
  }

  for (const provider of ['wxpay', 'alipay', 'payjs'] as const) {
    it(`${provider}: rejects forged and tampered notifications, books a valid one once`, async () => {
      const { orderNo, outTradeNo } = await createQr(provider, 1500);

      // Forged: correct fields, signature from the wrong key.
      const forged = await notify(provider, { outTradeNo, totalFee: 1500, wrongKey: true });
      expect(forged.status).toBe(400);
      expect(forged.text).not.toMatch(successAnswer(provider));
      // Amount tampered and re-signed with a wrong key.
      const tampered = await notify(provider, { outTradeNo, totalFee: 1, wrongKey: true });
      expect(tampered.status).toBe(400);
      // Signature stripped entirely.
      const valid = notification(provider, { outTradeNo, totalFee: 1500 });
      const unsigned =
        provider === 'wxpay'
          ? valid.body.replace(/<sign>[^<]*<\/sign>/, '')
          : valid.body.replace(/(^|&)sign=[^&]*/, '');
      expect((await post(`/notify/${PID[provider]}/${provider}`, valid.contentType, unsigned)).status).toBe(
        400,
      );
      // Validly signed but for another amount than the attempt's: rejected too.
      const wrongAmount = await notify(provider, { outTradeNo, totalFee: 1499 });
      expect(wrongAmount.status).toBe(400);

      let view = await order(orderNo);
      expect(view.status).toBe(0);
      expect(view.callback).toBeNull();

      const booked = await notify(provider, { outTradeNo, totalFee: 1500, transactionId: `TX${orderNo}` });
      expect(booked.status).toBe(200);
      expect(booked.text).toMatch(successAnswer(provider));
      const callback = await settledCallback(orderNo);
      expect(callback).toMatchObject({ source: 'notify', runs: 1 });
      view = await order(orderNo);
      expect(view).toMatchObject({
        status: 1,
        paid_out_trade_no: outTradeNo,
        transaction_id: `TX${orderNo}`,
      });

      // The provider retries until acknowledged: a replay is acked, nothing changes.
      const replay = await notify(provider, { outTradeNo, totalFee: 1500, transactionId: `TX${orderNo}` });
      expect(replay.status).toBe(200);
      expect(replay.text).toMatch(successAnswer(provider));
      const after = await order(orderNo);
      expect(after.callback).toMatchObject({ source: 'notify', runs: 1, state: 'done' });
      expect(after.updated_at).toBe(view.updated_at);
      expect(after.attempts).toEqual(view.attempts);
    });
  }

  it('rejects a valid notification for an unknown out_trade_no or another merchant', async () => {
    const unknown = await notify('wxpay', { outTradeNo: 'NOSUCHATTEMPT', totalFee: 100 });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toMatch(/FAIL/);

    // A real attempt of the Alipay gateway, notified on the WeChat route: not that provider's attempt.
    const { orderNo, outTradeNo } = await createQr('alipay', 800);
    const crossed = await notify('wxpay', { outTradeNo, totalFee: 800 });
    expect(crossed.status).toBe(400);
    expect((await order(orderNo)).status).toBe(0);
  });

  it('answers 404 for an unknown merchant or provider, and rejects notifications for them', async () => {
    expect((await notify('wxpay', { outTradeNo: 'X', totalFee: 1 }, 'nobody')).status).toBe(404);
    // sandbox-payjs has no WeChat gateway.
    expect((await notify('wxpay', { outTradeNo: 'X', totalFee: 1 }, 'sandbox-payjs')).status).toBe(404);
    expect((await post('/notify/sandbox/bitcoin', 'text/plain', 'x')).status).toBe(404);
  });

  it('acknowledges an Alipay not-paid status without booking anything', async () => {
    const { orderNo, outTradeNo } = await createQr('alipay', 700);
    for (const status of ['WAIT_BUYER_PAY', 'TRADE_CLOSED']) {
      const reply = await notify('alipay', { outTradeNo, totalFee: 700, status });
      expect(reply).toEqual({ status: 200, text: 'success' });
    }
    const view = await order(orderNo);
    expect(view.status).toBe(0);
    expect(view.callback).toBeNull();
  });

  it('logs why a notification was rejected, but never its signature or any key', async () => {
    const { outTradeNo } = await createQr('payjs', 300);
    const forged = notification('payjs', { outTradeNo, totalFee: 300, wrongKey: true });
    const sign = new URLSearchParams(forged.body).get('sign')!;
    expect((await post('/notify/sandbox-payjs/payjs', forged.contentType, forged.body)).status).toBe(400);
    const log = readFileSync(join(h.dataDir, 'logs', 'scanpay.log'), 'utf8');
    expect(log).toContain('signature missing or invalid');
    expect(log).not.toContain(sign);
    expect(log).not.toContain(credentials.payjs.key);
    expect(log).not.toContain(credentials.wxpay.key);
  });

  it('refuses an oversized notification body (413, or the connection cut mid-upload)', async () => {
    const outcome = await post(
      '/notify/sandbox/wxpay',
      'text/xml',
      `<xml>${'a'.repeat(70 * 1024)}</xml>`,
    ).then(
      (reply) => reply.status,
      () => 'closed',
    );
    expect([413, 'closed']).toContain(outcome);
  });
});
