/**
 * A paid action held after a crash (test/service/paid-actions-crash.test.ts makes one) waits on the
 * 待处理 list with what is known: order, amount, device, when. The supervisor decides: "run it again"
 * (the customer did not get the service) runs the action once more, "mark done" (they did) runs
 * nothing. Each decision is journaled with who and why, and repeating it changes nothing.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { heldPaidActionOperations } from '../../core/service/api/held-paid-actions.ts';
import { buildPaidCallbacks } from '../../core/service/paid-actions/paid-actions.ts';
import { createHarness, type Harness, settle, wxCode } from '../engine/harness.ts';
import { firedLines, writeChairModule } from '../fakes/chair-module.ts';
import { crashingJournal } from '../fakes/crashing-journal.ts';

let dir: string;
let firedFile: string;
let modulePath: string;

beforeEach(() => {
  ({ dir, firedFile, modulePath } = writeChairModule('scanpay-paid-held-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fired = () => firedLines(firedFile);

/** A paid order whose chair action ran, then the power went before "done" was written; restarted. */
async function heldAfterCrash(): Promise<{ h: Harness; orderNo: string }> {
  const callbacks = buildPaidCallbacks({ '*': [{ kind: 'module', path: modulePath }] }, dir);
  let writes = () => 0;
  const probe = createHarness({
    callbacks,
    journal: (j) => {
      const counted = crashingJournal(j, Number.POSITIVE_INFINITY);
      writes = counted.writes;
      return counted.journal;
    },
  });
  await probe.engine.pay({ auth_code: wxCode(), total_fee: 900, subject: 'Massage 8 min' });
  await settle(probe);
  const doneWrite = writes();
  probe.dispose();
  writeFileSync(firedFile, '');

  const h = createHarness({ callbacks, journal: (j) => crashingJournal(j, doneWrite, 'during').journal });
  const first = await h.engine.pay({ auth_code: wxCode(), total_fee: 900, subject: 'Massage 8 min' });
  await settle(h).catch(() => {});
  await h.clock.flush();
  h.restart().recover();
  await settle(h);
  expect(h.engine.orderView(first.orderNo)!.callback).toMatchObject({
    state: 'done',
    user_order_success: null,
  });
  return { h, orderNo: first.orderNo };
}

const who = { by: '店长 李', reason: '顾客说按摩椅没有启动' };
const steps = (h: Harness, orderNo: string) =>
  h.journal.timeline(orderNo).map((s) => `${s.op}: ${s.summary}`);

describe('held paid actions on the 待处理 list', () => {
  it('lists a held action with order, amount, device and when', async () => {
    const { h, orderNo } = await heldAfterCrash();
    const ops = heldPaidActionOperations({ engine: h.engine, clock: h.clock });
    const list = await ops.listHeldPaidActions({});
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      order_no: orderNo,
      subject: 'Massage 8 min',
      total_fee: 900,
      provider: 'wxpay',
    });
    expect(list[0]!.reason).toContain(modulePath);
    expect(list[0]!.device).toBe(`module ${modulePath}`);
    expect(list[0]).toMatchObject({ cause: 'interrupted', min_total_fee: null });
    expect(list[0]!.held_at).toBeGreaterThan(0);
    h.dispose();
  });

  it('"run it again" runs the action once more, journaled with who and why; repeating it runs nothing', async () => {
    const { h, orderNo } = await heldAfterCrash();
    const ops = heldPaidActionOperations({ engine: h.engine, clock: h.clock });
    expect(fired()).toEqual([orderNo]);

    const first = await ops.resolveHeldPaidAction({
      out_trade_no: orderNo,
      action: 'run_again',
      ...who,
      pin: 'x',
    });
    await settle(h);
    expect(first.order_no).toBe(orderNo);
    expect(fired()).toEqual([orderNo, orderNo]);
    expect(h.engine.orderView(orderNo)!.callback).toMatchObject({ state: 'done', user_order_success: true });
    expect(steps(h, orderNo).join('\n')).toMatch(/paid_action_run_again: 店长 李: 顾客说按摩椅没有启动/);

    await ops.resolveHeldPaidAction({ out_trade_no: orderNo, action: 'run_again', ...who, pin: 'x' });
    await settle(h);
    expect(fired()).toEqual([orderNo, orderNo]);
    expect(await ops.listHeldPaidActions({})).toEqual([]);
    h.dispose();
  });

  it('"mark done" runs nothing and clears it; repeating it is harmless; the other action is then refused', async () => {
    const { h, orderNo } = await heldAfterCrash();
    const ops = heldPaidActionOperations({ engine: h.engine, clock: h.clock });

    await ops.resolveHeldPaidAction({ out_trade_no: orderNo, action: 'mark_done', ...who, pin: 'x' });
    await ops.resolveHeldPaidAction({ out_trade_no: orderNo, action: 'mark_done', ...who, pin: 'x' });
    await settle(h);
    expect(fired()).toEqual([orderNo]);
    expect(h.engine.orderView(orderNo)!.callback).toMatchObject({ state: 'done', user_order_success: true });
    expect(steps(h, orderNo).filter((s) => s.startsWith('paid_action_mark_done'))).toHaveLength(1);
    expect(await ops.listHeldPaidActions({})).toEqual([]);
    await expect(
      ops.resolveHeldPaidAction({ out_trade_no: orderNo, action: 'run_again', ...who, pin: 'x' }),
    ).rejects.toMatchObject({ code: 'paid_action_not_held' });
    expect(fired()).toEqual([orderNo]);

    h.restart().recover();
    await settle(h);
    expect(fired()).toEqual([orderNo]);
    h.dispose();
  });

  it('an order whose action was not held is refused plainly', async () => {
    const h = createHarness();
    const paid = await h.engine.pay({ auth_code: wxCode(), total_fee: 500, subject: 'Tea' });
    await settle(h);
    const ops = heldPaidActionOperations({ engine: h.engine, clock: h.clock });
    await expect(
      ops.resolveHeldPaidAction({ out_trade_no: paid.orderNo, action: 'mark_done', ...who, pin: 'x' }),
    ).rejects.toMatchObject({ code: 'paid_action_not_held' });
    h.dispose();
  });

  it('"run it again" is refused once the order was refunded in full (the customer has their money back); "mark done" still clears it', async () => {
    const { h, orderNo } = await heldAfterCrash();
    const ops = heldPaidActionOperations({ engine: h.engine, clock: h.clock });
    // The chair did not start, so the customer was refunded at the till before anyone looked at 待处理.
    await h.engine.refunds.refund({ out_trade_no: orderNo });
    expect(h.engine.orderView(orderNo)!.status).toBe(3);

    await expect(
      ops.resolveHeldPaidAction({ out_trade_no: orderNo, action: 'run_again', ...who, pin: 'x' }),
    ).rejects.toMatchObject({ code: 'order_fully_refunded' });
    await settle(h);
    expect(fired()).toEqual([orderNo]);
    expect(steps(h, orderNo).some((s) => s.startsWith('paid_action_run_again'))).toBe(false);

    await ops.resolveHeldPaidAction({ out_trade_no: orderNo, action: 'mark_done', ...who, pin: 'x' });
    await settle(h);
    expect(fired()).toEqual([orderNo]);
    expect(await ops.listHeldPaidActions({})).toEqual([]);
    h.dispose();
  });
});
