/**
 * End to end with the sandbox: a WeChat v2 paid notification for a micropay attempt that had ended
 * failed (the customer's balance was short). Through the real /notify route, the real verifier and
 * the real query against the sandbox:
 * - forged (signed with a key that is not the merchant's): refused, nothing changes;
 * - well signed, but the sandbox (the provider's word) says the order was never paid: answered FAIL
 *   until that query is in (WeChat repeats it), then acknowledged; the attempt stays failed and off
 *   the 待处理 list, and the log warns.
 * (test/engine/paid-after-final.test.ts covers the provider confirming the payment.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v2Sign } from '../../core/gateways/shared/v2-sign.ts';
import { buildWxpayXml } from '../../core/gateways/wxpay/wxpay-xml.ts';
import { loadSandboxKeys } from '../../core/sandbox/sandbox-credentials.ts';
import { type ServiceHarness, startServiceHarness } from './service-harness.ts';

const { credentials } = loadSandboxKeys();
let h: ServiceHarness;
let failedOutTradeNo: string;

beforeAll(async () => {
  h = await startServiceHarness({
    config: { merchants: [{ pid: 'shop', gateways: [{ provider: 'wxpay', sandbox: true }] }] },
  });
  const code = await h.walletCode('wxpay', 'insufficient_funds');
  const res = await h.call('createPayment', {
    data: { out_trade_no: 'PAF1', total_fee: 1500, subject: 'Tea', auth_code: code, pid: 'shop' },
  });
  expect(res.body.attempt.phase).toBe('failed');
  failedOutTradeNo = res.body.attempt.out_trade_no;
}, 60_000);
afterAll(() => h?.close());

function notification(key: string): string {
  const fields = {
    return_code: 'SUCCESS',
    result_code: 'SUCCESS',
    appid: credentials.wxpay.appid,
    mch_id: credentials.wxpay.mch_id,
    nonce_str: 'abcdef0123456789',
    total_fee: '1500',
    transaction_id: '4200000099',
    out_trade_no: failedOutTradeNo,
    time_end: '20261123180000',
  };
  return buildWxpayXml({ ...fields, sign: v2Sign(fields, key, 'MD5') });
}

async function post(body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${h.server.url}/notify/shop/wxpay`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body,
  });
  return { status: response.status, text: await response.text() };
}

async function attempt() {
  const order = await h.call('getOrder', { out_trade_no: 'PAF1' });
  return order.body.value.attempts.at(-1) as { phase: string; attention: { code: string } | null };
}

function logMessages(): string[] {
  return readFileSync(join(h.dataDir, 'logs', 'scanpay.log'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .map((line) => String(line.msg ?? line.message));
}

async function unresolved(): Promise<string[]> {
  const res = await h.call('listUnresolved', {});
  return (res.body.value as { out_trade_no: string }[]).map((a) => a.out_trade_no);
}

describe('a paid notification for an attempt that ended failed, with the sandbox', () => {
  it('forged (bad signature): refused; the attempt and the 待处理 list are unchanged', async () => {
    const answer = await post(notification('not-the-merchant-key-000000000000'));
    expect(answer.text).toMatch(/FAIL/);
    await h.service.engine.idle();
    expect(await attempt()).toMatchObject({ phase: 'failed', attention: null });
    expect(await unresolved()).not.toContain(failedOutTradeNo);
  });

  it('well signed but the provider says unpaid: answered FAIL until the query is in, then acknowledged; the attempt stays failed', async () => {
    // Not acknowledged before the sandbox's query answers: WeChat sends it again.
    expect((await post(notification(credentials.wxpay.key))).text).toMatch(/FAIL/);
    await h.service.engine.idle();
    expect((await post(notification(credentials.wxpay.key))).text).toMatch(/SUCCESS/);
    expect(await attempt()).toMatchObject({ phase: 'failed', attention: null });
    expect(await unresolved()).not.toContain(failedOutTradeNo);
    expect(logMessages()).toContain('paid notification for an ended attempt not confirmed by the provider');
  });
});
