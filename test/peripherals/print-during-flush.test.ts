/**
 * A job queued while the printer is busy with another prints right after it, not at the next status
 * check (30 s by default): two sales finishing together, or a 交班报表 reprint asked while the first
 * copy is still going out. The printer here is a fake whose print() the test releases, so the second
 * job is queued exactly while the first one is being sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openJournal } from '../../core/journal/open-journal.ts';
import type { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { PeripheralsService } from '../../core/service/peripherals/peripherals-service.ts';
import { waitFor } from '../scanners/fakes/pty-pair.ts';
import { paidOrder } from './fixtures.ts';

let dir = '';
let journal: SqliteJournal | null = null;
let service: PeripheralsService | null = null;

afterEach(() => {
  service?.stop();
  journal?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  service = null;
  journal = null;
});

it('a job queued while another prints is printed right after it', async () => {
  dir = mkdtempSync(join(tmpdir(), 'scanpay-print-flush-'));
  journal = openJournal(dir);
  const sent: Uint8Array[] = [];
  let release: () => void = () => {};
  const printer = {
    id: 'fake:1',
    status: async () => ({ state: 'online' as const, paper_low: false, detail: null }),
    print: (job: Uint8Array) => {
      sent.push(job);
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    open: async () => {},
    close: async () => {},
  };
  service = new PeripheralsService({
    db: journal.db,
    printer,
    encodeReceipt: (doc) => new TextEncoder().encode(doc),
    poleDisplay: null,
    printerOptions: { width: 58, qr: 'native', autoPrint: true, drawerOnCash: false },
    terminalId: 'T01',
    shopName: () => '老王便利店',
    now: () => Date.UTC(2026, 10, 30, 15, 0, 0),
    logger: { info: () => {}, warn: () => {} },
    shiftReport: () => null,
    lastClosedShiftId: () => null,
    currentShiftId: () => null,
    statusEveryMs: 0, // no status check to pick up a job left behind
  });
  service.start(() => () => {});

  service.reprint(paidOrder({ out_trade_no: 'A1' }));
  await waitFor(() => sent.length === 1, 'the first job sent');
  service.reprint(paidOrder({ out_trade_no: 'B2' }));
  release(); // the first job is done
  await waitFor(() => sent.length === 2, 'the second job sent', 2000);
  release();
  await service.idle();
  expect(
    service
      .listPrintJobs('printed')
      .map((j) => j.ref)
      .sort(),
  ).toEqual(['A1', 'B2']);
});
