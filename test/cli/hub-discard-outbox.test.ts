/**
 * `scanpay hub discard-outbox --terminal-id OLD`: a till whose hub is gone cannot send the changes
 * made under its old terminal id, so it could never be renamed (terminal_id_changed). The command
 * drops them, explicitly: it says how many it would drop and does nothing without --yes, refuses
 * while config.json still names OLD (the till can start and needs no discard) or while the service
 * answers at its configured address, and afterwards the till starts under its new id.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { claimOutboxTerminal } from '../../core/service/hub-outbox-terminal.ts';
import { newOrderRecord } from '../fakes/journal-records.ts';
import { ROOT, removeScratch, scratchDir } from '../journal/journal-files.ts';

afterEach(removeScratch);

const pinnedNode = join(ROOT, 'node_modules', '.bin', 'node');
const node = existsSync(pinnedNode) ? pinnedNode : process.execPath;

/** A data dir whose journal holds 2 changes made as T1 that never reached the hub; config.json names `terminalId`. */
function tillWithWaitingChanges(terminalId: string, port = 8417): string {
  const dir = scratchDir('discard-outbox');
  const journal = new SqliteJournal(join(dir, 'journal.sqlite'), { outbox: true });
  claimOutboxTerminal(journal, 'T1');
  journal.insertOrder(newOrderRecord('T1A', 100, 1000));
  journal.insertOrder(newOrderRecord('T1B', 200, 2000));
  journal.close();
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ terminal_id: terminalId, server: { host: '127.0.0.1', port } }),
  );
  return dir;
}

function discard(dir: string, ...extra: string[]) {
  const run = spawnSync(
    node,
    ['bin/scanpay.js', 'hub', 'discard-outbox', '--terminal-id', 'T1', '--data', dir, ...extra],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  const lines = run.stdout.trim().split('\n');
  return { status: run.status, stderr: run.stderr, json: JSON.parse(lines.at(-1) ?? 'null') };
}

function waiting(dir: string) {
  const journal = new SqliteJournal(join(dir, 'journal.sqlite'), { outbox: true });
  try {
    return journal.outboxTerminals();
  } finally {
    journal.close();
  }
}

describe('scanpay hub discard-outbox', () => {
  it('without --yes says how many changes it would drop and drops nothing', () => {
    const dir = tillWithWaitingChanges('T9', 1);
    const run = discard(dir);
    expect(run.status).toBe(2);
    expect(run.json).toMatchObject({ ok: false, error: { code: 'confirmation_required' } });
    expect(run.stderr).toMatch(/2 changes made as T1/);
    expect(run.stderr).toContain('--yes');
    expect(waiting(dir)).toEqual([{ terminalId: 'T1', waiting: 2 }]);
  });

  it('with --yes drops them, says how many, and the till then takes its new id', () => {
    const dir = tillWithWaitingChanges('T9', 1);
    const run = discard(dir, '--yes');
    expect(run.status).toBe(0);
    expect(run.json).toEqual({ terminal_id: 'T1', discarded: 2 });
    expect(waiting(dir)).toEqual([]);
    const journal = new SqliteJournal(join(dir, 'journal.sqlite'), { outbox: true });
    expect(() => claimOutboxTerminal(journal, 'T9')).not.toThrow();
    journal.close();
  });

  it('refuses while config.json still names that id (the till starts and sends them itself)', () => {
    const dir = tillWithWaitingChanges('T1', 1);
    const run = discard(dir, '--yes');
    expect(run.status).toBe(2);
    expect(run.json).toMatchObject({ ok: false, error: { code: 'outbox_terminal_current' } });
    expect(waiting(dir)).toEqual([{ terminalId: 'T1', waiting: 2 }]);
  });

  it('refuses while the service answers at its configured address', async () => {
    const listener = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const dir = tillWithWaitingChanges('T9', (listener.address() as AddressInfo).port);
      const run = await new Promise<ReturnType<typeof discard>>((resolve) =>
        setImmediate(() => resolve(discard(dir, '--yes'))),
      );
      expect(run.status).toBe(2);
      expect(run.json).toMatchObject({ ok: false, error: { code: 'service_running' } });
      expect(waiting(dir)).toEqual([{ terminalId: 'T1', waiting: 2 }]);
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });
});
