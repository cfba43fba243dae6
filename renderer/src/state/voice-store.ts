/**
 * Spoken confirmation: "微信收款十二点八八元" once when a sale is paid by wallet, a short error tone
 * once when an attempt is declined or stopped. Fed by the service's order and attempt events. An
 * order is announced when this window saw it unpaid before (the service's and this screen's clocks
 * may differ, on a tablet showing a headless till), or else when it was paid within the last minute
 * by this screen's clock; so a reload or a late callback update about an old sale stays silent. Each
 * order / attempt is announced at most once per window.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AttemptView, OrderView, SaleView } from '../../../core/common/contract/views.ts';
import { paidPhrase, type SpokenPhrase } from '../../../core/common/voice/spoken-amount.ts';

/** Where sound goes: speech or clips for phrases, a tone for errors (renderer/src/voice/). */
export interface VoiceOutput {
  speak(phrase: SpokenPhrase, options: { volume: number; language: 'zh-CN' | 'en' }): void;
  errorTone(options: { volume: number }): void;
}

/** Events older than this are history, not news. */
const FRESH_MS = 60_000;

export interface VoiceState {
  readonly enabled: boolean;
  /** 0–100. */
  readonly volume: number;
  readonly language: 'zh-CN' | 'en';
}

export interface VoiceActions {
  configure(patch: Partial<VoiceState>): void;
  applyOrder(order: OrderView): void;
  /** The till's sale: its order is one this window has seen unpaid. */
  applySale(sale: SaleView): void;
  applyAttempt(attempt: AttemptView): void;
}

export type VoiceStore = StoreApi<VoiceState & VoiceActions>;

export function createVoiceStore(output: VoiceOutput, now: () => number = Date.now): VoiceStore {
  const announcedOrders = new Set<string>();
  /** Orders seen unpaid here (bounded: the oldest are forgotten). */
  const seenUnpaid = new Set<string>();
  const noteUnpaid = (outTradeNo: string) => {
    seenUnpaid.add(outTradeNo);
    if (seenUnpaid.size > 200) seenUnpaid.delete(seenUnpaid.values().next().value!);
  };
  const announcedAttempts = new Set<string>();
  return createStore<VoiceState & VoiceActions>()((set, get) => ({
    enabled: true,
    volume: 80,
    language: 'zh-CN',
    configure(patch) {
      set(patch);
    },
    applyOrder(order) {
      if (order.status === 0) noteUnpaid(order.out_trade_no);
      if (order.status !== 1 || order.paid_at === null) return;
      if (order.tender !== 'wxpay' && order.tender !== 'alipay') return;
      if (announcedOrders.has(order.out_trade_no)) return;
      announcedOrders.add(order.out_trade_no);
      const { enabled, volume, language } = get();
      const news = seenUnpaid.has(order.out_trade_no) || Math.abs(now() - order.paid_at) <= FRESH_MS;
      if (!enabled || !news) return;
      output.speak(paidPhrase(order.tender, order.total_fee, language), { volume, language });
    },
    applySale(sale) {
      if (sale.order && sale.order.status === 0) noteUnpaid(sale.order.out_trade_no);
    },
    applyAttempt(attempt) {
      if (attempt.phase !== 'failed' && attempt.phase !== 'reversed') return;
      if (announcedAttempts.has(attempt.out_trade_no)) return;
      announcedAttempts.add(attempt.out_trade_no);
      const { enabled, volume } = get();
      if (!enabled || now() - attempt.updated_at > FRESH_MS) return;
      output.errorTone({ volume });
    },
  }));
}
