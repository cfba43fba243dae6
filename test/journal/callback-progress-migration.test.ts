/**
 * The journal migration "paid callback progress": a callback row keeps the steps its handler
 * recorded (a motor that ran before a later step threw) and whether a person ordered its run, across
 * a reopen; rows a version-6 journal holds survive it having recorded nothing; a damaged progress
 * text reads as a step no handler has, never as "nothing ran" (core/journal/journal-rows.ts).
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { type CallbackRecord, UNREADABLE_PROGRESS_STEP } from '../../core/domain/order.ts';
import { MIGRATIONS, migrate } from '../../core/journal/migrations.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { newOrderRecord } from '../fakes/journal-records.ts';
import { removeScratch, scratchDir } from './journal-files.ts';

afterEach(removeScratch);

const BEFORE = MIGRATIONS.findIndex((m) => m.name === 'paid callback progress');

const retrying: CallbackRecord = {
  orderNo: 'T1A',
  state: 'retrying',
  source: 'query',
  runs: 1,
  userOrderSuccess: null,
  lastError: 'paid action POST answered HTTP 503',
  nextRunAt: 5000,
  updatedAt: 2000,
};

describe('journal migration: paid callback progress', () => {
  it('keeps a version-6 journal’s callback rows, with nothing recorded', () => {
    expect(BEFORE).toBeGreaterThan(0);
    const path = join(scratchDir(), 'journal.sqlite');
    const old = new DatabaseSync(path);
    migrate(old, MIGRATIONS.slice(0, BEFORE));
    old.exec(`INSERT INTO orders (order_no, pid, total_fee, subject, type, created_at, updated_at)
      VALUES ('T1A', 'm1', 900, 'Massage', 'goods', 1000, 1000);
      INSERT INTO callbacks (order_no, state, source, runs, last_error, next_run_at, updated_at)
      VALUES ('T1A', 'retrying', 'query', 1, 'paid action POST answered HTTP 503', 5000, 2000)`);
    old.close();

    const journal = new SqliteJournal(path);
    expect(journal.migration.applied).toContain(`${BEFORE + 1} paid callback progress`);
    expect(journal.getCallback('T1A')).toEqual({ ...retrying, progress: {}, runByPerson: false });
    journal.close();
  });

  it('keeps the recorded steps and a person’s order across a reopen, and reads damaged text as unreadable', () => {
    const path = join(scratchDir(), 'journal.sqlite');
    const journal = new SqliteJournal(path);
    journal.insertOrder(newOrderRecord('T1A', 900, 1000));
    const progress = { '0 module /opt/chair/start.mjs': true, '1 serial /dev/ttyUSB1 hex:AA0155': false };
    journal.putCallback({ ...retrying, progress, runByPerson: true });
    journal.close();

    const reopened = new SqliteJournal(path);
    expect(reopened.getCallback('T1A')).toMatchObject({ progress, runByPerson: true, state: 'retrying' });
    for (const damaged of ['{"0 module x":', '["0 module x"]', '{"0 module x":"yes"}']) {
      reopened.db.prepare('UPDATE callbacks SET progress = ? WHERE order_no = ?').run(damaged, 'T1A');
      expect(reopened.getCallback('T1A')!.progress).toEqual({ [UNREADABLE_PROGRESS_STEP]: false });
    }
    reopened.close();
  });
});
