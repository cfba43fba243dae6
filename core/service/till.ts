/**
 * The cashier's till: the sale waiting for a payment code lives here, in the service, so a reloaded
 * page (or a second screen) resumes it. A recognised scan pays the waiting sale; a scan that is not a
 * payment code, or arrives while the attempt is unresolved, is reported and changes nothing.
 */

import { cutToSubject } from '../common/contract/provider-text.ts';
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
  private readonly deps: TillDeps;

  constructor(deps: TillDeps) {
    this.deps = deps;
    deps.engine.onAttempt((attempt) => {
      if (attempt.order_no === this.orderNo) this.deps.emitSale(this.view());
    });
  }

  view(): SaleView {
    if (!this.orderNo) return { state: 'idle', order: null, attempt: null, last_scan: this.lastScan };
    const order = this.deps.engine.orderView(this.orderNo);
    if (!order) return { state: 'idle', order: null, attempt: null, last_scan: this.lastScan };
    const detail = this.deps.engine.orderDetail(this.orderNo);
    const attempt: AttemptView | null =
      order.live_attempt ?? detail.attempts[detail.attempts.length - 1] ?? null;
    const state: SaleView['state'] =
      isPaidStatus(order.status) || isClosedStatus(order.status)
        ? 'done'
        : order.live_attempt
          ? 'charging'
          : attempt?.phase === 'reversed' && !attempt.failure
            ? 'done'
            : 'awaiting_scan';
    return { state, order, attempt, last_scan: this.lastScan };
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
      // The note is kept whole; as the provider's subject it is cut to what WeChat Pay accepts.
      subject: cutToSubject(note?.trim() || '收银 Sale'),
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

  /** A scan from any scanner (serial, HID, wedge in the main process or the browser). */
  async scan(code: string, source: string, at: number): Promise<ScanView> {
    const classification = classifyPaymentCode(code);
    let scan: ScanView = classification.ok
      ? {
          code_masked: maskCode(classification.authCode),
          source,
          at,
          ok: true,
          wallet: classification.wallet,
          error: null,
        }
      : {
          code_masked: maskCode(code),
          source,
          at,
          ok: false,
          wallet: null,
          error: { code: classification.error.code, message: classification.error.message },
        };
    const sale = this.view();
    if (scan.ok && classification.ok) {
      if (sale.state === 'awaiting_scan' && sale.order) {
        if (this.deps.isWalletDown(classification.wallet, sale.order.pid)) {
          scan = {
            ...scan,
            ok: false,
            error: new UnavailableError(
              'provider_unreachable',
              'the payment provider cannot be reached: take cash',
            ).toJSON(),
          };
        } else {
          try {
            await this.deps.engine.pay({
              out_trade_no: sale.order.out_trade_no,
              total_fee: sale.order.total_fee,
              subject: sale.order.subject,
              // Recognised once, here: the engine takes the classification as it is.
              auth_code: classification,
            });
          } catch (error) {
            scan = { ...scan, ok: false, error: problemOf(error) };
          }
        }
      } else if (sale.state === 'charging') {
        scan = {
          ...scan,
          ok: false,
          error: new ConflictError('attempt_unresolved', 'a payment is already in progress').toJSON(),
        };
      } else {
        scan = {
          ...scan,
          ok: false,
          error: new ConflictError('no_sale', 'enter an amount first, then scan').toJSON(),
        };
      }
    }
    this.lastScan = scan;
    this.deps.emitScan(scan);
    this.deps.emitSale(this.view());
    return scan;
  }
}
