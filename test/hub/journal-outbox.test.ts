/**
 * The hub outbox in the terminal's journal (migration 5): each order, attempt and refund change
 * appends a snapshot row with a strictly increasing seq in the same transaction as the change, a
 * failed transaction leaves neither, acknowledged rows go and their seqs are never reused, and a
 * journal not forwarding to a hub writes none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderRecord } from '../../core/domain/order.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { ShiftStore } from '../../core/service/shift-store.ts';
import { firstMicropayAttempt, newOrderRecord } from '../fakes/journal-records.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function journalAt(outbox: boolean): { journal: SqliteJournal; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'scanpay-outbox-'));
  dirs.push(dir);
  const path = join(dir, 'journal.sqlite');
  return { journal: new SqliteJournal(path, { outbox }), path };
}

function order(orderNo: string, totalFee: number): OrderRecord {
  return newOrderRecord(orderNo, totalFee, 1000, {
    custom: { secret: 'stays home' },
    cashier: 'amy',
    note: 'customer phone 138',
  });
}

function attemptOf(o: OrderRecord) {
  return firstMicropayAttempt(o, 1000);
}

describe('the hub outbox', () => {
  it('snapshots every order, attempt and refund change in seq order', () => {
    const { journal } = journalAt(true);
    const o = order('T1A', 500);
    journal.createAttempt(o, attemptOf(o), null, 1000);
    journal.patchOrder('T1A', { status: 1, tender: 'wxpay', paidAt: 1500 }, 1500);
    journal.putRefund(
      {
        outRefundNo: 'R1',
        orderNo: 'T1A',
        outTradeNo: 'T1A-1',
        refundFee: 200,
        status: 'pending',
        reason: null,
        refundId: null,
        failure: null,
        attempts: 0,
        createdAt: 2000,
        updatedAt: 2000,
      },
      { refundedFee: 200 },
    );
    const rows = journal.outboxBatch(100);
    expect(rows.map((r) => [r.kind, r.ref])).toEqual([
      ['order', 'T1A'],
      ['attempt', 'T1A-1'],
      ['order', 'T1A'],
      ['refund', 'R1'],
      ['order', 'T1A'],
    ]);
    const seqs = rows.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const paid = JSON.parse(rows[2]!.payload);
    expect(paid).toMatchObject({
      order_no: 'T1A',
      status: 1,
      tender: 'wxpay',
      total_fee: 500,
      cashier: 'amy',
    });
    expect(JSON.parse(rows[4]!.payload)).toMatchObject({ refunded_fee: 200 });
    expect(JSON.parse(rows[3]!.payload)).toMatchObject({ refund_fee: 200, status: 'pending' });
    expect(rows[0]!.payload).not.toContain('stays home');
    expect(rows[0]!.payload).not.toContain('customer phone');
    expect(journal.outboxCount()).toBe(5);
    journal.close();
  });

  it('loses the outbox row with a change that rolled back', () => {
    const { journal } = journalAt(true);
    const o = order('T1B', 300);
    journal.createAttempt(o, attemptOf(o), null, 1000);
    // The same attempt again violates its primary key: the whole transaction rolls back.
    expect(() =>
      journal.createAttempt(order('T1C', 300), { ...attemptOf(o), orderNo: 'T1C' }, null, 1),
    ).toThrow();
    expect(journal.outboxBatch(100).map((r) => r.ref)).toEqual(['T1B', 'T1B-1']);
    expect(journal.getOrder('T1C')).toBeUndefined();
    journal.close();
  });

  it('drops acknowledged rows and never reuses their seq, across a reopen', () => {
    const { journal, path } = journalAt(true);
    const a = order('T1D', 100);
    journal.createAttempt(a, attemptOf(a), null, 1000);
    const first = journal.outboxBatch(100);
    journal.outboxAck(first.at(-1)!.seq);
    expect(journal.outboxCount()).toBe(0);
    journal.close();
    const again = new SqliteJournal(path, { outbox: true });
    const b = order('T1E', 100);
    again.createAttempt(b, attemptOf(b), null, 1000);
    const next = again.outboxBatch(100);
    expect(next[0]!.seq).toBeGreaterThan(first.at(-1)!.seq);
    again.close();
  });

  it('writes nothing when the terminal does not forward to a hub', () => {
    const { journal } = journalAt(false);
    const o = order('T1F', 100);
    journal.createAttempt(o, attemptOf(o), null, 1000);
    journal.patchOrder('T1F', { status: 1 }, 1200);
    expect(journal.outboxCount()).toBe(0);
    journal.close();
  });
});

describe('the hub outbox, shifts and first enrolment', () => {
  it('carries shift openings and closings, in the shift write itself', () => {
    const { journal } = journalAt(true);
    const shifts = new ShiftStore(journal);
    const opened = shifts.open('amy', 5000, 10_000);
    shifts.close(5000, 20_000);
    const rows = journal.outboxBatch(100).filter((r) => r.kind === 'shift');
    expect(rows.map((r) => [r.ref, JSON.parse(r.payload).closed_at])).toEqual([
      [opened.shift_id, null],
      [opened.shift_id, 20_000],
    ]);
    expect(JSON.parse(rows[1]!.payload)).toMatchObject({
      cashier: 'amy',
      float_fee: 5000,
      counted: { cash: 5000 },
    });
    journal.close();
  });

  it('sends the history a till already had when it is first pointed at a hub, once', () => {
    const { journal, path } = journalAt(false);
    const o = order('T1G', 700);
    journal.createAttempt(o, attemptOf(o), null, 1000);
    new ShiftStore(journal).open('bo', 0, 1000);
    journal.close();
    const first = new SqliteJournal(path, { outbox: true });
    expect(
      first
        .outboxBatch(100)
        .map((r) => r.kind)
        .sort(),
    ).toEqual(['attempt', 'order', 'shift']);
    first.outboxAck(first.outboxBatch(100).at(-1)!.seq);
    first.close();
    // Reopened with an empty (acknowledged) outbox: nothing is queued again.
    const second = new SqliteJournal(path, { outbox: true });
    expect(second.outboxCount()).toBe(0);
    second.close();
  });
});

describe('the hub outbox across a hub turned off and on again', () => {
  it('keeps the changes made while the hub was off, once a hub was ever configured', () => {
    const { journal, path } = journalAt(true);
    const a = order('T1H', 100);
    journal.createAttempt(a, attemptOf(a), null, 1000);
    journal.outboxAck(journal.outboxBatch(100).at(-1)!.seq);
    journal.close();
    // The hub setting is turned off: the till goes on selling and opens a shift.
    const off = new SqliteJournal(path, { outbox: false });
    const b = order('T1I', 200);
    off.createAttempt(b, attemptOf(b), null, 2000);
    off.patchOrder('T1I', { status: 1, tender: 'wxpay', paidAt: 2100 }, 2100);
    const shift = new ShiftStore(off).open('cy', 0, 2200);
    off.close();
    // …and on again: exactly the changes made in between wait, and no history is queued twice.
    const on = new SqliteJournal(path, { outbox: true });
    expect(on.outboxBatch(100).map((r) => [r.kind, r.ref])).toEqual([
      ['order', 'T1I'],
      ['attempt', 'T1I-1'],
      ['order', 'T1I'],
      ['shift', shift.shift_id],
    ]);
    on.close();
  });

  it('writes nothing while off when no hub was ever configured (no unbounded outbox)', () => {
    const { journal, path } = journalAt(false);
    const a = order('T1J', 100);
    journal.createAttempt(a, attemptOf(a), null, 1000);
    journal.close();
    const reopened = new SqliteJournal(path, { outbox: false });
    const b = order('T1K', 100);
    reopened.createAttempt(b, attemptOf(b), null, 1000);
    expect(reopened.outboxCount()).toBe(0);
    reopened.close();
  });
});
