import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlipaySdk } from 'alipay-sdk';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v2Verify } from '../../core/gateways/shared/v2-sign.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { aliCall } from './helpers/alipay-client.ts';
import { payjsCall } from './helpers/payjs-client.ts';
import { control, orderNo } from './helpers/sandbox-http.ts';
import { wxCall } from './helpers/wxpay-client.ts';

interface Received {
  readonly path: string;
  readonly body: string;
}

let sandbox: RunningSandbox;
let merchant: Server;
let merchantUrl: string;
const received: Received[] = [];
const waiters: { path: string; resolve: (r: Received) => void }[] = [];
/** Paths whose first delivery the merchant refuses, to see the sandbox retry. */
const refuseFirst = new Set<string>();

beforeAll(async () => {
  sandbox = await startSandbox();
  merchant = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const path = req.url ?? '';
      if (refuseFirst.delete(path)) {
        res.writeHead(500).end('busy');
        return;
      }
      const entry = { path, body };
      received.push(entry);
      for (const w of waiters.filter((x) => x.path === path)) w.resolve(entry);
      res.end(path.startsWith('/wx') ? '<xml><return_code>SUCCESS</return_code></xml>' : 'success');
    });
  });
  await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
  merchantUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => merchant.close(() => resolve()));
});

function notified(path: string): Promise<Received> {
  const done = received.find((r) => r.path === path);
  if (done) return Promise.resolve(done);
  return new Promise((resolve, reject) => {
    waiters.push({ path, resolve });
    setTimeout(() => reject(new Error(`no notification on ${path}`)), 5000).unref();
  });
}

describe('QR-mode paid notifications', () => {
  it('WeChat: signed XML to notify_url, retried after a refusal', async () => {
    const no = orderNo();
    refuseFirst.add('/wx');
    const order = await wxCall(sandbox.url, '/wxpay/pay/unifiedorder', sandbox.credentials, {
      body: 'qr',
      out_trade_no: no,
      total_fee: '880',
      spbill_create_ip: '127.0.0.1',
      trade_type: 'NATIVE',
      product_id: 'P1',
      notify_url: `${merchantUrl}/wx`,
    });
    await control(sandbox.url, '/_sandbox/wallet/scan', { qr: order.params.code_url, behavior: 'instant' });
    const note = await notified('/wx');
    const params = (
      new XMLParser({ parseTagValue: false }).parse(note.body) as { xml: Record<string, string> }
    ).xml;
    expect(params).toMatchObject({
      result_code: 'SUCCESS',
      out_trade_no: no,
      total_fee: '880',
      trade_type: 'NATIVE',
    });
    expect(v2Verify(params, sandbox.credentials.wxpay.key, 'MD5')).toBe(true);
    expect(refuseFirst.has('/wx')).toBe(false);
  });

  it('Alipay: a form the official SDK verifies (checkNotifySignV2)', async () => {
    const no = orderNo();
    const order = await aliCall(
      sandbox.url,
      sandbox.credentials,
      'alipay.trade.precreate',
      { out_trade_no: no, total_amount: '6.60', subject: 'qr' },
      { notifyUrl: `${merchantUrl}/ali` },
    );
    await control(sandbox.url, '/_sandbox/wallet/scan', { qr: order.response.qr_code, behavior: 'instant' });
    const note = await notified('/ali');
    const form = Object.fromEntries(new URLSearchParams(note.body));
    expect(form).toMatchObject({ out_trade_no: no, trade_status: 'TRADE_SUCCESS', total_amount: '6.60' });
    const sdk = new AlipaySdk({
      appId: sandbox.credentials.alipay.app_id,
      privateKey: sandbox.credentials.alipay.app_private_key,
      alipayPublicKey: sandbox.credentials.alipay.alipay_public_key,
      keyType: 'PKCS8',
    });
    expect(sdk.checkNotifySignV2(form)).toBe(true);
    expect(sdk.checkNotifySignV2({ ...form, total_amount: '0.01' })).toBe(false);
  });

  it('PAYJS: a signed form after a password payment is confirmed', async () => {
    const no = orderNo();
    const order = await payjsCall(sandbox.url, sandbox.credentials, 'native', {
      total_fee: '450',
      out_trade_no: no,
      body: 'qr',
      notify_url: `${merchantUrl}/payjs`,
    });
    const scan = await control<{ authCode: string; state: string }>(sandbox.url, '/_sandbox/wallet/scan', {
      qr: order.json.code_url,
      behavior: 'password',
    });
    expect(scan.json.state).toBe('awaiting_password');
    expect(received.find((r) => r.path === '/payjs')).toBeUndefined();
    await control(sandbox.url, '/_sandbox/wallet/confirm', { authCode: scan.json.authCode });
    const form = Object.fromEntries(new URLSearchParams((await notified('/payjs')).body));
    expect(form).toMatchObject({ return_code: '1', out_trade_no: no, total_fee: '450' });
    expect(v2Verify(form, sandbox.credentials.payjs.key, 'MD5')).toBe(true);
  });
});
