/**
 * The journal under real processes: a writer SIGKILLed inside a transaction leaves a journal that
 * reopens consistent (the committed charges, nothing of the torn one); a second connection reads
 * committed data while a writer holds a transaction (WAL: readers never wait); and online backups
 * taken while another process keeps charging are whole (every order with its attempt and intent).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { backupJournal } from '../../core/journal/backup-journal.ts';
import { openJournal } from '../../core/journal/open-journal.ts';
import { ROOT, removeScratch, scratchDir } from './journal-files.ts';

const node = join(ROOT, 'node_modules', '.bin', 'node');
const writerScript = join(ROOT, 'test/journal/journal-writer.ts');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  removeScratch();
});

/** Starts the writer and resolves once it printed a line matching `ready`. */
function startWriter(args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(node, [writerScript, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) resolve(child);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`writer exited ${code}: ${err}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    }
  });
}

/** Orders, attempts and intent steps seen in one read transaction. */
function counts(db: DatabaseSync): { orders: number; attempts: number; intents: number } {
  db.exec('BEGIN');
  try {
    const n = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
    return {
      orders: n('SELECT count(*) AS n FROM orders'),
      attempts: n('SELECT count(*) AS n FROM attempts'),
      intents: n("SELECT count(*) AS n FROM steps WHERE step = 'intent'"),
    };
  } finally {
    db.exec('COMMIT');
  }
}

describe('the journal across processes', () => {
  it('reopens consistent after the writer is SIGKILLed inside a transaction', async () => {
    const dir = scratchDir('crash');
    const path = join(dir, 'journal.sqlite');
    const writer = await startWriter([path, 'hang', '5'], /inside/);
    await killed(writer);
    const journal = openJournal(dir); // quick_check passes: no refusal
    expect(counts(journal.db)).toEqual({ orders: 5, attempts: 5, intents: 5 });
    expect(journal.getOrder('TORN0')).toBeUndefined();
    expect(journal.unresolvedAttempts().map((a) => a.outTradeNo)).toEqual([
      'W0-1',
      'W1-1',
      'W2-1',
      'W3-1',
      'W4-1',
    ]);
    journal.close();
  });

  it('lets a second connection read, without waiting, while a writer holds a transaction', async () => {
    const dir = scratchDir('readers');
    const path = join(dir, 'journal.sqlite');
    await startWriter([path, 'hang', '3'], /inside/);
    const reader = new DatabaseSync(path, { readOnly: true });
    reader.exec('PRAGMA busy_timeout = 0'); // a blocked read would fail at once with SQLITE_BUSY
    expect(counts(reader)).toEqual({ orders: 3, attempts: 3, intents: 3 });
    reader.close();
  });

  it('reads a consistent snapshot each time while another process keeps charging', async () => {
    const dir = scratchDir('readers');
    const path = join(dir, 'journal.sqlite');
    await startWriter([path, 'loop'], /wrote 51/);
    const reader = new DatabaseSync(path, { readOnly: true });
    reader.exec('PRAGMA busy_timeout = 0');
    let last = 0;
    for (let i = 0; i < 40; i++) {
      const seen = counts(reader);
      expect(seen.attempts).toBe(seen.orders);
      expect(seen.intents).toBe(seen.orders);
      expect(seen.orders).toBeGreaterThanOrEqual(last);
      last = seen.orders;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    reader.close();
  });

  it('takes whole online backups while another process keeps charging', async () => {
    const dir = scratchDir('backup');
    const path = join(dir, 'journal.sqlite');
    await startWriter([path, 'loop'], /wrote 51/);
    let last = 0;
    for (let i = 0; i < 5; i++) {
      const copy = await backupJournal(path, join(dir, `copy-${i}.sqlite`));
      const db = new DatabaseSync(copy.path, { readOnly: true });
      const seen = counts(db);
      db.close();
      expect(seen.orders).toBe(copy.orders);
      expect(seen.attempts).toBe(seen.orders);
      expect(seen.intents).toBe(seen.orders);
      expect(seen.orders).toBeGreaterThanOrEqual(last);
      last = seen.orders;
    }
    expect(last).toBeGreaterThan(0);
  });
});
