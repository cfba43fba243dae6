/**
 * IoT QR display (e.g. a massage chair): idle → QR codes shown → paid (the paid action runs) → idle,
 * or expired → idle. The state lives here, not in the page, so a reload mid-payment shows the same
 * codes or outcome.
 *
 * Both wallets: one order per configured wallet (WeChat Native, Alipay precreate), shown side by
 * side; the first paid wins and the others are closed; a second payment is refunded by QrPairs.
 * Each order carries the codes' common expiry as its time_expire, so the provider stops taking
 * payment on time; at that moment the screen hides the codes at once (二维码已失效) while the engine
 * closes the orders as soon as the provider allows (WeChat refuses a close in an order's first
 * 5 minutes: the engine's close retries are spaced and bounded, core/domain/poll-policy.ts).
 * `auto_start` shows a new code whenever the display is idle, for screens without touch.
 */
import type { ProviderName, QrCodeView, QrDisplayView, Wallet } from '../common/contract/views.ts';
import { ConflictError, UnavailableError, ValidationError } from '../common/errors.ts';
import type { CheckoutEngine } from '../engine/checkout-engine.ts';
import { generateOrderNo } from '../engine/order-input.ts';
import type { Clock } from '../ports/clock.ts';
import { type DuplicatePaymentReport, pairCustom, type QrPairs } from './qr-pairs.ts';

export interface QrDisplayOptions {
  readonly product?: { readonly name: string; readonly total_fee: number };
  /** One provider only (config qr_display.provider); otherwise one code per wallet in `providers`. */
  readonly provider?: ProviderName;
  /** The merchant's QR providers, one per wallet, in display order (pickQrProviders). */
  readonly providers: readonly ProviderName[];
  readonly pid?: string;
  readonly successMs: number;
  /** How long a code stays payable. */
  readonly ttlMs: number;
  readonly autoStart: boolean;
  readonly orderPrefix: string;
  /** The provider subject for a product: the shop name then the product (saleSubject). */
  readonly subjectFor: (productName: string) => string;
}

/** How long the expired or failed screen stays before idle (and, with auto_start, a new code). */
const EXPIRED_SCREEN_MS = 4000;
/** With auto_start, how long to wait before trying again when no code could be made. */
const AUTO_START_RETRY_MS = 30_000;

/** The first gateway for each wallet, WeChat before Alipay: what the display can offer side by side. */
export function pickQrProviders(
  gateways: readonly { readonly provider: ProviderName; readonly qrWallet: Wallet }[],
): ProviderName[] {
  const order: readonly Wallet[] = ['wxpay', 'alipay'];
  return order.flatMap((wallet) => {
    const gateway = gateways.find((g) => g.qrWallet === wallet);
    return gateway ? [gateway.provider] : [];
  });
}

interface Session {
  readonly orders: readonly string[];
  kept: string | null;
  readonly ended: Set<string>;
}

export class QrDisplay {
  private state: QrDisplayView;
  private session: Session | null = null;
  private readonly engine: CheckoutEngine;
  private readonly clock: Clock;
  private options: QrDisplayOptions;
  private readonly pairs: QrPairs;
  private readonly emit: (view: QrDisplayView) => void;
  private timer: AbortController | null = null;
  private stopped = false;

