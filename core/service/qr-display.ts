/**
 * IoT QR display (e.g. a massage chair): idle → QR shown → paid (the paid action runs) → idle, or
 * expired (closed at the provider by the engine) → idle. The state lives here, not in the page, so
 * a reload mid-payment shows the same QR or outcome.
 */
import type { ProviderName, QrDisplayView } from '../common/contract/views.ts';
import { ConflictError, ValidationError } from '../common/errors.ts';
import type { CheckoutEngine } from '../engine/checkout-engine.ts';
import type { Clock } from '../ports/clock.ts';

export interface QrDisplayOptions {
  readonly product?: { readonly name: string; readonly total_fee: number };
  readonly provider?: ProviderName;
  readonly pid?: string;
  readonly successMs: number;
}

export class QrDisplay {
  private state: QrDisplayView;
  private readonly engine: CheckoutEngine;
  private readonly clock: Clock;
  private readonly options: QrDisplayOptions;
  private readonly emit: (view: QrDisplayView) => void;
  private resetTimer: AbortController | null = null;

  constructor(
    engine: CheckoutEngine,
    clock: Clock,
    options: QrDisplayOptions,
    emit: (view: QrDisplayView) => void,
  ) {
    this.engine = engine;
    this.clock = clock;
    this.options = options;
    this.emit = emit;
    this.state = this.idle();
    engine.onAttempt((attempt) => {
      if (attempt.mode !== 'qr' || attempt.order_no !== this.state.out_trade_no) return;
      if (attempt.phase === 'paid')
        this.set({ ...this.state, state: 'paid', action: { state: 'running', message: null } });
      else if (
        attempt.phase === 'closed' ||
        attempt.phase === 'failed' ||
        attempt.phase === 'reversed' ||
        attempt.phase === 'needs_attention'
      ) {
        this.set({ ...this.state, state: 'expired' });
        this.resetLater(4000);
      }
    });
    engine.onOrder((order) => {
      if (order.out_trade_no !== this.state.out_trade_no || this.state.state !== 'paid' || !order.callback)
        return;
      if (order.callback.state === 'done') {
        this.set({
          ...this.state,
          action: { state: order.callback.user_order_success ? 'done' : 'failed', message: null },
        });
        this.resetLater(this.options.successMs);
      } else if (order.callback.state === 'retrying') {
        this.set({ ...this.state, action: { state: 'running', message: order.callback.last_error } });
      }
    });
  }

  private idle(): QrDisplayView {
    return {
      state: 'idle',
      product: this.options.product ?? null,
      out_trade_no: null,
      wallet: null,
      qr_code: null,
      qr_svg_data_url: null,
      expires_at: null,
      action: null,
    };
  }

  view(): QrDisplayView {
    return this.state;
  }

  private set(view: QrDisplayView): void {
    this.state = view;
    this.emit(view);
  }

  private resetLater(ms: number): void {
    this.resetTimer?.abort();
    const abort = new AbortController();
    this.resetTimer = abort;
    void this.clock.sleep(ms, abort.signal).then(() => {
      if (!abort.signal.aborted) this.set(this.idle());
    });
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
    this.resetTimer?.abort();
    const attempt = await this.engine.startQr({
      total_fee: chosen.total_fee,
      subject: chosen.name,
      type: 'goods',
      ...(this.options.pid ? { pid: this.options.pid } : {}),
      ...((provider ?? this.options.provider) ? { provider: provider ?? this.options.provider } : {}),
    });
    if (!attempt.qrCode) {
      this.set({ ...this.idle(), product: chosen, out_trade_no: attempt.orderNo, state: 'expired' });
      this.resetLater(4000);
      return this.state;
    }
    // qrcode is loaded by the first QR order, not by every start of the service (idle memory).
    const { default: QRCode } = await import('qrcode');
    const svg = await QRCode.toString(attempt.qrCode, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    this.set({
      state: 'showing',
      product: chosen,
      out_trade_no: attempt.orderNo,
      wallet: attempt.wallet,
      qr_code: attempt.qrCode,
      qr_svg_data_url: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
      expires_at: attempt.deadlineAt,
      action: null,
    });
    return this.state;
  }

  cancel(): QrDisplayView {
    if (this.state.state === 'showing' && this.state.out_trade_no)
      this.engine.closeOrder(this.state.out_trade_no);
    this.set(this.idle());
    return this.state;
  }
}
