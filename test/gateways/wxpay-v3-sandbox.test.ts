import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseWxpayV3Config } from '../../core/gateways/wxpay-v3/wxpay-v3-config.ts';
import { createWxpayV3Gateway } from '../../core/gateways/wxpay-v3/wxpay-v3-gateway.ts';
import { type Clock, systemClock } from '../../core/ports/clock.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import { sandboxProviderConfigs } from '../../core/sandbox/sandbox-provider-configs.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import {
  advanceSandboxTime,
  type Behaviour,
  chargeFreshCode,
  confirmPassword,
  issueCode,
  nextOutTradeNo,
  setFaults,
  transportFaultTests,
} from './sandbox-helpers.ts';

let sandbox: RunningSandbox;
let gateway: PaymentGateway;

function configFor(timeoutMs: number, overrides: Record<string, unknown> = {}) {
  return parseWxpayV3Config({
    ...sandboxProviderConfigs(sandbox).wxpay_v3,
    timeouts: { micropay_ms: timeoutMs, other_ms: timeoutMs },
    ...overrides,
  });
}

function gatewayFor(timeoutMs: number, clock: Clock = systemClock): PaymentGateway {
  return createWxpayV3Gateway(configFor(timeoutMs), { clock });
}

beforeAll(async () => {
  sandbox = await startSandbox();
  gateway = gatewayFor(3_000);
});
afterAll(() => sandbox.close());
beforeEach(() => setFaults(sandbox, {}));

async function charge(behavior: Behaviour, totalFee = 1230, gw = gateway) {
  return chargeFreshCode(
    sandbox,
    gw,
    { wallet: 'wxpay', prefix: 'V3', subject: '咖啡 Coffee' },
    behavior,
    totalFee,
  );
}