  constructor(
    engine: CheckoutEngine,
    clock: Clock,
    options: QrDisplayOptions,
    pairs: QrPairs,
    emit: (view: QrDisplayView) => void,
  ) {
    this.engine = engine;
    this.clock = clock;
    this.options = options;
    this.pairs = pairs;
    this.emit = emit;
    this.state = this.idle();
    engine.onAttempt((attempt) => {
      const session = this.session;
      if (attempt.mode !== 'qr' || !session?.orders.includes(attempt.order_no)) return;
      if (attempt.phase === 'paid') this.paid(session, attempt.order_no, attempt.wallet);
      else if (['closed', 'failed', 'reversed', 'needs_attention'].includes(attempt.phase)) {
        session.ended.add(attempt.order_no);
        const allEnded = session.orders.every((no) => session.ended.has(no));
        if (allEnded && session.kept === null && this.state.state === 'showing') this.expire();
      }
    });
    engine.onOrder((order) => {
      if (order.out_trade_no !== this.session?.kept || this.state.state !== 'paid' || !order.callback) return;
      if (order.callback.state === 'done') {
        this.set({
          ...this.state,
          action: { state: order.callback.user_order_success ? 'done' : 'failed', message: null },
        });
        this.later(this.options.successMs, () => this.toIdle());
      } else if (order.callback.state === 'retrying') {
        this.set({ ...this.state, action: { state: 'running', message: order.callback.last_error } });
      }
    });
    pairs.onDuplicate((report) => this.reportDuplicate(report));
    if (options.autoStart) this.later(0, () => this.autoStart());
  }

  /**
   * A store config applied live (core/service/hub-store-config.ts): the product and the success
   * time. A code on screen keeps the product it was made for; the idle screen shows the new one.
   */
  applySettings(settings: {
    readonly product: QrDisplayOptions['product'];
    readonly successMs: number;
  }): void {
    const { product: _old, ...rest } = this.options;
    this.options = {
      ...rest,
      ...(settings.product ? { product: settings.product } : {}),
      successMs: settings.successMs,
    };
    if (this.state.state === 'idle') this.set(this.idle());
  }

  view(): QrDisplayView {
    return this.state;
  }

  /** Stops the timers (service shutdown): no new code is started after this. */
  stop(): void {
    this.stopped = true;
    this.timer?.abort();
  }

  async start(
    product?: { name: string; total_fee: number },
    provider?: ProviderName,
  ): Promise<QrDisplayView> {
    if (this.state.state === 'showing')
      throw new ConflictError('qr_in_progress', 'a QR payment is already showing');
    const chosen = product ?? this.options.product;
    if (!chosen)
      throw new ValidationError(
        'product_missing',
        'no product: set qr_display.product in the configuration or pass one',
      );
    const one = provider ?? this.options.provider;
    const providers = one ? [one] : this.options.providers;
    if (providers.length === 0)
      throw new UnavailableError('provider_not_configured', 'no gateway of this merchant can show a QR code');
    this.timer?.abort();
    const now = this.clock.now();
    const base = generateOrderNo(`${this.options.orderPrefix.slice(0, 6)}Q`, now);
    const orders = providers.map((_provider, i) => `${base}${i}`);
    const expiresAt = now + this.options.ttlMs;
    const codes: QrCodeView[] = [];
    let lastError: unknown = null;
    for (const [i, p] of providers.entries()) {
      const sibling = orders.length === 2 ? orders[1 - i] : undefined;
      try {
        const attempt = await this.engine.startQr({
          out_trade_no: orders[i]!,
          total_fee: chosen.total_fee,
          subject: this.options.subjectFor(chosen.name),
          type: 'goods',
          time_expire: expiresAt,
          provider: p,
          ...(sibling ? { custom: pairCustom(sibling) } : {}),
          ...(this.options.pid ? { pid: this.options.pid } : {}),
        });
        if (!attempt.qrCode) continue;
        // qrcode is loaded by the first QR order, not by every start of the service (idle memory).
        const { default: QRCode } = await import('qrcode');
        const svg = await QRCode.toString(attempt.qrCode, {
          type: 'svg',
          errorCorrectionLevel: 'M',
          margin: 2,
        });
        codes.push({
          wallet: attempt.wallet,
          provider: p,
          out_trade_no: attempt.orderNo,
          qr_code: attempt.qrCode,
          qr_svg_data_url: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
        });
      } catch (error) {
        // One wallet's provider may be down: the other code is still offered.
        lastError = error;
      }
    }
    this.session = { orders: codes.map((c) => c.out_trade_no), kept: null, ended: new Set() };
    if (codes.length === 0) {
      if (lastError && providers.length === 1) throw lastError;
      this.set({ ...this.idle(), product: chosen, state: 'expired' });
      this.later(EXPIRED_SCREEN_MS, () => this.toIdle());
      if (lastError) throw lastError;
      return this.state;
    }
    const first = codes[0]!;
    this.set({
      ...this.idle(),
      state: 'showing',
      product: chosen,
      out_trade_no: first.out_trade_no,
      wallet: first.wallet,
      qr_code: first.qr_code,
      qr_svg_data_url: first.qr_svg_data_url,
      codes,
      expires_at: expiresAt,
    });
    this.later(expiresAt - this.clock.now(), () => {
      if (this.state.state === 'showing') this.expire();
    });
    return this.state;
  }

