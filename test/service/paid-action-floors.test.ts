/**
 * Which floor a type's paid actions have (core/service/paid-actions/price-floors.ts): the largest
 * min_total_fee of the list the type runs (its own, else `*`); on a QR display device, the QR
 * product's price when the list sets none, following a product the hub's store config changes.
 */
import { describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../core/service/config/service-config.ts';
import { PaidActionFloors } from '../../core/service/paid-actions/price-floors.ts';

const chair = (min_total_fee?: number) => ({
  kind: 'module' as const,
  path: 'chair.mjs',
  ...(min_total_fee === undefined ? {} : { min_total_fee }),
});

function floors(
  paid_actions: ServiceConfig['paid_actions'],
  mode: 'cashier' | 'qr' = 'cashier',
  product?: number,
): PaidActionFloors {
  return new PaidActionFloors({
    paid_actions,
    ui: { mode, kiosk: false },
    qr_display:
      product === undefined
        ? undefined
        : { product: { name: 'Massage', total_fee: product }, success_ms: 8000, auto_start: false },
  });
}

describe('paid action floors', () => {
  it('a type takes the largest min_total_fee of the list it runs, its own or else `*`', () => {
    const f = floors({ massage: [chair(900), chair(1500), chair()], '*': [chair(300)] });
    expect(f.floorOf('massage')).toEqual({ fen: 1500, source: 'min_total_fee' });
    expect(f.floorOf('goods')).toEqual({ fen: 300, source: 'min_total_fee' });
  });

  it('no floor without min_total_fee on a cashier terminal, nor for a type that runs nothing', () => {
    expect(floors({ '*': [chair()] }, 'cashier', 1500).floorOf('goods')).toBeNull();
    expect(floors({ massage: [chair(900)] }).floorOf('goods')).toBeNull();
    expect(floors({}, 'qr', 1500).floorOf('goods')).toBeNull();
  });

  it('on a QR device, a list without min_total_fee floors at the product price, as the product changes', () => {
    const f = floors({ '*': [chair()], tip: [chair(1)] }, 'qr', 1500);
    expect(f.floorOf('goods')).toEqual({ fen: 1500, source: 'qr_display.product' });
    expect(f.floorOf('tip')).toEqual({ fen: 1, source: 'min_total_fee' });
    f.useQrProduct({ total_fee: 2000 });
    expect(f.floorOf('goods')).toEqual({ fen: 2000, source: 'qr_display.product' });
    f.useQrProduct(undefined);
    expect(f.floorOf('goods')).toBeNull();
  });
});
