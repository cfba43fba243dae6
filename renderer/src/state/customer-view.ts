/**
 * What the customer-facing screen shows, derived from the till's SaleView (the service owns it, so
 * the second window follows the cashier's without any state of its own), or the cash sale just
 * booked (customer-cash-store.ts), with what was tendered and the change.
 */
import { tenderedFeeOf } from '../../../core/common/cash-tendered.ts';
import type {
  MerchantSettingsView,
  OrderView,
  SaleView,
  Wallet,
} from '../../../core/common/contract/views.ts';
import { isPaidStatus } from '../../../core/common/order-status.ts';

export type CustomerView =
  | { readonly kind: 'idle' }
  | { readonly kind: 'pay'; readonly fee: number }
  | { readonly kind: 'waiting'; readonly fee: number }
  | {
      readonly kind: 'paid';
      readonly fee: number;
      readonly wallet: Wallet | null;
      /** A cash sale that recorded what the customer handed over: 实收 and 找零, in fen. */
      readonly cash?: { readonly tendered: number; readonly change: number };
    }
  | { readonly kind: 'failed'; readonly fee: number }
  /** The outcome is not known yet (the terminal is resolving it): the cashier will say. */
  | { readonly kind: 'see_cashier'; readonly fee: number };

export function selectCustomerView(sale: SaleView | null, cashSale: OrderView | null = null): CustomerView {
  if (cashSale) {
    const fee = cashSale.total_fee;
    const tendered = tenderedFeeOf(cashSale.custom);
    return tendered === null
      ? { kind: 'paid', fee, wallet: null }
      : { kind: 'paid', fee, wallet: null, cash: { tendered, change: tendered - fee } };
  }
  if (!sale || sale.state === 'idle' || !sale.order) return { kind: 'idle' };
  const fee = sale.order.total_fee;
  if (sale.state === 'awaiting_scan') return { kind: 'pay', fee };
  if (sale.state === 'charging') return { kind: 'waiting', fee };
  const phase = sale.attempt?.phase;
  if (isPaidStatus(sale.order.status) || phase === 'paid')
    return { kind: 'paid', fee, wallet: sale.attempt?.wallet ?? null };
  if (phase === 'failed' || phase === 'reversed' || phase === 'closed') return { kind: 'failed', fee };
  if (phase === 'needs_attention') return { kind: 'see_cashier', fee };
  return { kind: 'waiting', fee };
}

/** The shop name for the header: the first merchant's name. */
export function shopName(merchants: readonly MerchantSettingsView[] | undefined): string | null {
  return merchants?.[0]?.name ?? null;
}
