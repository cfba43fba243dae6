/**
 * `scanpay backup` while the service runs: a real SQLite journal being written by a live service,
 * copied by the CLI in another process; the copy opens, passes its integrity check and holds the
 * paid orders exactly as the service reports them; the service keeps taking payments.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { type ServiceHarness, startServiceHarness } from './service-harness.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pinnedNode = join(ROOT, 'node_modules', '.bin', 'node');
const node = existsSync(pinnedNode) ? pinnedNode : process.execPath;

function backupCli(...args: string[]): { status: number | null; json: Record<string, any> } {
  const run = spawnSync(node, ['bin/scanpay.js', 'backup', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: run.status, json: JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') };
}

let h: ServiceHarness;
let scratch: string;
const secretFile = () => join(scratch, 'paid-secret.txt');

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'scanpay-backup-'));
  writeFileSync(secretFile(), 'a-paid-action-secret-0123456789\n');
  h = await startServiceHarness({
    config: {
      paid_actions: {
        goods: [{ kind: 'http', url: 'http://127.0.0.1:9/paid', secret: `file:${secretFile()}` }],
      },
    },
  });
  for (const [orderNo, wallet] of [
    ['BK1', 'wxpay'],
    ['BK2', 'alipay'],
  ] as const) {
    const code = await h.walletCode(wallet, 'instant');
    const paid = await h.call('createPayment', {
      data: { out_trade_no: orderNo, total_fee: 1234, subject: 'Tea', type: 'misc', auth_code: code },
    });
    expect(paid.body.attempt.phase).toBe('paid');
  }
});

afterAll(async () => {
  await h?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('scanpay backup', () => {
  it('copies the live journal consistently, with config and settings, and lists key files it left', async () => {
    const out = join(scratch, 'usb');
    const { status, json } = backupCli('--data', h.dataDir, '--out', out);
    expect(status).toBe(0);
    expect(json).toMatchObject({ ok: true, files: expect.arrayContaining(['config.json']) });
    expect(json.not_copied).toEqual([secretFile()]);
    expect(json.journal.orders).toBeGreaterThanOrEqual(2);
    expect(json.dir.startsWith(out)).toBe(true);
    // config.json may hold inline secrets: the copies are the owner's only.
    for (const name of ['config.json', 'journal.sqlite'])
      expect(statSync(join(json.dir, name)).mode & 0o077).toBe(0);

    const copy = new SqliteJournal(join(json.dir, 'journal.sqlite'));
    try {
      for (const orderNo of ['BK1', 'BK2']) {
        const live = (await h.call('getOrder', { out_trade_no: orderNo })).body.value;
        const saved = copy.getOrder(orderNo);
        expect(saved).toMatchObject({ status: 1, totalFee: 1234, transactionId: live.transaction_id });
      }
    } finally {
      copy.close();
    }

    // The service did not notice: it keeps taking payments on the same journal.
    const code = await h.walletCode('wxpay', 'instant');
    const after = await h.call('createPayment', {
      data: { out_trade_no: 'BK3', total_fee: 100, subject: 'Tea', type: 'misc', auth_code: code },
    });
    expect(after.body.attempt.phase).toBe('paid');
    // A second backup a moment later gets its own directory, never overwriting the first.
    const second = backupCli('--data', h.dataDir, '--out', out);
    expect(second.status).toBe(0);
    expect(second.json.dir).not.toBe(json.dir);
    expect(second.json.journal.orders).toBe(json.journal.orders + 1);
  });

  it('says there is no journal, exits 1 and leaves no half-made backup', () => {
    const out = join(scratch, 'empty-out');
    const { status, json } = backupCli('--data', join(scratch, 'no-such-terminal'), '--out', out);
    expect(status).toBe(1);
    expect(json).toMatchObject({ ok: false, error: { code: 'journal_missing' } });
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});
