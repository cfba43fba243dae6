/**
 * Refund bookkeeping: partial and full, cumulative, never more than was paid, and idempotent: the
 * refund row (with its out_refund_no) is journaled before the provider call, and every retry reuses
 * that out_refund_no, so a lost reply can never refund twice. Pending refunds are resolved by
 * refund query first, then by re-sending the same request: a quick bounded burst, then slow
 * follow-ups for as long as the provider may still be processing, bounded by the refund's age
 * (the schedule is data: REFUND_TIMING in core/domain/timing.ts). Start-up resumes them; shutdown stops the waiting at once (the journal has the state).
 * While one of an order's refunds is unanswered, a new one for that order is refused (refund_in_flight):
 * this guard in the service protects every client, not only the till's own pages. So is any refund
 * of money a supervisor recorded as refunded another way (refund_settled_elsewhere, ./refused-refunds.ts).
 */

import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../common/errors.ts';
import { isFullyRefundedStatus, isRefundableStatus } from '../common/order-status.ts';
import { type OrderRecord, type RefundRecord, statusAfterRefunds } from '../domain/order.ts';
import { backoffMs, REFUND_TIMING } from '../domain/timing.ts';
import type { Clock } from '../ports/clock.ts';
import type { Journal } from '../ports/journal.ts';
import type { PaymentGateway, RefundOutcome } from '../ports/payment-gateway.ts';
import type { MerchantDirectory } from './engine-deps.ts';
import { refundedElsewhere } from './refused-refunds.ts';

export interface RefundInput {
  readonly out_trade_no: string;
  readonly out_refund_no?: string;
  readonly refund_fee?: number;
  readonly refund_desc?: string;
}

const { quickRounds, quickBackoff, followUpMs, followUpMaxAgeMs } = REFUND_TIMING;

export class RefundService {
  private readonly inFlight = new Map<string, Promise<RefundRecord>>();
  private readonly followUps = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  /** Told when a refund of a trade other than the order's paying one (a second payment) is answered. */
  private readonly otherTradeListeners = new Set<(refund: RefundRecord) => void>();

  private readonly journal: Journal;
  private readonly clock: Clock;
  private readonly merchants: MerchantDirectory;
  private readonly onChange: (orderNo: string) => void;

  constructor(
    journal: Journal,
    clock: Clock,
    merchants: MerchantDirectory,
    onChange: (orderNo: string) => void,
  ) {
    this.journal = journal;
    this.clock = clock;
    this.merchants = merchants;
    this.onChange = onChange;
  }

  async refund(input: RefundInput): Promise<RefundRecord> {
    const order = this.journal.findOrder(input.out_trade_no);
    if (!order) throw new NotFoundError('order_not_found', `no order ${input.out_trade_no}`);
    // A repeated out_refund_no is answered before the order's state is judged: the repeat of a full
    // refund whose reply was lost finds the order fully refunded, and must get that refund back.
    if (input.out_refund_no) {
      const previous = this.journal.getRefund(input.out_refund_no);
      if (previous) {
        if (
          previous.orderNo !== order.orderNo ||
          previous.outTradeNo !== order.paidOutTradeNo ||
          (input.refund_fee !== undefined && input.refund_fee !== previous.refundFee)
        ) {
          throw new ConflictError(
            'out_refund_no_reused',
            `out_refund_no ${input.out_refund_no} belongs to another refund`,
          );
        }
        if (previous.status !== 'pending') return previous;
        return this.resolve(previous);
      }
    }
    if (!isRefundableStatus(order.status)) {
      const full = isFullyRefundedStatus(order.status);
      throw new ConflictError(
        full ? 'order_fully_refunded' : 'order_not_paid',
        full ? 'the order is already fully refunded' : 'only a paid order can be refunded',
      );
    }
    if (order.tender === 'cash')
      throw new ConflictError(
        'cash_refund',
        'cash sales are refunded from the drawer, not through a provider',
      );
    if (refundedElsewhere(this.journal, order))
      throw new ConflictError(
        'refund_settled_elsewhere',
        `order ${order.orderNo} was recorded as refunded another way after the provider refused its refund`,
      );
    if (
      input.refund_fee !== undefined &&
      (!Number.isSafeInteger(input.refund_fee) || input.refund_fee <= 0)
    ) {
      throw new ValidationError('refund_fee_invalid', 'refund_fee must be a positive whole number of fen', {
        field: 'refund_fee',
      });
    }
    const all = this.journal.refundsOf(order.orderNo);
    const refunds = ownRefunds(order, all);
    // A refund the provider has not answered may still be taken: a new number for the same money
    // could refund twice (a till whose page reloaded after a lost reply, an integrator retrying
    // with a fresh number). Only its repeat (same out_refund_no, answered above) goes on.
    const unanswered = refunds.find((r) => r.status === 'pending');
    if (unanswered)
      throw new ConflictError(
        'refund_in_flight',
        `refund ${unanswered.outRefundNo} of ${unanswered.refundFee} fen on this order has no answer from the provider yet: wait for it, or repeat it with that out_refund_no`,
        { out_refund_no: unanswered.outRefundNo, refund_fee: unanswered.refundFee },
      );
    const committed = refunds.filter((r) => r.status !== 'failed').reduce((sum, r) => sum + r.refundFee, 0);
    const remaining = order.totalFee - committed;
    const refundFee = input.refund_fee ?? remaining;
    if (refundFee <= 0 || refundFee > remaining) {
      throw new ConflictError(
        'refund_exceeds_paid',
        `at most ${remaining} fen can still be refunded on this order (paid ${order.totalFee}, refunded or refunding ${committed})`,
        { refundable_fee: remaining },
      );
    }
    this.gatewayFor(order); // fail before writing when the provider is not configured
    const now = this.clock.now();
    const record: RefundRecord = {
      outRefundNo: input.out_refund_no ?? this.freeRefundNo(order.orderNo, all.length + 1),
      orderNo: order.orderNo,
      outTradeNo: order.paidOutTradeNo!,
      refundFee,
      status: 'pending',
      reason: input.refund_desc ?? null,
      refundId: null,
      failure: null,
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    };
    this.journal.putRefund(record); // the intent: from here on this out_refund_no is the only one for this money
    this.onChange(order.orderNo);
    return this.resolve(record);
  }

