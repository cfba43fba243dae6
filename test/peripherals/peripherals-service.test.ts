/**
 * The peripherals service on a real journal and event bus, printing to a virtual TCP printer:
 * a paid event prints once, a printer that is away gets the job queued (listed) and printed when
 * it returns, cash sales kick the drawer once and are journaled, refunds and closed shifts print.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJournal } from '../../core/journal/open-journal.ts';
import type { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { ServiceConfigSchema } from '../../core/service/config/service-config.ts';
import { EventBus } from '../../core/service/event-bus.ts';
import { PeripheralsService } from '../../core/service/peripherals/peripherals-service.ts';
import {
  type RunningPeripherals,
  startPeripherals,
} from '../../core/service/peripherals/start-peripherals.ts';
import { ShiftStore } from '../../core/service/shift-store.ts';
import { waitFor } from '../scanners/fakes/pty-pair.ts';
import { decodeEscPos, printedText } from './escpos-decoder.ts';
import { paidOrder } from './fixtures.ts';
import { STATUS, startVirtualPrinter, type VirtualPrinter } from './virtual-printer.ts';

let dir: string;
let journal: SqliteJournal;
let bus: EventBus;
let shifts: ShiftStore;
let printer: VirtualPrinter;
let running: RunningPeripherals | null;
const warnings: string[] = [];

async function start(printerConfig: Record<string, unknown> = {}) {
  const config = ServiceConfigSchema.parse({
    merchants: [{ pid: 'shop', name: '老王便利店', gateways: [{ provider: 'wxpay', sandbox: true }] }],
    printer: { kind: 'tcp', host: '127.0.0.1', port: printer.port, width: 58, ...printerConfig },
  });
  running = await startPeripherals({
    config,
    dataDir: dir,
    db: journal.db,
    bus,
    shifts,
    now: () => Date.UTC(2026, 10, 30, 15, 0, 0),
    logger: { info: () => {}, warn: (message) => warnings.push(message) },
    retryDelaysMs: [20],
    statusEveryMs: 30,
  });
  return running.service;
}

const printedJobs = () => decodeEscPos(printer.printed());

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scanpay-peripherals-'));
  journal = openJournal(dir);
  bus = new EventBus();
  shifts = new ShiftStore(journal);
  printer = await startVirtualPrinter();
  running = null;
  warnings.length = 0;
});

afterEach(async () => {
  await running?.stop();
  await printer.close().catch(() => {});
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('receipts from events', () => {
  it('a paid order prints its receipt once, however often the event repeats', async () => {
    const service = await start();
    bus.publish({ kind: 'order', order: paidOrder() });
    bus.publish({
      kind: 'order',
      order: paidOrder({
        callback: { state: 'done', user_order_success: true, source: 'query', runs: 1, last_error: null },
      }),
    });
    await waitFor(() => service.listPrintJobs('printed').length === 1, 'the receipt printed');
    await new Promise((resolve) => setImmediate(resolve));
    await running!.service.idle();
    const job = printedJobs();
    expect(job.lines[0]).toBe('老王便利店');
    expect(printedText(job)).toMatch(/合计 +￥12\.88/);
    expect(job.cuts).toBe(1);
    expect(service.listPrintJobs()).toHaveLength(1);
    expect(job.drawerPulses).toEqual([]); // a WeChat sale does not open the drawer
  });

  it('publishing never waits for the printer: the job is made after the publisher returns', async () => {
    await start();
    bus.publish({ kind: 'order', order: paidOrder() });
    expect(running!.service.listPrintJobs()).toEqual([]);
    expect(printer.connections).toEqual([]);
  });

  it('an unpaid order prints nothing', async () => {
    const service = await start();
    bus.publish({ kind: 'order', order: paidOrder({ status: 0, paid_at: null }) });
    await new Promise((resolve) => setImmediate(resolve));
    expect(service.listPrintJobs()).toEqual([]);
  });

  it('auto-print off: no receipt by itself, but a reprint prints, marked 重印', async () => {
    const service = await start({ auto_print: false });
    bus.publish({ kind: 'order', order: paidOrder() });
    await new Promise((resolve) => setImmediate(resolve));
    expect(service.listPrintJobs()).toEqual([]);
    service.reprint(paidOrder());
    await waitFor(() => service.listPrintJobs('printed').length === 1, 'the reprint');
    expect(printedText(printedJobs())).toContain('重印');
  });

  it('a succeeded refund prints a refund slip once', async () => {
    const service = await start();
    const refund = {
      out_refund_no: 'R1',
      refund_fee: 300,
      status: 'succeeded' as const,
      reason: null,
      created_at: 1,
      updated_at: 2,
      failure: null,
    };
    const pending = { ...refund, out_refund_no: 'R2', status: 'pending' as const };
    bus.publish({
      kind: 'order',
      order: paidOrder({ status: 2, refunded_fee: 300, refunds: [refund, pending] }),
    });
    bus.publish({
      kind: 'order',
      order: paidOrder({ status: 2, refunded_fee: 300, refunds: [refund, pending] }),
    });
    await waitFor(() => service.listPrintJobs('printed').length === 2, 'sale receipt and refund slip');
    const kinds = service.listPrintJobs().map((j) => `${j.kind}:${j.ref}`);
    expect(kinds.sort()).toEqual(['refund:R1', 'sale:T01-20261130-000123']);
    expect(printedText(printedJobs())).toMatch(/退款金额 +￥3\.00/);
  });
});

describe('the queue while the printer is away', () => {
  it('a job for an unreachable printer waits, is listed, and prints when the printer returns', async () => {
    const port = printer.port;
    await printer.close();
    const service = await start();
    bus.publish({ kind: 'order', order: paidOrder() });
    await waitFor(() => service.listPrintJobs('pending')[0]?.last_error != null, 'a failed try');
    expect(service.listPrintJobs('pending')[0]).toMatchObject({
      kind: 'sale',
      ref: 'T01-20261130-000123',
      state: 'pending',
    });
    expect(service.view().printer).toMatchObject({ pending_jobs: 1, status: { state: 'unreachable' } });
    expect(warnings).toContain('receipt queued: printer not ready');
    await printer.reopen();
    expect(printer.port).toBe(port);
    await waitFor(() => service.listPrintJobs('printed').length === 1, 'the queued receipt printed');
    expect(printedJobs().lines).toContain('4200001234202611301234567890');
    expect(service.view().printer).toMatchObject({ pending_jobs: 0, status: { state: 'online' } });
  });

  it('paper out holds the job (nothing is sent to be lost), then prints it once paper is back', async () => {
    printer.status = STATUS.paperOut;
    const service = await start();
    bus.publish({ kind: 'order', order: paidOrder() });
    await waitFor(
      () => (service.listPrintJobs('pending')[0]?.tries ?? 0) >= 2,
      'two tries while paper is out',
    );
    expect(printer.printed().length).toBe(0);
    expect(service.listPrintJobs('pending')[0]!.last_error).toContain('paper_out');
    printer.status = STATUS.online;
    await waitFor(() => service.listPrintJobs('printed').length === 1, 'printed after paper came back');
    expect(printedJobs().cuts).toBe(1);
  });

  it('jobs left pending by a previous run print at start', async () => {
    const port = printer.port;
    await printer.close();
    await start();
    bus.publish({ kind: 'order', order: paidOrder() });
    await waitFor(() => running!.service.listPrintJobs('pending').length === 1, 'queued');
    await running!.stop();
    await printer.reopen();
    expect(printer.port).toBe(port);
    const service = await start();
    await waitFor(() => service.listPrintJobs('printed').length === 1, 'printed by the next run');
  });
});

describe('printer status for the status bar', () => {
  it('is watched without any job: paper out and back are published as peripherals events', async () => {
    const views: { state: string | undefined }[] = [];
    bus.subscribe((event) => {
      if (event.kind === 'peripherals') views.push({ state: event.peripherals.printer?.status?.state });
    });
    await start();
    await waitFor(() => views.at(-1)?.state === 'online', 'online at start');
    printer.status = STATUS.paperOut;
    await waitFor(() => views.at(-1)?.state === 'paper_out', 'paper out');
    printer.status = STATUS.online;
    await waitFor(() => views.at(-1)?.state === 'online', 'back online');
    expect(views.map((v) => v.state)).toEqual(['online', 'paper_out', 'online']);
  });
});

describe('cash drawer', () => {
  it('a cash sale kicks the drawer once and journals who and why', async () => {
    const shift = shifts.open('张三', 20000, 1);
    const service = await start();
    const cash = paidOrder({
      tender: 'cash',
      provider: null,
      transaction_id: null,
      shift_id: shift.shift_id,
    });
    bus.publish({ kind: 'order', order: cash });
    bus.publish({ kind: 'order', order: cash });
    await waitFor(
      () => service.listPrintJobs('printed').length === 1 && printedJobs().drawerPulses.length > 0,
      'receipt and drawer',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(printedJobs().drawerPulses).toEqual([{ pin: 2, onMs: 50, offMs: 500 }]);
    const rows = journal.db
      .prepare('SELECT who, reason, order_no, shift_id, delivered FROM drawer_openings')
      .all();
    expect(rows).toEqual([
      {
        who: '张三',
        reason: 'cash_sale',
        order_no: cash.out_trade_no,
        shift_id: shift.shift_id,
        delivered: 1,
      },
    ]);
  });

  it('drawer_on_cash off: a cash sale prints but the drawer stays shut', async () => {
    const service = await start({ drawer_on_cash: false });
    bus.publish({ kind: 'order', order: paidOrder({ tender: 'cash' }) });
    await waitFor(() => service.listPrintJobs('printed').length === 1, 'receipt');
    expect(printedJobs().drawerPulses).toEqual([]);
  });

  it('a manual opening is journaled and counted on the 交班报表 printed at shift close', async () => {
    const shift = shifts.open('李四', 10000, Date.UTC(2026, 10, 30, 1, 0, 0));
    const service = await start();
    expect(await service.openDrawer('主管')).toEqual({ delivered: true });
    expect(await service.openDrawer('主管')).toEqual({ delivered: true });
    shifts.close(10000, Date.UTC(2026, 10, 30, 9, 0, 0));
    bus.publish({ kind: 'shift', shift: null });
    await waitFor(() => service.listPrintJobs('printed').some((j) => j.kind === 'shift'), 'the Z report');
    const text = printedText(printedJobs());
    expect(text).toContain('交班报表');
    expect(text).toMatch(/开钱箱次数 +2/);
    expect(text).toContain(shift.shift_id);
    expect(service.drawerOpenings(shift.shift_id)).toBe(2);
  });

  it('an opening the printer did not take is journaled as not delivered', async () => {
    await printer.close();
    const service = await start();
    expect(await service.openDrawer('主管')).toEqual({ delivered: false });
    expect(journal.db.prepare('SELECT reason, delivered FROM drawer_openings').all()).toEqual([
      { reason: 'manual', delivered: 0 },
    ]);
  });
});

describe('pole display', () => {
  it('follows the till: the sale amount while charging, 0.00 when idle, each change once', async () => {
    const shown: (number | null)[] = [];
    const service = new PeripheralsService({
      db: journal.db,
      printer: null,
      encodeReceipt: null,
      poleDisplay: { id: 'fake', showAmount: async (fen) => void shown.push(fen), close: async () => {} },
      printerOptions: { width: 58, qr: 'native', autoPrint: true, drawerOnCash: true },
      terminalId: 'T01',
      shopName: () => 'shop',
      now: () => 0,
      logger: { info: () => {}, warn: () => {} },
      shiftReport: () => null,
      lastClosedShiftId: () => null,
      currentShiftId: () => null,
    });
    const stop = service.start((listener) => bus.subscribe(listener));
    const order = paidOrder({ status: 0, paid_at: null, total_fee: 1288 });
    bus.publish({ kind: 'sale', sale: { state: 'idle', order: null, attempt: null, last_scan: null } });
    bus.publish({ kind: 'sale', sale: { state: 'awaiting_scan', order, attempt: null, last_scan: null } });
    bus.publish({ kind: 'sale', sale: { state: 'charging', order, attempt: null, last_scan: null } });
    bus.publish({ kind: 'sale', sale: { state: 'idle', order: null, attempt: null, last_scan: null } });
    // A cash sale never goes through the till's sale: its paid order shows its amount.
    bus.publish({ kind: 'order', order: paidOrder({ tender: 'cash', total_fee: 500 }) });
    await waitFor(() => shown.length === 4, 'four frames');
    expect(shown).toEqual([null, 1288, null, 500]);
    stop();
    service.stop();
  });

  it('stopping sends no pole frame still queued behind a display that is not taking bytes', async () => {
    const shown: (number | null)[] = [];
    let release!: () => void;
    const firstFrameTaken = new Promise<void>((resolve) => {
      release = resolve;
    });
    let closed = false;
    const service = new PeripheralsService({
      db: journal.db,
      printer: null,
      encodeReceipt: null,
      poleDisplay: {
        id: 'fake',
        // The first frame hangs (a real link gives up after its job deadline); the rest are instant.
        showAmount: async (fen) => {
          shown.push(fen);
          if (shown.length === 1) await firstFrameTaken;
        },
        close: async () => {
          closed = true;
        },
      },
      printerOptions: { width: 58, qr: 'native', autoPrint: true, drawerOnCash: true },
      terminalId: 'T01',
      shopName: () => 'shop',
      now: () => 0,
      logger: { info: () => {}, warn: () => {} },
      shiftReport: () => null,
      lastClosedShiftId: () => null,
      currentShiftId: () => null,
    });
    const unsubscribe = service.start((listener) => bus.subscribe(listener));
    for (const fee of [100, 200, 300]) {
      const order = paidOrder({ status: 0, paid_at: null, total_fee: fee });
      bus.publish({ kind: 'sale', sale: { state: 'charging', order, attempt: null, last_scan: null } });
    }
    await waitFor(() => shown.length === 1, 'the first frame');
    await new Promise((resolve) => setImmediate(resolve));
    unsubscribe();
    service.stop();
    const closing = service.closeDevices();
    release();
    await closing;
    expect(closed).toBe(true);
    expect(shown).toEqual([100]);
  });
});

describe('receipt encoder wiring', () => {
  it('refuses a printer without an encoder at construction, instead of dropping its receipts', () => {
    const printerOnly = {
      id: 'fake',
      open: async () => {},
      print: async () => {},
      status: async () => ({ state: 'ready' as const, paper_low: false }),
      close: async () => {},
    } as unknown as ConstructorParameters<typeof PeripheralsService>[0]['printer'];
    expect(
      () =>
        new PeripheralsService({
          db: journal.db,
          printer: printerOnly,
          encodeReceipt: null,
          poleDisplay: null,
          printerOptions: { width: 58, qr: 'native', autoPrint: true, drawerOnCash: true },
          terminalId: 'T01',
          shopName: () => 'shop',
          now: () => 0,
          logger: { info: () => {}, warn: () => {} },
          shiftReport: () => null,
          lastClosedShiftId: () => null,
          currentShiftId: () => null,
        }),
    ).toThrow(/no receipt encoder/);
  });
});
