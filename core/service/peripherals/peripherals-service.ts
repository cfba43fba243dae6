/**
 * Store peripherals, driven by the service's events: a paid sale prints its receipt (and opens
 * the drawer when paid in cash), a refund prints its slip, a closed shift prints the 交班报表, and
 * the pole display follows the till. Nothing here can delay or fail a payment: every event is
 * handled after the publisher has returned (setImmediate), every error is caught and logged, and a
 * receipt that cannot print now waits in the journal's print queue and is retried, bounded by a
 * capped back-off, until the printer is back.
 */

import type { DatabaseSync } from 'node:sqlite';
import type { ServiceEvent } from '../../common/contract/api-contract.ts';
import type { OrderView, ZReportView } from '../../common/contract/views.ts';
import { ConflictError } from '../../common/errors.ts';
import { isPaidStatus } from '../../common/order-status.ts';
import type { EngineLogger } from '../../engine/engine-deps.ts';
import type { PaperWidth, QrMode, ReceiptEncoder } from '../../peripherals/escpos/receipt-text.ts';
import type { CashDrawer, PoleDisplay, PrinterStatus, ReceiptPrinter } from '../../ports/peripherals.ts';
import { type PrintJobKind, type PrintJobView, PrintQueue } from './print-queue.ts';
import { type ReceiptHeader, refundReceipt, saleReceipt, shiftReport } from './receipt-layout.ts';

export interface PeripheralsServiceDeps {
  readonly db: DatabaseSync;
  readonly printer: (ReceiptPrinter & CashDrawer) | null;
  /**
   * ESC/POS encoder for the printer's receipts; required with a printer, null without one, so the
   * caller loads receiptline only when something will print (start-peripherals.ts).
   */
  readonly encodeReceipt: ReceiptEncoder | null;
  readonly poleDisplay: PoleDisplay | null;
  readonly printerOptions: { width: PaperWidth; qr: QrMode; autoPrint: boolean; drawerOnCash: boolean };
  readonly terminalId: string;
  /** The shop name printed on top (config printer.shop_name, else the merchant's name). */
  readonly shopName: (pid: string | null) => string;
  readonly now: () => number;
  readonly logger: EngineLogger;
  /** The 交班报表 of a closed shift (null when unknown). */
  readonly shiftReport: (shiftId: string) => ZReportView | null;
  readonly lastClosedShiftId: () => string | null;
  readonly currentShiftId: () => string | null;
  /** Retry delays for queued jobs while the printer is away; the last one repeats. */
  readonly retryDelaysMs?: readonly number[];
  /** How often the printer's state is asked while nothing prints (status bar); 0 = never. */
  readonly statusEveryMs?: number;
  /** Tells the UI the printer's state changed. */
  readonly onPrinterStatus?: (status: PrinterStatus) => void;
}

export interface PeripheralsView {
  readonly printer: {
    readonly id: string;
    readonly status: PrinterStatus | null;
    readonly pending_jobs: number;
  } | null;
  readonly pole_display: { readonly id: string } | null;
  readonly auto_print: boolean;
}

const DEFAULT_RETRY_MS = [2000, 5000, 15_000, 30_000, 60_000] as const;

export class PeripheralsService {
  private readonly deps: PeripheralsServiceDeps;
  private readonly queue: PrintQueue;
  private autoPrint: boolean;
  private lastStatus: PrinterStatus | null = null;
  private flushing: Promise<void> | null = null;
  /** A job was queued while a pass ran: run one more pass after it. */
  private kickAgain = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryIndex = 0;
  private statusTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly seenRefunds = new Set<string>();
  private poleShown: number | null | undefined = undefined;
  private poleChain: Promise<void> = Promise.resolve();
  private readonly encodeReceipt: ReceiptEncoder;

  constructor(deps: PeripheralsServiceDeps) {
    if (deps.printer && !deps.encodeReceipt) {
      // A printer without an encoder would drop every receipt: refuse the wiring at start instead.
      throw new TypeError('PeripheralsService: a printer is configured but no receipt encoder was given');
    }
    this.deps = deps;
    this.encodeReceipt = deps.encodeReceipt ?? refuseToEncode;
    this.queue = new PrintQueue(deps.db);
    this.autoPrint = deps.printerOptions.autoPrint;
  }

  /** Subscribes to the bus and prints what was queued before a restart. Returns the unsubscribe. */
  start(subscribe: (listener: (event: ServiceEvent) => void) => () => void): () => void {
    const unsubscribe = subscribe((event) => {
      if (this.stopped) return;
      // After the publisher returns: a slow encoder or a printer error never sits in a payment's path.
      setImmediate(() => {
        if (this.stopped) return;
        try {
          this.handle(event);
        } catch (error) {
          this.deps.logger.warn('peripherals: event not handled', {
            kind: event.kind,
            error: (error as Error).message,
          });
        }
      });
    });
    if (this.deps.printer && this.queue.pending().length > 0) this.kick();
    this.watchStatus();
    return unsubscribe;
  }

