/**
 * A separate process writing a journal, for the crash and concurrency tests:
 *   node journal-writer.ts <path> loop          charges (order + attempt + intent step, one
 *                                               transaction each) until killed; prints "wrote N"
 *   node journal-writer.ts <path> hang <N>      N committed charges, then opens a transaction,
 *                                               writes 50 more inside it, prints "inside" and waits
 */
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { firstMicropayAttempt, newOrderRecord } from '../fakes/journal-records.ts';

const [path, mode, count] = process.argv.slice(2);
if (!path || (mode !== 'loop' && mode !== 'hang')) {
  console.error('usage: journal-writer.ts <path> loop | hang <committed>');
  process.exit(2);
}
const journal = new SqliteJournal(path);

function charge(n: number): void {
  const order = newOrderRecord(`W${n}`, 100 + n, n, { subject: 'writer', custom: undefined });
  journal.createAttempt(order, firstMicropayAttempt(order, n), null, n);
}

if (mode === 'loop') {
  for (let n = 0; ; n++) {
    charge(n);
    if (n % 50 === 0) {
      console.log(`wrote ${n + 1}`);
      // Let the parent's reads and backups in between; still thousands of writes a second.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
} else {
  const committed = Number(count);
  for (let n = 0; n < committed; n++) charge(n);
  journal.db.exec('BEGIN IMMEDIATE');
  const insert = journal.db.prepare(
    "INSERT INTO orders (order_no, pid, total_fee, subject, type, created_at, updated_at) VALUES (?, 'm1', 1, 'torn', 'misc', 0, 0)",
  );
  for (let n = 0; n < 50; n++) insert.run(`TORN${n}`);
  console.log('inside');
  setInterval(() => {}, 1000);
}
