import { XMLValidator } from 'fast-xml-parser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFaultPlan } from '../../core/sandbox/faults.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { aliCall } from './helpers/alipay-client.ts';
import { payjsCall } from './helpers/payjs-client.ts';
import { control, issueCode, orderNo, tradeOf } from './helpers/sandbox-http.ts';
import { micropayFields, wxBody, wxCall } from './helpers/wxpay-client.ts';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(async () => {
  await control(sandbox.url, '/_sandbox/faults', {});
});

async function setFaults(faults: Record<string, number>): Promise<void> {
  const { status } = await control(sandbox.url, '/_sandbox/faults', faults);
  expect(status).toBe(200);
}

async function rawMicropay(
  no: string,
  code: string,
): Promise<{ status: number; text: string } | { error: string }> {
  try {
    const response = await fetch(`${sandbox.url}/wxpay/pay/micropay`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: wxBody(sandbox.credentials, micropayFields(no, code)),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    return { error: String(error) };
  }
}

describe('fault plan', () => {
  it('draws the same faults for the same seed, and none when every rate is 0', () => {
    const config = {
      seed: 42,
      http_500_rate: 0.3,
      drop_reply_rate: 0.3,
      malformed_reply_rate: 0.3,
      bad_signature_rate: 0.3,
    };
    const a = createFaultPlan(config);
    const b = createFaultPlan(config);
    const first = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(first);
    expect(new Set(first.map((f) => f.kind)).size).toBeGreaterThan(2);
    const other = createFaultPlan({ ...config, seed: 43 });
    expect(Array.from({ length: 50 }, () => other.next())).not.toEqual(first);
    const quiet = createFaultPlan({ seed: 1 });
    expect(Array.from({ length: 20 }, () => quiet.next().kind).every((k) => k === 'none')).toBe(true);
  });
});

describe('faults on provider endpoints', () => {
  it('a dropped reply still commits the trade', async () => {
    await setFaults({ seed: 1, drop_reply_rate: 1 });
    const no = orderNo();
    const result = await rawMicropay(no, await issueCode(sandbox.url, 'wxpay'));
    expect('error' in result).toBe(true);
    expect(await tradeOf(sandbox.url, 'wxpay', no)).toMatchObject({ state: 'paid', captured_fen: 100 });
  });

  it('HTTP 500 happens sometimes before the commit and sometimes after, reproducibly by seed', async () => {
    const run = async () => {
      await setFaults({ seed: 9, http_500_rate: 1 });
      const committed: boolean[] = [];
      for (let i = 0; i < 12; i++) {
        const no = orderNo();
        const result = await rawMicropay(no, await issueCode(sandbox.url, 'wxpay'));
        expect(result).toMatchObject({ status: 500 });
        committed.push((await tradeOf(sandbox.url, 'wxpay', no)) !== undefined);
      }
      return committed;
    };
    const first = await run();
    expect(first).toContain(true);
    expect(first).toContain(false);
    expect(await run()).toEqual(first);
  });

  it('a malformed reply is unreadable, yet the trade is committed', async () => {
    await setFaults({ seed: 3, malformed_reply_rate: 1 });
    const no = orderNo();
    const result = await rawMicropay(no, await issueCode(sandbox.url, 'wxpay'));
    expect(result).toMatchObject({ status: 200 });
    expect(XMLValidator.validate((result as { text: string }).text)).not.toBe(true);
    expect((await tradeOf(sandbox.url, 'wxpay', no))?.captured_fen).toBe(100);
  });

  it('a bad signature is a well-formed reply whose sign fails, after commit, on all three protocols', async () => {
    await setFaults({ seed: 5, bad_signature_rate: 1 });
    const no = orderNo();
    const wx = await wxCall(
      sandbox.url,
      '/wxpay/pay/micropay',
      sandbox.credentials,
      micropayFields(no, await issueCode(sandbox.url, 'wxpay')),
    );
    expect(wx.params.result_code).toBe('SUCCESS');
    expect(wx.signOk).toBe(false);
    expect((await tradeOf(sandbox.url, 'wxpay', no))?.captured_fen).toBe(100);

    const ali = await aliCall(sandbox.url, sandbox.credentials, 'alipay.trade.query', { out_trade_no: 'x' });
    expect(ali.response.code).toBeDefined();
    expect(ali.signOk).toBe(false);

    const pj = await payjsCall(sandbox.url, sandbox.credentials, 'check', { out_trade_no: 'x' });
    expect(pj.json.return_code).toBe(0);
    expect(pj.signOk).toBe(false);
  });

  it('never touches /_sandbox/*, and {} clears the faults', async () => {
    await setFaults({ seed: 1, drop_reply_rate: 1, http_500_rate: 1 });
    const health = await control(sandbox.url, '/_sandbox/health');
    expect(health).toEqual({ status: 200, json: { ok: true } });
    await setFaults({});
    const wx = await wxCall(sandbox.url, '/wxpay/pay/orderquery', sandbox.credentials, {
      out_trade_no: 'none',
    });
    expect(wx.signOk).toBe(true);
  });

  it('latency delays but does not change the answer', async () => {
    await setFaults({ seed: 2, latency_ms: 30 });
    const no = orderNo();
    const wx = await wxCall(
      sandbox.url,
      '/wxpay/pay/micropay',
      sandbox.credentials,
      micropayFields(no, await issueCode(sandbox.url, 'wxpay')),
    );
    expect(wx.params.result_code).toBe('SUCCESS');
    expect(wx.signOk).toBe(true);
  });

  it('refuses nonsense fault settings with 400', async () => {
    expect((await control(sandbox.url, '/_sandbox/faults', { drop_reply_rate: 2 })).status).toBe(400);
    expect((await control(sandbox.url, '/_sandbox/faults', { explode: true })).status).toBe(400);
  });
});
