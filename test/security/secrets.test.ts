/**
 * Secrets-leak check: a realistic session on a configured merchant whose credentials we know (the
 * sandbox's, written inline into config.json as a real deployment would), then every byte the
 * service produced is searched: API replies, server-sent events, the data directory (logs,
 * settings.json, the journal and its WAL) and the error of a second service started on a broken
 * private key. None may hold the WeChat key, the PAYJS key, any 40-character slice of a private
 * key's PEM body, or the new supervisor PIN; logs and events may not hold a payment's auth code.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxProviderConfigs } from '../../core/sandbox/sandbox-provider-configs.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { type RunningApiServer, startApiServer } from '../../core/service/http/api-server.ts';
import { type KioskService, startKioskService } from '../../core/service/kiosk-service.ts';

const NEW_PIN = '43218765';
const WRONG_WXPAY_KEY = 'mistypedwxpaykeyZZ00000000000000';

let sandbox: RunningSandbox;
let service: KioskService;
let server: RunningApiServer;
let dataDir: string;
let brokenDir: string;
const replies: string[] = [];
const errors: string[] = [];
const authCodes: string[] = [];
let scannedCode = '';
let session = '';
let sseText = '';
let sseDone: Promise<void> = Promise.resolve();
const abortSse = new AbortController();

/** The body between the PEM armour lines, without line breaks. */
function pemBody(pem: string): string {
  return pem
    .split('\n')
    .filter((line) => !line.startsWith('-----'))
    .join('')
    .trim();
}

/** Every 40-character slice of `body` (step 1): one of them in the output means part of the key leaked. */
function slices(body: string, size = 40): string[] {
  const out: string[] = [];
  for (let i = 0; i + size <= body.length; i++) out.push(body.slice(i, i + size));
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

// biome-ignore lint/suspicious/noExplicitAny: the replies are read loosely, as in the service harness
async function call(op: string, body: unknown): Promise<{ status: number; body: any }> {
  // As the cashier UI: with the session the served page carries (refunds and settings take the PIN).
  if (!session) {
    const page = await (await fetch(server.url)).text();
    session = /<meta name="scanpay-session" content="([^"]+)"/.exec(page)![1]!;
  }
  const response = await fetch(`${server.url}/api/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-scanpay-session': session },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  replies.push(text);
  return { status: response.status, body: JSON.parse(text) };
}

async function walletCode(wallet: 'wxpay' | 'alipay', behavior: string): Promise<string> {
  const response = await fetch(`${sandbox.url}/_sandbox/wallet/codes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ wallet, behavior }),
  });
  const code = ((await response.json()) as { authCode: string }).authCode;
  authCodes.push(code);
  return code;
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  const providers = sandboxProviderConfigs(sandbox);
  dataDir = mkdtempSync(join(tmpdir(), 'scanpay-secrets-'));
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({
      terminal_id: 'SEC1',
      merchants: [
        { pid: 'shop', name: 'Shop', gateways: [providers.wxpay, providers.alipay] },
        { pid: 'shop-payjs', name: 'Shop PAYJS', gateways: [providers.payjs] },
        // A merchant whose WeChat key was mistyped: the provider refuses every signature.
        { pid: 'shop-typo', name: 'Typo', gateways: [{ ...providers.wxpay, key: WRONG_WXPAY_KEY }] },
      ],
    }),
  );
  service = await startKioskService({ dataDir });
  server = await startApiServer({ service, host: '127.0.0.1', port: 0 });
  const events = await fetch(`${server.url}/api/events`, { signal: abortSse.signal });
  const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
  sseDone = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        sseText += value;
      }
    } catch {
      // aborted at the end of the session
    }
  })();
});

afterAll(async () => {
  abortSse.abort();
  await sseDone;
  await server?.close();
  await service?.stop();
  await sandbox?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (brokenDir) rmSync(brokenDir, { recursive: true, force: true });
});

