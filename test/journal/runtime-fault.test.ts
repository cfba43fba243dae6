/**
 * A journal that fails while the till runs (here SQLITE_FULL, forced with PRAGMA max_page_count, as
 * a full disk would): the journal turns unhealthy once, every later new charge is refused with the
 * typed journal_unavailable before any provider call, the service reports ready:false with the
 * reason, logs the fault with its stack, and cash sales are still recorded once space is back.
 */
import { closeSync, copyFileSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderRecord } from '../../core/domain/order.ts';
import { JournalError } from '../../core/journal/journal-errors.ts';
import { type JournalFault, SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { createHarness, type Harness, wxCode } from '../engine/harness.ts';
import { newOrderRecord } from '../fakes/journal-records.ts';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';
import { PREVIOUS_RELEASE, removeScratch, scratchDir } from './journal-files.ts';

function order(n: number): OrderRecord {
  return newOrderRecord(`FULL${n}`, 100, n, {
    subject: 'x'.repeat(200),
    custom: undefined,
    status: 1,
    tender: 'cash',
  });
}

/** Caps the file at its current size, then writes until SQLite says it is full. */
function fillUp(journal: SqliteJournal, write: (n: number) => void): unknown {
  const { page_count } = journal.db.prepare('PRAGMA page_count').get() as { page_count: number };
  journal.db.exec(`PRAGMA max_page_count = ${page_count}`);
  for (let n = 0; n < 10_000; n++) {
    try {
      write(n);
    } catch (error) {
      return error;
    }
  }
  throw new Error('the journal never filled up');
}

let h: Harness | undefined;
let s: ServiceHarness | undefined;
afterEach(async () => {
  h?.dispose();
  h = undefined;
  await s?.close();
  s = undefined;
  removeScratch();
});

describe('a storage fault at run time', () => {
  it('marks the journal unhealthy once and passes the error on typed, cause attached', () => {
    h = createHarness();
    const faults: JournalFault[] = [];
    h.journal.onFault((fault) => faults.push(fault));
    expect(h.journal.health()).toEqual({ ok: true, fault: null });
    const error = fillUp(h.journal, (n) => h!.journal.insertOrder(order(n)));
    expect(error).toBeInstanceOf(JournalError);
    expect(error).toMatchObject({ code: 'journal_unavailable', details: { sqlite: 'SQLITE_FULL' } });
    expect((error as Error).cause).toMatchObject({ errcode: 13 });
    expect(h.journal.health()).toMatchObject({
      ok: false,
      fault: { code: 'journal_unavailable', sqlite: 'SQLITE_FULL' },
    });
    expect(() => h!.journal.insertOrder(order(99_999))).toThrow(JournalError);
    expect(faults).toHaveLength(1);
  });

  it('refuses a new charge before any provider call, even after space is back', async () => {
    h = createHarness();
    fillUp(h.journal, (n) => h!.journal.insertOrder(order(n)));
    h.journal.db.exec('PRAGMA max_page_count = 1000000');
    await expect(
      h.engine.pay({ total_fee: 500, subject: 'x', out_trade_no: 'CARD1', auth_code: wxCode() }),
    ).rejects.toMatchObject({ code: 'journal_unavailable' });
    expect(h.wx.calls).toEqual([]);
    expect(h.journal.getOrder('CARD1')).toBeUndefined();
    // Cash needs no provider: it is still recorded.
    h.journal.insertOrder(order(123_456));
    expect(h.journal.getOrder('FULL123456')).toMatchObject({ tender: 'cash' });
  });

  it('turns the service not ready with journal_error, refuses card payments, keeps cash, logs the stack', async () => {
    s = await startServiceHarness();
    const journal = s.service.engine.journal as SqliteJournal;
    const health = async () => (await fetch(`${s!.server.url}/api/health`)).json();
    expect(await health()).toMatchObject({ ready: true, journal_error: null });

    const failed = fillUp(journal, (n) => journal.insertOrder(order(n)));
    expect(failed).toMatchObject({ code: 'journal_unavailable' });
    expect(await health()).toMatchObject({
      ready: false,
      journal_error: { code: 'journal_unavailable', message: expect.stringMatching(/SQLITE_FULL/) },
    });

    journal.db.exec('PRAGMA max_page_count = 1000000'); // the operator frees the disk
    const code = await s.walletCode('wxpay', 'instant');
    const card = await s.call('createPayment', {
      data: { out_trade_no: 'CARD2', total_fee: 300, subject: 'Tea', auth_code: code },
    });
    expect(card.status).toBe(503);
    expect(card.body).toMatchObject({ error: { code: 'journal_unavailable' } });
    const cash = await s.call('recordCashSale', { total_fee: 300 });
    expect(cash.status).toBe(200);

    const log = readFileSync(join(s.dataDir, 'logs', 'scanpay.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const entry = log.find((l) => l.message === 'journal fault: new charges stopped');
    expect(entry).toMatchObject({ level: 'error', sqlite: 'SQLITE_FULL' });
    expect(entry.stack).toMatch(/database or disk is full[\s\S]*\n\s+at /);
  });

  it('a read that finds a corrupt page turns the journal unhealthy too (typed, not internal_error)', () => {
    const path = join(scratchDir('corrupt-read'), 'journal.sqlite');
    copyFileSync(PREVIOUS_RELEASE, path);
    const journal = new SqliteJournal(path);
    try {
      const pages = journal.db
        .prepare("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'refunds' AND rootpage > 0")
        .all() as { rootpage: number }[];
      const fd = openSync(path, 'r+');
      for (const { rootpage } of pages)
        writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, (rootpage - 1) * 4096);
      closeSync(fd);
      expect(() => journal.refundsOf('FIX-PAID')).toThrow(
        expect.objectContaining({ code: 'journal_unavailable', details: { sqlite: 'SQLITE_CORRUPT' } }),
      );
      expect(journal.health()).toMatchObject({ ok: false, fault: { sqlite: 'SQLITE_CORRUPT' } });
      expect(() => journal.listOrders({ offset: 0, limit: 10 })).not.toThrow(); // orders are intact
    } finally {
      journal.close();
    }
  });
});
