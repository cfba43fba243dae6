/**
 * The power-cut test: `scanpay serve` is SIGKILLed while a customer is typing the password, then
 * started again over the same data directory. The sandbox runs as its own process (its truth
 * survives). The order must end PAID or REVERSED and agree with the sandbox's ledger.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const NODE = process.execPath;
const children: ChildProcess[] = [];

function start(args: string[]): Promise<{ child: ChildProcess; line: Record<string, string> }> {
  const child = spawn(NODE, [join(ROOT, 'bin', 'scanpay.js'), ...args], {
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

async function post(url: string, body: unknown): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('SIGKILL in the middle of a password-pending payment', () => {
  for (const [wallet, confirm] of [
    ['alipay', true],
    ['alipay', false],
  ] as const) {
    it(`ends ${confirm ? 'PAID' : 'with nothing taken'} after a restart and agrees with the sandbox (${wallet}, customer ${confirm ? 'confirms while the service is down' : 'gives up'})`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'scanpay-kill-'));
      dirs.push(dataDir);
      const sandbox = await start(['sandbox', '--port', '0']);
      const sandboxUrl = sandbox.line.url!;
      const first = await start(['serve', '--port', '0', '--data', dataDir, '--sandbox', sandboxUrl]);
      const { authCode } = await post(`${sandboxUrl}/_sandbox/wallet/codes`, {
        wallet,
        behavior: 'password',
      });
      const created = await post(`${first.line.url}/api/createPayment`, {
        data: { out_trade_no: 'KILL1', total_fee: 4200, subject: 'power cut', auth_code: authCode },
      });
      expect(created.attempt.phase).toBe('polling');

      await killed(first.child);
      if (confirm) {
        await post(`${sandboxUrl}/_sandbox/wallet/confirm`, { authCode });
      } else {
        await post(`${sandboxUrl}/_sandbox/wallet/cancel`, { authCode });
      }
      const second = await start(['serve', '--port', '0', '--data', dataDir, '--sandbox', sandboxUrl]);
      let order: any;
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        order = (await post(`${second.line.url}/api/getOrder`, { out_trade_no: 'KILL1' })).value;
        if (!order.live_attempt) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(order.live_attempt).toBeNull();
      const trades = (await (await fetch(`${sandboxUrl}/_sandbox/trades`)).json()).trades as any[];
      const trade = trades.find((t) => t.out_trade_no === 'KILL1');
      if (confirm) {
        expect(order.status).toBe(1);
        expect(order.attempts[0].phase).toBe('paid');
        expect(trade.captured_fen - trade.refunded_fen).toBe(4200);
      } else {
        expect(order.status).toBe(0);
        expect(['failed', 'reversed']).toContain(order.attempts[0].phase);
        expect(trade.captured_fen - trade.refunded_fen).toBe(0);
      }
      expect(order.timeline.some((e: { op: string }) => e.op === 'query')).toBe(true);
      await killed(second.child);
      await killed(sandbox.child);
    });
  }
});