  /**
   * The full refund of a trade that is not the one that paid its order: a second payment of an order
   * paid twice (core/engine/second-payment-refund.ts). It never counts against the order's own
   * refundable amount nor changes the order's refunded total. Idempotent per trade: a refund of it
   * still pending is resumed with its own out_refund_no, one that succeeded is answered as is; only
   * after a final failure is a new number (`<out_trade_no>D<n>`) journaled, before the provider call.
   */
  async refundOtherTrade(input: {
    readonly orderNo: string;
    readonly outTradeNo: string;
    readonly refundFee: number;
    readonly reason: string | null;
  }): Promise<RefundRecord> {
    const order = this.journal.getOrder(input.orderNo);
    if (!order) throw new NotFoundError('order_not_found', `no order ${input.orderNo}`);
    if (input.outTradeNo === order.paidOutTradeNo)
      throw new ConflictError(
        'not_paid_twice',
        `${input.outTradeNo} is the payment of order ${order.orderNo}`,
      );
    const earlier = this.journal.refundsOf(order.orderNo).filter((r) => r.outTradeNo === input.outTradeNo);
    const open = earlier.find((r) => r.status === 'pending');
    if (open) return this.resolve(open);
    const done = earlier.find((r) => r.status === 'succeeded');
    if (done) return done;
    const attempt = this.journal.getAttempt(input.outTradeNo);
    if (attempt?.orderNo !== order.orderNo)
      throw new NotFoundError(
        'attempt_not_found',
        `no attempt ${input.outTradeNo} of order ${order.orderNo}`,
      );
    this.gatewayFor(attempt); // its own provider, maybe not the order's; fail before writing when not configured
    let n = earlier.length + 1;
    while (this.journal.getRefund(`${input.outTradeNo}D${n}`)) n++;
    const now = this.clock.now();
    const record: RefundRecord = {
      outRefundNo: `${input.outTradeNo}D${n}`,
      orderNo: order.orderNo,
      outTradeNo: input.outTradeNo,
      refundFee: input.refundFee,
      status: 'pending',
      reason: input.reason,
      refundId: null,
      failure: null,
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    };
    this.journal.putRefund(record); // the intent, before the provider hears of it
    this.onChange(order.orderNo);
    return this.resolve(record);
  }

