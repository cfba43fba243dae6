/**
 * The lowest price at which an order's paid actions run (docs/security.md "Paid actions and their
 * price"). Any caller with `pay` chooses an order's `type` and `total_fee`; without a floor, a 1 fen
 * payment of the type that starts the massage chair would start it. The floor of a type is the
 * largest `min_total_fee` of the actions that type runs (its own list, else `*`). On a QR display
 * device (`ui.mode: "qr"`), a list with no `min_total_fee` floors at the QR product's price, the
 * price the device sells at; a store config from the hub that changes the product moves it
 * (useQrProduct). Without either, there is no floor, as before.
 *
 * The floor is checked twice: when the order is created (the engine refuses it with
 * `total_fee_below_floor` before anything is journaled or charged), and when the actions would run
 * (./paid-actions.ts holds a payment below it for a person instead of running it): an order made
 * before the floor was raised, or paid through another door, is still caught.
 */
import type { PaidActionConfig, ServiceConfig } from '../config/service-config.ts';

export interface PaidActionFloor {
  /** The lowest total_fee, in fen, at which the actions run. */
  readonly fen: number;
  /** Where it comes from, for the messages: the actions' own setting or the QR product's price. */
  readonly source: 'min_total_fee' | 'qr_display.product';
}

type FloorConfig = Pick<ServiceConfig, 'paid_actions' | 'ui' | 'qr_display'>;

export class PaidActionFloors {
  private readonly actions: Readonly<Record<string, readonly PaidActionConfig[]>>;
  private readonly qrDevice: boolean;
  private qrProductFee: number | null;

  constructor(config: FloorConfig) {
    this.actions = config.paid_actions;
    this.qrDevice = config.ui.mode === 'qr';
    this.qrProductFee = config.qr_display?.product?.total_fee ?? null;
  }

  /** A store config kept while running changed the QR product (core/service/hub-store-config.ts). */
  useQrProduct(product: { readonly total_fee: number } | undefined): void {
    this.qrProductFee = product?.total_fee ?? null;
  }

  /** The floor of the paid actions an order of `type` runs; null when it has none (or runs nothing). */
  floorOf(type: string): PaidActionFloor | null {
    const list = this.actions[type] ?? this.actions['*'] ?? [];
    if (list.length === 0) return null;
    const own = list.flatMap((action) => (action.min_total_fee === undefined ? [] : [action.min_total_fee]));
    if (own.length > 0) return { fen: Math.max(...own), source: 'min_total_fee' };
    if (this.qrDevice && this.qrProductFee !== null)
      return { fen: this.qrProductFee, source: 'qr_display.product' };
    return null;
  }
}
