/**
 * Power cut with a wxpay_v3 merchant: `scanpay serve` is SIGKILLed while the customer types the
 * password, the customer confirms while it is down, and the restarted service recovers the attempt
 * over APIv3 (query by out_trade_no) to PAID, agreeing with the sandbox (its own process).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const children: ChildProcess[] = [];
const dirs: string[] = [];

interface OrderView {
  readonly live_attempt: unknown;
  readonly status: number;
  readonly attempts: readonly { readonly phase: string }[];
}
interface SandboxTrade {
  readonly provider: string;
  readonly out_trade_no: string;
  readonly captured_fen: number;
  readonly refunded_fen: number;
}

function start(args: string[]): Promise<{ child: ChildProcess; line: Record<string, string> }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'scanpay.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    createInterface({ input: child.stdout! }).once('line', (line) =>
      resolve({ child, line: JSON.parse(line) }),
    );
    child.once('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${stderr}`)));
  });
}

async function post<T = Record<string, unknown>>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as T;
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('SIGKILL in the middle of a wxpay_v3 password payment', () => {
  it('ends PAID after a restart and agrees with the sandbox', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scanpay-v3-kill-'));
    dirs.push(dataDir);
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify({
        merchants: [{ pid: 'shop-v3', gateways: [{ provider: 'wxpay_v3', sandbox: true }] }],
      }),
    );
    const sandbox = await start(['sandbox', '--port', '0']);
    const sandboxUrl = sandbox.line.url!;
    const serve = () => start(['serve', '--port', '0', '--data', dataDir, '--sandbox', sandboxUrl]);
    const first = await serve();
    const { authCode } = await post<{ authCode: string }>(`${sandboxUrl}/_sandbox/wallet/codes`, {
      wallet: 'wxpay',
      behavior: 'password',
    });
    const created = await post(`${first.line.url}/api/createPayment`, {
      data: { out_trade_no: 'V3KILL1', total_fee: 4200, subject: 'power cut', auth_code: authCode },
    });
    expect(created).toMatchObject({ provider: 'wxpay_v3', attempt: { phase: 'polling' } });

    await killed(first.child);
    await post(`${sandboxUrl}/_sandbox/wallet/confirm`, { authCode });
    const second = await serve();
    let order: OrderView = { live_attempt: 'unread', status: -1, attempts: [] };
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      order = (
        await post<{ value: OrderView }>(`${second.line.url}/api/getOrder`, { out_trade_no: 'V3KILL1' })
      ).value;
      if (!order.live_attempt) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(order.live_attempt).toBeNull();
    expect(order.status).toBe(1);
    expect(order.attempts.map((a) => a.phase)).toEqual(['paid']);
    const trades = (await (await fetch(`${sandboxUrl}/_sandbox/trades`)).json()).trades as SandboxTrade[];
    const trade = trades.find((t) => t.provider === 'wxpay_v3' && t.out_trade_no === 'V3KILL1');
    expect(trade && trade.captured_fen - trade.refunded_fen).toBe(4200);
    await killed(second.child);
    await killed(sandbox.child);
  }, 40_000);
});
