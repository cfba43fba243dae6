/**
 * The journal's order list (History, the CSV export, the local API's listOrders): the filter as SQL
 * conditions, the total and one page, newest first. Prepared per call (the WHERE clause varies), each
 * run through the journal's fault guard.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { OrderRecord } from '../domain/order.ts';
import type { OrderFilter } from '../ports/journal.ts';
import { type Row, toOrder } from './journal-rows.ts';

export function listOrderRows(
  db: DatabaseSync,
  guard: <T>(work: () => T) => T,
  filter: OrderFilter,
): { orders: OrderRecord[]; total: number } {
  const where: string[] = [];
  const values: SQLInputValue[] = [];
  const add = (condition: string, value: SQLInputValue | undefined) => {
    if (value === undefined) return;
    where.push(condition);
    values.push(value);
  };
  add('created_at >= ?', filter.from);
  add('created_at < ?', filter.to);
  add('status = ?', filter.status);
  add('tender = ?', filter.tender);
  add('cashier = ?', filter.cashier);
  add('shift_id = ?', filter.shiftId);
  if (filter.search !== undefined) {
    where.push(
      '(order_no = ? OR transaction_id = ? OR order_no IN (SELECT order_no FROM attempts WHERE out_trade_no = ?))',
    );
    values.push(filter.search, filter.search, filter.search);
  }
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const total = Number(
    (guard(() => db.prepare(`SELECT COUNT(*) AS n FROM orders ${clause}`).get(...values)) as Row).n,
  );
  const rows = guard(() =>
    db
      .prepare(`SELECT * FROM orders ${clause} ORDER BY created_at DESC, order_no DESC LIMIT ? OFFSET ?`)
      .all(...values, filter.limit, filter.offset),
  ) as Row[];
  return { orders: rows.map(toOrder), total };
}