  /**
   * The full refund of money a supervisor books only to give it back (mark_refund on 待处理,
   * core/engine/attention-settler.ts). `book` journals the booking together with this refund row in
   * one transaction (Journal.recordOutcomeWithRefund) before the provider hears of the refund, so a
   * crash after it leaves the refund owed and resumed at start-up (resumePending), never a paid sale
   * with the customer's money kept.
   */
  async refundBooked(
    booked: { readonly orderNo: string; readonly outTradeNo: string; readonly refundFee: number } & Pick<
      OrderRecord,
      'pid' | 'provider'
    >,
    book: (refund: RefundRecord) => void,
  ): Promise<RefundRecord> {
    this.gatewayFor(booked); // fail before writing when the provider is not configured
    const now = this.clock.now();
    const record: RefundRecord = {
      outRefundNo: this.freeRefundNo(booked.orderNo, this.journal.refundsOf(booked.orderNo).length + 1),
      orderNo: booked.orderNo,
      outTradeNo: booked.outTradeNo,
      refundFee: booked.refundFee,
      status: 'pending',
      reason: null, // the supervisor's words stay in the journal; the customer sees no description
      refundId: null,
      failure: null,
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    };
    book(record);
    this.onChange(booked.orderNo);
    return this.resolve(record);
  }

  /** Listens for answered refunds of second payments (refundOtherTrade), also those resumed at start-up. */
  onOtherTradeSettled(listener: (refund: RefundRecord) => void): () => void {
    this.otherTradeListeners.add(listener);
    return () => this.otherTradeListeners.delete(listener);
  }

  /** Refreshes pending refunds of an order from the provider, then returns all of them. */
  async queryRefunds(orderRef: string): Promise<RefundRecord[]> {
    const order = this.journal.findOrder(orderRef);
    if (!order) throw new NotFoundError('order_not_found', `no order ${orderRef}`);
    const pending = this.journal.refundsOf(order.orderNo).filter((r) => r.status === 'pending');
    await Promise.all(pending.map((r) => this.resolve(r)));
    return this.journal.refundsOf(order.orderNo);
  }

  resumePending(): number {
    const pending = this.journal.pendingRefunds();
    for (const refund of pending) void this.resolve(refund).catch(() => undefined);
    return pending.length;
  }

  /** Resolves when no refund is being resolved or followed up (after stop(): promptly). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.followUps.size > 0) {
      await Promise.allSettled([...this.inFlight.values(), ...this.followUps.values()]);
    }
  }

  /** Shutdown: every wait ends now; pending refunds stay journaled for the next start. */
  stop(): void {
    this.stopping.abort();
  }

  /** The quick bounded rounds, then (if still pending) the slow follow-ups in the background. */
  private resolve(record: RefundRecord): Promise<RefundRecord> {
    const promise = this.quick(record);
    promise.then(
      (settled) => {
        if (settled.status === 'pending') this.followUp(settled.outRefundNo);
      },
      () => undefined, // the caller of resolve() gets the rejection
    );
    return promise;
  }

  /** One quick resolution per refund at a time. */
  private quick(record: RefundRecord): Promise<RefundRecord> {
    const existing = this.inFlight.get(record.outRefundNo);
    if (existing) return existing;
    const promise = this.resolveLoop(record).finally(() => this.inFlight.delete(record.outRefundNo));
    this.inFlight.set(record.outRefundNo, promise);
    return promise;
  }

  /** Slow re-checks of a refund the quick rounds left pending; one chain per refund. */
  private followUp(outRefundNo: string): void {
    if (this.followUps.has(outRefundNo) || this.stopping.signal.aborted) return;
    const chain = (async () => {
      for (let n = 0; ; n++) {
        const current = this.journal.getRefund(outRefundNo);
        if (current?.status !== 'pending') return;
        if (this.clock.now() - current.createdAt > followUpMaxAgeMs) return;
        const wait = followUpMs[Math.min(n, followUpMs.length - 1)]!;
        await this.clock.sleep(wait, this.stopping.signal);
        if (this.stopping.signal.aborted) return;
        const latest = this.journal.getRefund(outRefundNo);
        if (latest?.status !== 'pending') return;
        await this.quick(latest);
      }
    })().finally(() => this.followUps.delete(outRefundNo));
    this.followUps.set(outRefundNo, chain);
  }