describe('wxpay_v3 against the sandbox', () => {
  it('instant: paid with the amount in fen, and the query agrees', async () => {
    const { outTradeNo, outcome } = await charge('instant');
    expect(outcome).toMatchObject({ kind: 'paid', totalFee: 1230 });
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'paid', totalFee: 1230 });
  });

  it('password: USERPAYING is pending, then paid once the customer confirms', async () => {
    const { authCode, outTradeNo, outcome } = await charge('password');
    expect(outcome).toEqual({ kind: 'pending', providerCode: 'USERPAYING' });
    expect(await gateway.query({ outTradeNo })).toMatchObject({
      kind: 'pending',
      providerCode: 'USERPAYING',
    });
    await confirmPassword(sandbox, authCode);
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'paid', totalFee: 1230 });
  });

  it('insufficient funds and an expired code are final declines', async () => {
    expect((await charge('insufficient_funds')).outcome).toMatchObject({
      kind: 'failed',
      providerCode: 'NOT_ENOUGH',
      decline: 'insufficient_funds',
    });
    expect((await charge('expired')).outcome).toMatchObject({ kind: 'failed', decline: 'code_expired' });
  });

  it('SYSTEM_ERROR (HTTP 500) is unknown, never failed', async () => {
    const { outTradeNo, outcome } = await charge('system_error');
    expect(outcome).toMatchObject({ kind: 'unknown' });
    expect((await gateway.query({ outTradeNo })).kind).not.toBe('failed');
  });

  it('reverse of a paid order: reversed, then the query says REVOKED (closed)', async () => {
    const { outTradeNo } = await charge('instant');
    expect(await gateway.reverse({ outTradeNo })).toEqual({ kind: 'reversed' });
    expect(await gateway.query({ outTradeNo })).toEqual({ kind: 'closed', providerCode: 'REVOKED' });
    const truth = sandbox.ledger.find('wxpay_v3', outTradeNo);
    expect(truth?.state).toBe('reversed');
  });

  it('an unknown order: query and reverse say not_found', async () => {
    const outTradeNo = nextOutTradeNo('NONE');
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'not_found' });
    expect(await gateway.reverse({ outTradeNo })).toMatchObject({ kind: 'not_found' });
  });

  it('Native QR: code_url; close closes; the query says CLOSED', async () => {
    const outTradeNo = nextOutTradeNo('QR');
    const created = await gateway.precreate({
      outTradeNo,
      totalFee: 800,
      subject: 'QR',
      notifyUrl: 'http://127.0.0.1:9/notify',
    });
    expect(created).toMatchObject({ kind: 'created', qrCode: expect.stringMatching(/^weixin:\/\//) });
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'pending', providerCode: 'NOTPAY' });
    expect(await gateway.close({ outTradeNo })).toEqual({ kind: 'closed' });
    expect(await gateway.query({ outTradeNo })).toEqual({ kind: 'closed', providerCode: 'CLOSED' });
  });

  it('partial refund, confirmed by refund query; too much is refused; unknown refund is not_found', async () => {
    const { outTradeNo } = await charge('instant', 1000);
    const outRefundNo = nextOutTradeNo('RF');
    const refund = { outTradeNo, outRefundNo, totalFee: 1000, refundFee: 300 };
    expect(await gateway.refund(refund)).toMatchObject({ kind: 'succeeded' });
    expect(await gateway.queryRefund({ outTradeNo, outRefundNo })).toMatchObject({ kind: 'succeeded' });
    expect(
      await gateway.refund({ ...refund, outRefundNo: nextOutTradeNo('RF'), refundFee: 800 }),
    ).toMatchObject({ kind: 'failed', providerCode: 'NOT_ENOUGH' });
    expect(await gateway.queryRefund({ outTradeNo, outRefundNo: 'NOPE1' })).toMatchObject({
      kind: 'not_found',
    });
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'refunded', totalFee: 1000 });
  });

  it('a request signed with another key is refused 401 SIGN_ERROR, which is unknown, never failed', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const forged = createWxpayV3Gateway(configFor(3_000, { private_key: other }));
    const { outTradeNo, outcome } = await charge('instant', 100, forged);
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'bad_signature' });
    expect(sandbox.ledger.find('wxpay_v3', outTradeNo)).toBeUndefined();
  });

  it('a reply verified with the wrong WeChat key is unknown (bad_signature), though the sandbox charged', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const wrong = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    const distrustful = createWxpayV3Gateway(configFor(3_000, { public_key: wrong }));
    const { outTradeNo, outcome } = await charge('instant', 100, distrustful);
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'bad_signature' });
    expect(sandbox.ledger.find('wxpay_v3', outTradeNo)?.state).toBe('paid');
  });

  it('a reply more than five minutes from our clock is unknown', async () => {
    const skewed: Clock = { ...systemClock, now: () => Date.now() + 6 * 60 * 1000 };
    const late = createWxpayV3Gateway(configFor(3_000), { clock: skewed });
    // The sandbox refuses the request too (its clock is 6 min behind ours): either way, unknown.
    const { outcome } = await charge('instant', 100, late);
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'bad_signature' });
  });

  it('lost replies: unknown → query → reverse, and the customer keeps the money', async () => {
    const authCode = await issueCode(sandbox, 'wxpay', 'instant');
    const outTradeNo = nextOutTradeNo('LOST');
    await setFaults(sandbox, { seed: 3, drop_reply_rate: 1 });
    const charged = await gateway.micropay({ outTradeNo, authCode, totalFee: 990, subject: 'x' });
    expect(charged).toMatchObject({ kind: 'unknown', reason: 'network' });
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'unknown' });
    await setFaults(sandbox, {});
    expect(await gateway.reverse({ outTradeNo })).toEqual({ kind: 'reversed' });
    expect(await gateway.query({ outTradeNo })).toEqual({ kind: 'closed', providerCode: 'REVOKED' });
    expect(sandbox.ledger.find('wxpay_v3', outTradeNo)?.state).toBe('reversed');
  });

  it('HTTP 500 on reverse is unknown, never reversed; the repeated reverse succeeds', async () => {
    const { outTradeNo } = await charge('instant', 10);
    await setFaults(sandbox, { seed: 4, http_500_rate: 1 });
    expect(await gateway.reverse({ outTradeNo })).toMatchObject({ kind: 'unknown', reason: 'http_status' });
    await setFaults(sandbox, {});
    expect(await gateway.reverse({ outTradeNo })).toEqual({ kind: 'reversed' });
  });

  describe('switch-over: replies signed by the platform certificate', () => {
    async function signer(name: string) {
      const res = await fetch(`${sandbox.url}/_sandbox/wxpay-v3/signer`, {
        method: 'POST',
        body: JSON.stringify({ signer: name }),
      });
      expect(res.status).toBe(200);
    }
    afterAll(() => signer('public_key'));

    it('a merchant holding only the platform certificate is paid; one holding only the public key is not told "paid"', async () => {
      await signer('platform_certificate');
      const certOnly = createWxpayV3Gateway(
        configFor(3_000, {
          public_key: undefined,
          public_key_id: undefined,
          platform_certificates: [sandbox.credentials.wxpay_v3.platform_certificate],
        }),
      );
      expect((await charge('instant', 20, certOnly)).outcome).toMatchObject({ kind: 'paid', totalFee: 20 });
      const keyOnly = createWxpayV3Gateway(configFor(3_000, { platform_certificates: undefined }));
      expect((await charge('instant', 20, keyOnly)).outcome).toMatchObject({
        kind: 'unknown',
        reason: 'bad_signature',
      });
    });

    it('alternating signers: a merchant holding both verifies every reply', async () => {
      await signer('alternate');
      for (let n = 0; n < 3; n++) {
        const { outTradeNo, outcome } = await charge('instant', 30);
        expect(outcome).toMatchObject({ kind: 'paid' });
        expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'paid' });
      }
    });
  });

  it('USERPAYING for N seconds: pending until the customer confirms after the delay, then paid', async () => {
    const res = await fetch(`${sandbox.url}/_sandbox/wallet/codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ wallet: 'wxpay', behavior: 'password', confirm_after_ms: 8000 }),
    });
    const { authCode } = (await res.json()) as { authCode: string };
    const outTradeNo = nextOutTradeNo('SLOW');
    expect(await gateway.micropay({ outTradeNo, authCode, totalFee: 60, subject: 'x' })).toEqual({
      kind: 'pending',
      providerCode: 'USERPAYING',
    });
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'pending' });
    await advanceSandboxTime(sandbox, 9000);
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'paid', totalFee: 60 });
  });

  it('advancing the sandbox clock (business time) does not make its signatures stale', async () => {
    const { outTradeNo } = await charge('instant', 40);
    await advanceSandboxTime(sandbox, 10 * 60 * 1000);
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'paid', totalFee: 40 });
  });

  transportFaultTests({
    wallet: 'wxpay',
    sandbox: () => sandbox,
    gateway: () => gateway,
    withTimeout: (ms) => gatewayFor(ms),
  });
});
