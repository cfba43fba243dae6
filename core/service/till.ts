/**
 * The cashier's till: the sale waiting for a payment code lives here, in the service, so a reloaded
 * page (or a second screen) resumes it. A recognised scan pays the waiting sale; a scan that is not a
 * payment code, or arrives while the attempt is unresolved, is reported and changes nothing.
 *
 * An attempt needing attention leaves the till (see view()): selling continues with new orders.
 *
 * The scan is the charge: a scan may carry the amount the cashier's screen shows (`shown`), and then
 * begins the sale with exactly that amount and pays it in one step. A scanner the service reads itself
 * (serial, HID, the Electron main-process wedge) cannot know what the screen shows, so a scan with no
 * sale waiting is held for a few seconds under a random id and announced; the window that shows an
 * amount claims it with that amount (`payHeld`). A held scan is charged at most once and never
 * without an amount from a screen: the service never charges an amount no cashier saw.
 */
import { randomUUID } from 'node:crypto';

import type { AttemptView, ProblemView, SaleView, ScanView } from '../common/contract/views.ts';
import { ConflictError, toErrorShape, UnavailableError } from '../common/errors.ts';
import { isClosedStatus, isPaidStatus } from '../common/order-status.ts';
import { classifyPaymentCode } from '../common/recognition/classify-payment-code.ts';
import type { CheckoutEngine } from '../engine/checkout-engine.ts';

export interface TillDeps {
  readonly engine: CheckoutEngine;
  readonly emitSale: (sale: SaleView) => void;
  readonly emitScan: (scan: ScanView) => void;
  readonly currentShift: () => { shift_id: string; cashier: string } | null;
  readonly isWalletDown: (wallet: 'wxpay' | 'alipay', pid: string | undefined) => boolean;
  /** The provider subject of a sale for that merchant: shop name + configured item text (saleSubject). */
  readonly subjectFor: (pid: string | undefined) => string;
}

/** What the cashier's screen shows when the scan arrives: the amount to charge (fen) and the note. */
export interface ShownAmount {
  readonly total_fee: number;
  readonly note?: string | undefined;
  readonly pid?: string | undefined;
}

/** How long a scanner's scan waits for a screen to claim it: long enough for the event round trip. */
export const HELD_SCAN_MS = 15_000;

type Recognised = Extract<ReturnType<typeof classifyPaymentCode>, { ok: true }>;

interface HeldScan {
  readonly classification: Recognised;
  readonly scan: ScanView;
}

export function maskCode(code: string): string {
  const digits = code.replace(/\s+/g, '');
  return digits.length <= 8 ? '•'.repeat(digits.length) : `${digits.slice(0, 4)}••••${digits.slice(-4)}`;
}

/** A scan's problem as the UI reads it: code and message, without details (they may name an order). */
function problemOf(error: unknown): ProblemView {
  const { code, message } = toErrorShape(error);
  return { code, message };
}

export class Till {
  private orderNo: string | null = null;
  private lastScan: ScanView | null = null;
  private readonly held = new Map<string, HeldScan>();
  private readonly deps: TillDeps;

  constructor(deps: TillDeps) {
    this.deps = deps;
    deps.engine.onAttempt((attempt) => {
      if (attempt.order_no === this.orderNo) this.deps.emitSale(this.view());
    });
  }

  /** The provider subject of a sale for that merchant (shop name + item text), never a note. */
  subjectFor(pid: string | undefined): string {
    return this.deps.subjectFor(pid);
  }

  view(): SaleView {
    if (!this.orderNo) return { state: 'idle', order: null, attempt: null, last_scan: this.lastScan };
    const order = this.deps.engine.orderView(this.orderNo);
    if (!order) return { state: 'idle', order: null, attempt: null, last_scan: this.lastScan };
    const detail = this.deps.engine.orderDetail(this.orderNo);
    const attempt: AttemptView | null =
      order.live_attempt ?? detail.attempts[detail.attempts.length - 1] ?? null;
    // An attempt needing a person is left on the 待处理 list: it never holds the till, so the sale is
    // done as far as the cashier is concerned (the order keeps its one live attempt; a new sale is a
    // new order).
    // Likewise an attempt in doubt because its provider cannot be reached: the engine resolves it in
    // the background (query, then reverse) while the cashier serves the next customer.
    const live = order.live_attempt;
    const running =
      live !== null && live.phase !== 'needs_attention' && !this.deps.isWalletDown(live.wallet, live.pid);
    const state: SaleView['state'] =
      isPaidStatus(order.status) || isClosedStatus(order.status)
        ? 'done'
        : running
          ? 'charging'
          : order.live_attempt
            ? 'done'
            : attempt?.phase === 'reversed' && !attempt.failure
              ? 'done'
              : 'awaiting_scan';
    return { state, order, attempt, last_scan: this.lastScan };
  }

  /** Provider reachability changed: what the till allows may have too (an attempt in doubt). */
  refresh(): void {
    if (this.orderNo) this.deps.emitSale(this.view());
  }