describe('secrets never leave the service', () => {
  it('a full session leaves no key, private key slice, PIN or auth code in anything it produced', async () => {
    const credentials = sandbox.credentials;

    // Supervisor PIN: default 0000 → 43218765, then a wrong PIN.
    const settings = await call('updateSettings', { pin: '0000', new_pin: NEW_PIN });
    expect(settings.body).toMatchObject({ ok: true, value: { pin_set: true } });
    const wrong = await call('verifyPin', { pin: '9999' });
    expect(wrong.body).toMatchObject({ ok: false, code: 'pin_invalid' });

    // Till: shift, a scanned WeChat sale, a cash sale.
    expect((await call('openShift', { cashier: 'Li', float_fee: 5000 })).body.ok).toBe(true);
    expect((await call('beginSale', { total_fee: 1200 })).body.ok).toBe(true);
    scannedCode = await walletCode('wxpay', 'instant');
    expect((await call('submitScan', { code: scannedCode, source: 'test' })).body.ok).toBe(true);
    for (let i = 0; i < 100; i++) {
      const sale = await call('getSale', {});
      if (sale.body.value?.state === 'done') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await call('getSale', {})).body.value.order).toMatchObject({ status: 1 });
    expect((await call('recordCashSale', { total_fee: 800, tendered_fee: 1000 })).body.ok).toBe(true);

    // API payments on each provider, and a declined one.
    const wx = await call('createPayment', {
      data: {
        out_trade_no: 'SECWX1',
        total_fee: 1500,
        subject: 'Tea',
        auth_code: await walletCode('wxpay', 'instant'),
      },
    });
    expect(wx.body.attempt.phase).toBe('paid');
    const ali = await call('createPayment', {
      data: {
        out_trade_no: 'SECALI1',
        total_fee: 2500,
        subject: 'Lunch',
        auth_code: await walletCode('alipay', 'instant'),
      },
    });
    expect(ali.body.attempt.phase).toBe('paid');
    const payjs = await call('createPayment', {
      data: {
        out_trade_no: 'SECPJ1',
        total_fee: 900,
        subject: 'Snack',
        pid: 'shop-payjs',
        auth_code: await walletCode('wxpay', 'instant'),
      },
    });
    expect(payjs.body.attempt.phase).toBe('paid');
    const poor = await call('createPayment', {
      data: {
        out_trade_no: 'SECWX2',
        total_fee: 700,
        subject: 'x',
        auth_code: await walletCode('wxpay', 'insufficient_funds'),
      },
    });
    expect(poor.body.attempt.phase).toBe('failed');
    const typo = await call('createPayment', {
      data: {
        out_trade_no: 'SECTYPO1',
        total_fee: 300,
        subject: 'x',
        pid: 'shop-typo',
        auth_code: await walletCode('wxpay', 'instant'),
      },
    });
    expect(typo.body.attempt?.phase ?? typo.body.error_code).not.toBe('paid');
    if (typo.body.code !== 0) errors.push(typo.body.msg);

    // Refunds: one with a wrong PIN (refused), one with the right PIN.
    const refused = await call('refund', { out_trade_no: 'SECWX1', refund_fee: 100, pin: '1111' });
    expect(refused.body).toMatchObject({ code: 401, error_code: 'pin_invalid' });
    errors.push(refused.body.msg);
    const refunded = await call('refund', { out_trade_no: 'SECALI1', refund_fee: 500, pin: NEW_PIN });
    expect(refunded.body).toMatchObject({ code: 0, status: 'succeeded' });
    await call('queryPayment', { out_trade_no: 'SECWX1', pay_order_info: true });
    await call('listOrders', {});
    const exported = await call('exportOrders', {});
    expect(exported.body.value.count).toBeGreaterThanOrEqual(4);
    await call('getSettings', {});
    await call('closeShift', { counted: { cash: 5800 } });

    // A second service on a config whose Alipay private key is damaged: capture its error.
    brokenDir = mkdtempSync(join(tmpdir(), 'scanpay-secrets-broken-'));
    const body = pemBody(credentials.alipay.app_private_key);
    const broken = `-----BEGIN PRIVATE KEY-----\n${body.slice(0, Math.floor(body.length / 2))}\n-----END PRIVATE KEY-----\n`;
    writeFileSync(
      join(brokenDir, 'config.json'),
      JSON.stringify({
        merchants: [
          { pid: 'bad', gateways: [{ ...sandboxProviderConfigs(sandbox).alipay, app_private_key: broken }] },
        ],
      }),
    );
    let brokenError: unknown;
    try {
      const started = await startKioskService({ dataDir: brokenDir });
      await started.stop();
    } catch (error) {
      brokenError = error;
    }
    expect(brokenError).toBeInstanceOf(Error);
    const brokenMessage = String((brokenError as Error).message);
    errors.push(brokenMessage, JSON.stringify(brokenError), String((brokenError as Error).stack));

    // Let the last events arrive, then collect everything.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const files = [...filesUnder(dataDir), ...filesUnder(brokenDir)].filter(
      (f) => !f.endsWith('config.json'),
    );
    const fileTexts = files.map((f) => ({ f, text: readFileSync(f).toString('latin1') }));
    const logs = fileTexts.filter(({ f }) => f.includes(`${join('logs', '')}`));
    expect(logs.length).toBeGreaterThan(0);
    expect(sseText).toContain('"kind":"attempt"');

    const everything = [
      ...replies.map((text, i) => ({ where: `reply ${i}`, text })),
      ...errors.map((text, i) => ({ where: `error ${i}`, text })),
      { where: 'events', text: sseText },
      ...fileTexts.map(({ f, text }) => ({ where: f, text })),
    ];
    const secrets = [
      { name: 'WeChat key', values: [credentials.wxpay.key] },
      { name: 'PAYJS key', values: [credentials.payjs.key] },
      { name: 'mistyped WeChat key', values: [WRONG_WXPAY_KEY] },
      { name: 'Alipay private key', values: slices(body) },
      { name: 'WeChat client private key', values: slices(pemBody(credentials.wxpay.client_key_pem)) },
    ];
    const leaks: string[] = [];
    for (const { where, text } of everything) {
      for (const { name, values } of secrets) {
        if (values.some((v) => text.includes(v))) leaks.push(`${name} in ${where}`);
      }
      // The PIN as a number of its own (not inside a timestamp or a hash's digits).
      if (/(?<![0-9])43218765(?![0-9])/.test(text)) leaks.push(`PIN in ${where}`);
    }
    for (const { where, text } of [
      { where: 'events', text: sseText },
      ...logs.map(({ f, text }) => ({ where: f, text })),
    ]) {
      for (const code of authCodes)
        if (text.includes(code)) leaks.push(`auth code ${code.slice(0, 4)}… in ${where}`);
    }
    // The detector itself works: config.json (left out above) holds every one of these secrets.
    const configText = readFileSync(join(dataDir, 'config.json'), 'utf8');
    for (const { name, values } of secrets) {
      expect(
        values.some((v) => configText.includes(v)),
        name,
      ).toBe(true);
    }
    expect(leaks).toEqual([]);
    expect(sseText).toMatch(/"kind":"scan"/);
    // The scan event carries the masked code instead (first digits and last digits only).
    const masked = /"code_masked":"([^"]+)"/.exec(sseText)?.[1] ?? '';
    expect(masked.slice(0, 2)).toBe(scannedCode.slice(0, 2));
    expect(masked).not.toBe(scannedCode);
  });
});