  private async resolveLoop(initial: RefundRecord): Promise<RefundRecord> {
    let record = initial;
    const order = this.journal.getOrder(record.orderNo)!;
    // A second payment's refund names that attempt's own trade: its provider, transaction id and amount.
    const other =
      record.outTradeNo === order.paidOutTradeNo ? undefined : this.journal.getAttempt(record.outTradeNo);
    const gateway = this.gatewayFor(other ?? order);
    const transactionId = other ? other.transactionId : order.transactionId;
    const totalFee = other ? other.totalFee : order.totalFee;
    const ref = {
      outTradeNo: record.outTradeNo,
      outRefundNo: record.outRefundNo,
      ...(transactionId ? { transactionId } : {}),
    };
    // Any exception from an adapter is an unknown outcome, like every other unclear reply.
    const asUnknown = (e: unknown) => ({ kind: 'unknown', reason: 'network', detail: String(e) }) as const;
    // Every (re-)send carries the same out_refund_no, so the provider refunds the money once.
    const send = () =>
      gateway
        .refund({
          ...ref,
          totalFee,
          refundFee: record.refundFee,
          ...(record.reason ? { reason: record.reason } : {}),
        })
        .catch(asUnknown);
    for (let round = 0; round < quickRounds && record.status === 'pending'; round++) {
      let outcome: RefundOutcome;
      if (record.attempts === 0) {
        outcome = await send();
      } else {
        // After an unclear reply: ask first; re-send the same out_refund_no unless the provider confirms it.
        outcome = await gateway.queryRefund(ref).catch(asUnknown);
        // Re-sending the same out_refund_no is idempotent at every provider, so an unreadable query (or a
        // provider with no refund query, PAYJS) re-sends rather than waiting for an answer that never comes.
        if (outcome.kind === 'not_found' || outcome.kind === 'unknown') outcome = await send();
      }
      record = this.record(record, outcome);
      if (record.status === 'pending') {
        await this.clock.sleep(backoffMs(quickBackoff, round + 1), this.stopping.signal);
        if (this.stopping.signal.aborted) break;
      }
    }
    return record;
  }

  private record(record: RefundRecord, outcome: RefundOutcome): RefundRecord {
    const now = this.clock.now();
    let next: RefundRecord;
    switch (outcome.kind) {
      case 'succeeded':
        next = {
          ...record,
          status: 'succeeded',
          refundId: outcome.refundId || null,
          attempts: record.attempts + 1,
          updatedAt: now,
        };
        break;
      case 'failed':
        next = {
          ...record,
          status: 'failed',
          failure: { code: outcome.providerCode, message: outcome.message },
          attempts: record.attempts + 1,
          updatedAt: now,
        };
        break;
      default:
        next = { ...record, attempts: record.attempts + 1, updatedAt: now };
    }
    const order = this.journal.getOrder(record.orderNo)!;
    if (record.outTradeNo !== order.paidOutTradeNo) {
      // A second payment's refund: the order's own refunded total and status stay as they are.
      this.journal.putRefund(next);
      this.onChange(record.orderNo);
      if (next.status !== 'pending') for (const listener of this.otherTradeListeners) listener(next);
      return next;
    }
    const refunds = ownRefunds(order, this.journal.refundsOf(record.orderNo)).map((r) =>
      r.outRefundNo === next.outRefundNo ? next : r,
    );
    const refundedFee = refunds
      .filter((r) => r.status === 'succeeded')
      .reduce((sum, r) => sum + r.refundFee, 0);
    this.journal.putRefund(next, { refundedFee, status: statusAfterRefunds(order.totalFee, refundedFee) });
    this.onChange(record.orderNo);
    return next;
  }

  /**
   * `<order>R<n>` that no refund holds: a caller may have sent that very number for an earlier refund
   * (of this order or another), and re-using it would re-send that refund instead of making this one.
   */
  private freeRefundNo(orderNo: string, first: number): string {
    for (let n = first; n < first + 1000; n++) {
      const candidate = `${orderNo}R${n}`;
      if (!this.journal.getRefund(candidate)) return candidate;
    }
    throw new ConflictError(
      'out_refund_no_reused',
      `no free refund number for order ${orderNo}: send out_refund_no`,
    );
  }

  /** The gateway of the order's paying provider, or of a second payment's attempt (its own provider). */
  private gatewayFor(holder: Pick<OrderRecord, 'pid' | 'provider'>): PaymentGateway {
    const merchant = this.merchants.get(holder.pid);
    const gateway = merchant?.gateways.find((g) => g.provider === holder.provider);
    if (!gateway)
      throw new UnavailableError(
        'provider_not_configured',
        `no ${holder.provider} gateway for merchant ${holder.pid}`,
      );
    return gateway;
  }
}

/** The refunds of the money that paid the order (not those of a second payment: refundOtherTrade). */
function ownRefunds(order: OrderRecord, refunds: readonly RefundRecord[]): RefundRecord[] {
  return refunds.filter((r) => r.outTradeNo === order.paidOutTradeNo);
}
