/**
 * Reading an attempt row back. An unreadable snapshot becomes an attempt rebuilt from the columns,
 * its order and its intent step (./attempt-snapshot.ts), parked for a person; the raw text is first
 * copied to `unreadable_snapshots` (journal migration 2). Used by SqliteJournal (./sqlite-journal.ts).
 */
import type { AttemptState } from '../domain/attempt-state.ts';
import type { OrderRecord } from '../domain/order.ts';
import { parseSnapshot, rebuildUnreadable } from './attempt-snapshot.ts';
import type { Row } from './journal-rows.ts';
import type { Statements } from './journal-statements.ts';

/**
 * A row → its attempt. An unreadable snapshot becomes an attempt rebuilt from the columns, its
 * order and its intent step (./attempt-snapshot.ts); the raw text is copied aside first, so even
 * a later write by the engine (a supervisor's retry) loses nothing.
 */
export function readAttemptRow(
  stmt: Statements,
  guard: <T>(work: () => T) => T,
  row: Row,
  getOrder: (orderNo: string) => OrderRecord | undefined,
): AttemptState {
  const text = String(row.state);
  const reading = parseSnapshot(text);
  if (reading.ok) return reading.state;
  const outTradeNo = String(row.out_trade_no);
  guard(() =>
    stmt(
      'INSERT OR IGNORE INTO unreadable_snapshots (out_trade_no, state, reason, found_at) VALUES (?, ?, ?, ?)',
    ).run(outTradeNo, text, reading.reason, Date.now()),
  );
  const intent = stmt(
    "SELECT op, summary FROM steps WHERE out_trade_no = ? AND step = 'intent' ORDER BY id LIMIT 1",
  ).get(outTradeNo) as Row | undefined;
  return rebuildUnreadable(
    {
      outTradeNo,
      orderNo: String(row.order_no),
      attemptIndex: Number(row.attempt_index),
      phase: String(row.phase),
      final: Number(row.final) === 1,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      text,
      order: getOrder(String(row.order_no)),
      intent: intent ? { op: String(intent.op), summary: String(intent.summary) } : undefined,
    },
    reading.reason,
  );
}