  cancel(): QrDisplayView {
    if (this.state.state === 'showing') this.closeAll(null);
    this.session = null;
    this.toIdle();
    return this.state;
  }

  private idle(): QrDisplayView {
    return {
      state: 'idle',
      product: this.options.product ?? null,
      out_trade_no: null,
      wallet: null,
      qr_code: null,
      qr_svg_data_url: null,
      codes: [],
      expires_at: null,
      duplicate: null,
      action: null,
    };
  }

  private set(view: QrDisplayView): void {
    this.state = view;
    this.emit(view);
  }

  /** One timer at a time: showing → expiry, expired/paid → idle, idle → auto start. */
  private later(ms: number, then: () => void): void {
    this.timer?.abort();
    if (this.stopped) return;
    const abort = new AbortController();
    this.timer = abort;
    void this.clock.sleep(Math.max(0, ms), abort.signal).then(() => {
      if (!abort.signal.aborted && !this.stopped) then();
    });
  }

  private toIdle(): void {
    this.set(this.idle());
    if (this.options.autoStart) this.later(0, () => this.autoStart());
  }

  private autoStart(): void {
    if (this.state.state !== 'idle') return;
    this.start().catch(() => {
      // No code could be made (a provider down): idle again, and another try, a while later.
      if (this.state.state === 'idle' || this.state.state === 'expired')
        this.later(AUTO_START_RETRY_MS, () => this.toIdle());
    });
  }

  /** The codes' time is up: hidden at once; the engine closes the orders at their deadline. */
  private expire(): void {
    this.set({ ...this.state, state: 'expired', qr_code: null, qr_svg_data_url: null, codes: [] });
    this.later(EXPIRED_SCREEN_MS, () => this.toIdle());
  }

  private paid(session: Session, orderNo: string, wallet: Wallet): void {
    if (session.kept !== null) return; // the second payment of a pair: QrPairs refunds it
    session.kept = orderNo;
    for (const other of session.orders) if (other !== orderNo) this.pairs.keep(orderNo, other);
    this.closeAll(orderNo);
    this.timer?.abort();
    this.set({
      ...this.state,
      state: 'paid',
      out_trade_no: orderNo,
      wallet,
      qr_code: null,
      qr_svg_data_url: null,
      codes: [],
      action: { state: 'running', message: null },
    });
  }

  /** Closes the session's orders but `keep`: the provider stops taking them (a late payment is refunded). */
  private closeAll(keep: string | null): void {
    for (const orderNo of this.session?.orders ?? []) {
      if (orderNo === keep) continue;
      try {
        this.engine.closeOrder(orderNo);
      } catch {
        // Already paid (then refunded as a duplicate) or already closed: nothing to stop.
      }
    }
  }

  private reportDuplicate(report: DuplicatePaymentReport): void {
    if (report.kept_out_trade_no !== this.session?.kept) return;
    const { out_trade_no, wallet, total_fee, state } = report;
    this.set({ ...this.state, duplicate: { out_trade_no, wallet, total_fee, state } });
  }
}
