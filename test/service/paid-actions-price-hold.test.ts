/**
 * The price floor checked again when the paid action would run (docs/security.md "Paid actions and
 * their price"): an order paid below its action's floor (made before the floor was raised, or through
 * a door that did not check) runs nothing. The action is held on 待处理 like an interrupted one; the
 * customer's money stays booked. A supervisor runs it (重新执行: a person's run is not held again for
 * its price) or refunds the order and marks it done.
 *
 * The engine here checks no floor at order creation (no paidActionFloor): the handler's check is the
 * only one, as for an order that was created before the floor existed.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { heldPaidActionOperations } from '../../core/service/api/held-paid-actions.ts';
import { buildPaidCallbacks } from '../../core/service/paid-actions/paid-actions.ts';
import { PaidActionFloors } from '../../core/service/paid-actions/price-floors.ts';
import { createHarness, type Harness, settle, wxCode } from '../engine/harness.ts';
import { firedLines, writeChairModule } from '../fakes/chair-module.ts';

let dir: string;
let firedFile: string;
let modulePath: string;

beforeEach(() => {
  ({ dir, firedFile, modulePath } = writeChairModule('scanpay-price-hold-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fired = () => firedLines(firedFile);
const who = { by: '店长 李', reason: '顾客确认付了全价' };

/** A chair's module action priced at 900 fen, and a 1 fen payment of it. */
async function cheapPayment(): Promise<{ h: Harness; orderNo: string }> {
  const floors = new PaidActionFloors({
    paid_actions: { '*': [{ kind: 'module', path: modulePath, min_total_fee: 900 }] },
    ui: { mode: 'cashier', kiosk: false },
    qr_display: undefined,
  });
  const callbacks = buildPaidCallbacks(
    { '*': [{ kind: 'module', path: modulePath, min_total_fee: 900 }] },
    dir,
    { floorOf: (type) => floors.floorOf(type) },
  );
  const h = createHarness({ callbacks });
  const paid = await h.engine.pay({ auth_code: wxCode(), total_fee: 1, subject: 'Massage 8 min' });
  await settle(h);
  return { h, orderNo: paid.orderNo };
}

describe('a payment below its paid action floor, when the action would run', () => {
  it('runs nothing and is held on 待处理 with the amount and the floor; the payment stays booked', async () => {
    const { h, orderNo } = await cheapPayment();
    try {
      expect(fired()).toEqual([]);
      const order = h.engine.orderView(orderNo)!;
      expect(order.status).toBe(1);
      expect(order.callback).toMatchObject({ state: 'done', user_order_success: null });
      expect(order.callback!.last_error).toMatch(/paid 1 fen, below 900 fen.*min_total_fee/);
      const ops = heldPaidActionOperations({ engine: h.engine, clock: h.clock });
      const list = await ops.listHeldPaidActions({});
      expect(list).toHaveLength(1);
      // The supervisor is told why: the price, not a restart (the card's text depends on `cause`).
      expect(list[0]).toMatchObject({
        order_no: orderNo,
        total_fee: 1,
        device: `module ${modulePath}`,
        cause: 'below_floor',
        min_total_fee: 900,
      });

      // A later start does not run it either.
      h.restart().recover();
      await settle(h);
      expect(fired()).toEqual([]);
    } finally {
      h.dispose();
    }
  });

  it('"run it again" by a supervisor runs it once, despite the price, and not again after a restart', async () => {
    const { h, orderNo } = await cheapPayment();
    try {
      const ops = heldPaidActionOperations({ engine: h.engine, clock: h.clock });
      await ops.resolveHeldPaidAction({ out_trade_no: orderNo, action: 'run_again', ...who, pin: 'x' });
      await settle(h);
      expect(fired()).toEqual([orderNo]);
      expect(h.engine.orderView(orderNo)!.callback).toMatchObject({
        state: 'done',
        user_order_success: true,
      });
      expect(await ops.listHeldPaidActions({})).toEqual([]);
      h.restart().recover();
      await settle(h);
      expect(fired()).toEqual([orderNo]);
    } finally {
      h.dispose();
    }
  });

  it('refunded in full, it can only be marked done: nothing runs', async () => {
    const { h, orderNo } = await cheapPayment();
    try {
      const ops = heldPaidActionOperations({ engine: h.engine, clock: h.clock });
      await h.engine.refunds.refund({ out_trade_no: orderNo });
      await expect(
        ops.resolveHeldPaidAction({ out_trade_no: orderNo, action: 'run_again', ...who, pin: 'x' }),
      ).rejects.toMatchObject({ code: 'order_fully_refunded' });
      await ops.resolveHeldPaidAction({ out_trade_no: orderNo, action: 'mark_done', ...who, pin: 'x' });
      await settle(h);
      expect(fired()).toEqual([]);
      expect(await ops.listHeldPaidActions({})).toEqual([]);
    } finally {
      h.dispose();
    }
  });
});
