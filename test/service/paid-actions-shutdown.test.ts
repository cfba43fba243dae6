/**
 * A graceful shutdown is not a crash. A payment booked while the service is shutting down (a paid
 * notification or a query reply that lands during the stop) has its paid action claimed in the
 * payment's transaction, but the stopping runner never starts it. The next start must run it as
 * usual: holding it "may have run, check the device" would leave a customer who paid without the
 * chair starting, for a motor that certainly never got the command.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPaidCallbacks } from '../../core/service/paid-actions/paid-actions.ts';
import { createHarness, settle, wxCode } from '../engine/harness.ts';
import { firedLines, writeChairModule } from '../fakes/chair-module.ts';

let dir: string;
let firedFile: string;
let modulePath: string;

beforeEach(() => {
  ({ dir, firedFile, modulePath } = writeChairModule(
    'scanpay-paid-stop-',
    "c.out_trade_no + (c.interrupted ? ' interrupted' : '')",
  ));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fired = () => firedLines(firedFile);

describe('a paid action whose payment is booked during a graceful shutdown', () => {
  it('is run at the next start, once, and not held as interrupted', async () => {
    const h = createHarness({
      callbacks: buildPaidCallbacks({ '*': [{ kind: 'module', path: modulePath }] }, dir),
    });
    const code = wxCode();
    h.wx.customers.set(code, 'password'); // the customer is still typing the password: polling
    const attempt = await h.engine.pay({ auth_code: code, total_fee: 900, subject: 'Massage' });
    expect(attempt.phase).toBe('polling');

    const stopping = h.engine.shutdown();
    // The provider's paid notification lands while the service stops.
    const booked = h.engine.notifyPaid(attempt.outTradeNo, {
      kind: 'paid',
      transactionId: 'TX-STOP-1',
      totalFee: 900,
    });
    expect(booked.phase).toBe('paid');
    await stopping;
    expect(fired()).toEqual([]); // the stopping runner started nothing

    h.restart().recover();
    await settle(h);
    expect(fired()).toEqual([attempt.orderNo]);
    expect(h.engine.orderView(attempt.orderNo)!.callback).toMatchObject({
      state: 'done',
      user_order_success: true,
      last_error: null,
    });
    h.dispose();
  });
});