  begin(totalFee: number, note: string | undefined, pid: string | undefined): SaleView {
    const current = this.view();
    if (current.state === 'charging') {
      throw new ConflictError(
        'attempt_unresolved',
        'the current sale has a payment in progress: wait for it to end',
      );
    }
    if (current.state === 'awaiting_scan' && current.order)
      this.deps.engine.closeOrder(current.order.out_trade_no);
    const shift = this.deps.currentShift();
    const order = this.deps.engine.createOrder({
      total_fee: totalFee,
      // The customer's bill shows the shop, never the cashier's note (kept on the order only).
      subject: this.deps.subjectFor(pid),
      ...(note ? { note } : {}),
      ...(pid ? { pid } : {}),
      ...(shift ? { cashier: shift.cashier, shift_id: shift.shift_id } : {}),
    });
    this.orderNo = order.orderNo;
    this.lastScan = null;
    const view = this.view();
    this.deps.emitSale(view);
    return view;
  }

  cancel(): SaleView {
    const current = this.view();
    if (current.state === 'charging') {
      throw new ConflictError('attempt_unresolved', 'a payment is in progress: use Stop to reverse it first');
    }
    if (current.state === 'awaiting_scan' && current.order)
      this.deps.engine.closeOrder(current.order.out_trade_no);
    this.orderNo = null;
    const view = this.view();
    this.deps.emitSale(view);
    return view;
  }

  /**
   * A scan from any scanner (serial, HID, wedge in the main process or the browser). `shown` is the
   * amount on the cashier's screen when the scan was read; without it only a waiting sale is paid.
   */
  async scan(code: string, source: string, at: number, shown?: ShownAmount): Promise<ScanView> {
    const classification = classifyPaymentCode(code);
    if (!classification.ok) {
      return this.report({
        code_masked: maskCode(code),
        source,
        at,
        ok: false,
        wallet: null,
        error: { code: classification.error.code, message: classification.error.message },
      });
    }
    const scan: ScanView = {
      code_masked: maskCode(classification.authCode),
      source,
      at,
      ok: true,
      wallet: classification.wallet,
      error: null,
    };
    const state = this.view().state;
    if (!shown && state !== 'awaiting_scan' && state !== 'charging') {
      // Nothing to pay and no amount with the scan: a screen showing an amount may claim it.
      this.dropExpired(at);
      const heldId = randomUUID();
      this.held.set(heldId, { classification, scan });
      return this.report({ ...scan, ok: false, held_id: heldId, error: noSale() });
    }
    return this.report(await this.charge(classification, scan, shown));
  }

  /** A window claims a scanner's held scan with the amount it shows: charged once, if still fresh. */
  async payHeld(heldId: string, shown: ShownAmount, at: number): Promise<ScanView> {
    this.dropExpired(at);
    const held = this.held.get(heldId);
    this.held.delete(heldId);
    if (!held) {
      return this.report({
        code_masked: '…',
        source: 'held',
        at,
        ok: false,
        wallet: null,
        error: new ConflictError('no_sale', 'the scan is no longer held: scan again').toJSON(),
      });
    }
    return this.report(await this.charge(held.classification, held.scan, shown));
  }

  private dropExpired(now: number): void {
    for (const [id, held] of this.held) if (now - held.scan.at > HELD_SCAN_MS) this.held.delete(id);
  }

  private report(scan: ScanView): ScanView {
    this.lastScan = scan;
    this.deps.emitScan(scan);
    this.deps.emitSale(this.view());
    return scan;
  }

  /** Pays the waiting sale, or (with an amount shown) the sale that amount begins; refused while charging. */
  private async charge(classification: Recognised, scan: ScanView, shown?: ShownAmount): Promise<ScanView> {
    let sale = this.view();
    if (sale.state === 'charging') {
      return {
        ...scan,
        ok: false,
        error: new ConflictError('attempt_unresolved', 'a payment is already in progress').toJSON(),
      };
    }
    const wanted = shown?.pid ?? sale.order?.pid;
    if (this.deps.isWalletDown(classification.wallet, wanted)) {
      return {
        ...scan,
        ok: false,
        error: new UnavailableError(
          'provider_unreachable',
          'the payment provider cannot be reached: take cash',
        ).toJSON(),
      };
    }
    const reuse =
      sale.state === 'awaiting_scan' &&
      sale.order &&
      (!shown ||
        (shown.total_fee === sale.order.total_fee && (shown.pid ?? sale.order.pid) === sale.order.pid));
    if (!reuse) {
      if (!shown) return { ...scan, ok: false, error: noSale() };
      try {
        sale = this.begin(shown.total_fee, shown.note, shown.pid);
      } catch (error) {
        return { ...scan, ok: false, error: problemOf(error) };
      }
    }
    const order = sale.order!;
    try {
      await this.deps.engine.pay({
        out_trade_no: order.out_trade_no,
        total_fee: order.total_fee,
        subject: order.subject,
        // Recognised once, here: the engine takes the classification as it is.
        auth_code: classification,
      });
      return scan;
    } catch (error) {
      return { ...scan, ok: false, error: problemOf(error) };
    }
  }
}

function noSale(): ProblemView {
  return new ConflictError('no_sale', 'enter an amount first, then scan').toJSON();
}