  stop(): void {
    this.stopped = true;
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Releases the devices' connections (after stop()). */
  async closeDevices(): Promise<void> {
    await Promise.all([
      this.deps.printer?.close(),
      this.poleChain.then(() => this.deps.poleDisplay?.close()),
    ]);
  }

  /** Resolves when the queue has been tried once (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  setAutoPrint(on: boolean): void {
    this.autoPrint = on;
  }

  view(): PeripheralsView {
    const { printer, poleDisplay } = this.deps;
    return {
      printer: printer
        ? { id: printer.id, status: this.lastStatus, pending_jobs: this.queue.pending().length }
        : null,
      pole_display: poleDisplay ? { id: poleDisplay.id } : null,
      auto_print: this.autoPrint,
    };
  }

  listPrintJobs(state?: 'pending' | 'printed'): PrintJobView[] {
    return this.queue.list(state ? { state } : {});
  }

  /** Reprint from History: a new job (no dedupe), marked 重印. */
  reprint(order: OrderView): number | null {
    return this.enqueue(
      'reprint',
      order.out_trade_no,
      null,
      saleReceipt(this.header(order.pid), order, { reprint: true }),
    );
  }

  /**
   * Another copy of a closed shift's 交班报表, marked 重印 (the first printed itself at close).
   * Undefined when there is no such closed shift, null when no printer is configured.
   */
  reprintShiftReport(shiftId: string): number | null | undefined {
    const report = this.deps.shiftReport(shiftId);
    if (!report || report.closed_at === null) return undefined;
    return this.enqueue(
      'shift',
      report.shift_id,
      null,
      shiftReport(this.header(null), report, this.drawerOpenings(report.shift_id), { reprint: true }),
    );
  }

  /** "Open drawer" from the till: the caller has checked the supervisor PIN; journaled with who and why. */
  async openDrawer(who: string | null): Promise<{ delivered: boolean }> {
    if (!this.deps.printer)
      throw new ConflictError(
        'printer_not_configured',
        'no receipt printer is configured, so there is no drawer to open',
      );
    return this.kickDrawer('manual', who, null);
  }

  drawerOpenings(shiftId: string): number {
    return this.queue.drawerOpenings(shiftId).length;
  }

  private handle(event: ServiceEvent): void {
    if (event.kind === 'order') this.onOrder(event.order);
    else if (event.kind === 'sale')
      this.showOnPole(event.sale.state === 'idle' ? null : (event.sale.order?.total_fee ?? null));
    else if (event.kind === 'shift' && event.shift === null) this.onShiftClosed();
  }

  private onOrder(order: OrderView): void {
    // A cash sale never goes through the till's SaleView: show its amount when it is booked.
    if (order.tender === 'cash' && isPaidStatus(order.status) && order.refunded_fee === 0)
      this.showOnPole(order.total_fee);
    if (isPaidStatus(order.status) && order.paid_at !== null) {
      if (this.autoPrint)
        this.enqueue(
          'sale',
          order.out_trade_no,
          `sale:${order.out_trade_no}`,
          saleReceipt(this.header(order.pid), order),
        );
      if (
        order.tender === 'cash' &&
        this.deps.printerOptions.drawerOnCash &&
        this.deps.printer &&
        !this.queue.hasDrawerOpening(order.out_trade_no)
      )
        void this.kickDrawer('cash_sale', order.cashier, order.out_trade_no);
    }
    for (const refund of order.refunds) {
      if (refund.status !== 'succeeded' || this.seenRefunds.has(refund.out_refund_no)) continue;
      this.seenRefunds.add(refund.out_refund_no);
      if (this.autoPrint)
        this.enqueue(
          'refund',
          refund.out_refund_no,
          `refund:${refund.out_refund_no}`,
          refundReceipt(this.header(order.pid), order, refund),
        );
    }
  }

  private onShiftClosed(): void {
    const shiftId = this.deps.lastClosedShiftId();
    const report = shiftId ? this.deps.shiftReport(shiftId) : null;
    if (!report) return;
    this.enqueue(
      'shift',
      report.shift_id,
      `shift:${report.shift_id}`,
      shiftReport(this.header(null), report, this.drawerOpenings(report.shift_id)),
    );
  }

  private header(pid: string | null): ReceiptHeader {
    return { shopName: this.deps.shopName(pid), terminalId: this.deps.terminalId };
  }

  private enqueue(kind: PrintJobKind, ref: string, dedupeKey: string | null, doc: string): number | null {
    if (!this.deps.printer) return null;
    const bytes = this.encodeReceipt(doc, this.deps.printerOptions);
    const id = this.queue.add({ kind, ref, dedupeKey, bytes }, this.deps.now());
    if (id !== null) this.kick();
    return id;
  }

  private async kickDrawer(
    reason: 'cash_sale' | 'manual',
    who: string | null,
    orderNo: string | null,
  ): Promise<{ delivered: boolean }> {
    const id = this.queue.recordDrawerOpening({
      at: this.deps.now(),
      who,
      reason,
      order_no: orderNo,
      shift_id: this.deps.currentShiftId(),
    });
    try {
      await this.deps.printer!.open();
      this.queue.markDrawerDelivered(id);
      return { delivered: true };
    } catch (error) {
      this.deps.logger.warn('drawer not opened', { reason, error: (error as Error).message });
      return { delivered: false };
    }
  }

  /** One frame at a time (two opens of one serial port collide), and only when the amount changes. */
  private showOnPole(fen: number | null): void {
    const display = this.deps.poleDisplay;
    if (!display || fen === this.poleShown) return;
    this.poleShown = fen;
    // A frame still queued at stop is dropped: each may wait out a stuck display's job deadline,
    // and shutdown (closeDevices) waits for the chain.
    this.poleChain = this.poleChain.then(() =>
      (this.stopped ? Promise.resolve() : display.showAmount(fen)).catch((error: Error) => {
        this.poleShown = undefined; // try again on the next event
        this.deps.logger.warn('pole display not updated', { error: error.message });
      }),
    );
  }

  /**
   * Asks DLE EOT now and then while idle, so the status bar shows paper out or a cover left open
   * before the next sale, and a queue waiting on a dead printer starts as soon as it answers. One
   * question at a time (the next is scheduled after the answer); never while a job is printing.
   */
  private watchStatus(): void {
    const every = this.deps.statusEveryMs ?? 30_000;
    const printer = this.deps.printer;
    if (!printer || every <= 0) return;
    const tick = async () => {
      if (this.stopped) return;
      if (!this.flushing) {
        const status = await printer.status();
        if (this.stopped) return;
        this.noteStatus(status);
        const ready = status.state === 'online' || status.state === 'unknown';
        if (ready && !this.retryTimer && this.queue.pending().length > 0) this.kick();
      }
      if (this.stopped) return;
      this.statusTimer = setTimeout(() => void tick(), every);
      this.statusTimer.unref?.();
    };
    void tick();
  }

  /**
   * Starts a pass over the queue, or, while one runs, asks for another right after it: the running
   * pass has already read its list of pending jobs, so a job queued meanwhile (two sales ending
   * together, a reprint asked while the first copy prints) would otherwise wait for the next status
   * check.
   */
  private kick(): void {
    if (this.stopped) return;
    if (this.flushing) {
      this.kickAgain = true;
      return;
    }
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.kickAgain = false;
    this.flushing = this.flush().finally(() => {
      this.flushing = null;
      // Not after a pass the printer blocked: its retry timer is set and keeps the back-off.
      if (this.kickAgain && !this.retryTimer) this.kick();
    });
  }

  private async flush(): Promise<void> {
    const printer = this.deps.printer!;
    const status = await printer.status();
    this.noteStatus(status);
    let blocked: string | null = null;
    if (status.state === 'online' || status.state === 'unknown') {
      for (const job of this.queue.pending()) {
        if (this.stopped) return;
        try {
          await printer.print(job.bytes);
          this.queue.markPrinted(job.id, this.deps.now());
        } catch (error) {
          blocked = (error as Error).message;
          this.queue.markFailed(job.id, blocked, this.deps.now());
          break;
        }
      }
    } else {
      blocked = `printer ${status.state}${status.detail ? `: ${status.detail}` : ''}`;
      const first = this.queue.pending()[0];
      if (first) this.queue.markFailed(first.id, blocked, this.deps.now());
    }
    if (blocked === null) {
      this.retryIndex = 0;
      return;
    }
    if (this.stopped || this.queue.pending().length === 0) return;
    this.deps.logger.warn('receipt queued: printer not ready', { reason: blocked });
    const delays = this.deps.retryDelaysMs ?? DEFAULT_RETRY_MS;
    const delay = delays[Math.min(this.retryIndex, delays.length - 1)]!;
    this.retryIndex++;
    this.retryTimer = setTimeout(() => this.kick(), delay);
    this.retryTimer.unref?.();
  }

  private noteStatus(status: PrinterStatus): void {
    const changed =
      this.lastStatus?.state !== status.state || this.lastStatus?.paper_low !== status.paper_low;
    this.lastStatus = status;
    if (changed) this.deps.onPrinterStatus?.(status);
  }
}

/** Never called: enqueue returns before encoding when no printer is configured. */
function refuseToEncode(): never {
  throw new Error('no receipt printer is configured');
}
