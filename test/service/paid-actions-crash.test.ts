/**
 * Paid actions across a crash (README "Paid actions", docs/deploy.md "Paid actions across a crash").
 * The window: the action ran (the chair started), then the power went before the journal wrote
 * that it ran. At the next start the callback row still says `running`.
 *
 * - A serial or module action starts something physical and cannot be asked whether it ran: it is
 *   NOT run again (at most once); the order's callback says so (user_order_success null, the reason in
 *   last_error) for a person to check the device.
 * - An HTTP action is run again with the same Idempotency-Key (the receiver refuses the repeat).
 * - Without the crash each runs exactly once.
 *
 * The crash is the journal's crash injection (test/fakes/crashing-journal.ts): the power goes while
 * the "callback done" write is under way, after the action ran.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PaidActionConfig } from '../../core/service/config/service-config.ts';
import { buildPaidCallbacks } from '../../core/service/paid-actions/paid-actions.ts';
import { createHarness, type Harness, settle, wxCode } from '../engine/harness.ts';
import { firedLines, writeChairModule } from '../fakes/chair-module.ts';
import { crashingJournal } from '../fakes/crashing-journal.ts';

let dir: string;
let firedFile: string;
let modulePath: string;
let receiver: Server;
let receiverUrl: string;
let posts: { key: string | undefined; body: string }[];

beforeAll(async () => {
  posts = [];
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = req.headers['idempotency-key'];
      posts.push({ key: typeof key === 'string' ? key : undefined, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/paid`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

beforeEach(() => {
  // The "motor": every run appends the order number, as a chair's controller would start once per call.
  ({ dir, firedFile, modulePath } = writeChairModule('scanpay-paid-crash-'));
  posts = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fired = () => firedLines(firedFile);

/** A paid WeChat charge whose action runs, then the power goes during the "done" write (k = that write). */
async function payAndCrashAfterTheAction(actions: readonly PaidActionConfig[], crash: boolean) {
  const callbacks = buildPaidCallbacks({ '*': actions }, dir);
  // First count the writes of an undisturbed payment: the last one is the callback's "done".
  let writes = () => 0;
  const probe = createHarness({
    callbacks,
    journal: (j) => {
      const counted = crashingJournal(j, Number.POSITIVE_INFINITY);
      writes = counted.writes;
      return counted.journal;
    },
  });
  await probe.engine.pay({ auth_code: wxCode(), total_fee: 900, subject: 'Massage' });
  await settle(probe);
  const doneWrite = writes();
  probe.dispose();
  writeFileSync(firedFile, '');
  posts = [];

  const h: Harness = createHarness({
    callbacks,
    journal: (j) => crashingJournal(j, crash ? doneWrite : Number.POSITIVE_INFINITY, 'during').journal,
  });
  const first = await h.engine.pay({ auth_code: wxCode(), total_fee: 900, subject: 'Massage' });
  await settle(h).catch(() => {});
  await h.clock.flush();
  return { h, orderNo: first.orderNo };
}

describe('a paid action across a crash between running it and journaling it', () => {
  it('a module (physical) action is not run again; the order shows the unknown outcome', async () => {
    const { h, orderNo } = await payAndCrashAfterTheAction([{ kind: 'module', path: modulePath }], true);
    expect(fired()).toEqual([orderNo]);
    expect(h.journal.getCallback(orderNo)?.state).toBe('running'); // the power went before "done"

    const engine = h.restart();
    engine.recover();
    await settle(h);

    expect(fired()).toEqual([orderNo]); // at most once: the chair is not started a second time
    const callback = h.engine.orderView(orderNo)!.callback!;
    expect(callback).toMatchObject({ state: 'done', user_order_success: null });
    expect(callback.last_error).toMatch(/interrupted.*may have run.*not repeated/);
    expect(h.engine.orderView(orderNo)!.status).toBe(1); // the payment itself stays booked

    h.restart().recover(); // and a later start does not run it either
    await settle(h);
    expect(fired()).toEqual([orderNo]);
    h.dispose();
  });

  it('an HTTP action is run again with the same Idempotency-Key, for the receiver to refuse', async () => {
    const http: PaidActionConfig = {
      kind: 'http',
      url: receiverUrl,
      secret: 'paid-action-secret-0123456789',
      timeout_ms: 5000,
    };
    const { h, orderNo } = await payAndCrashAfterTheAction([http], true);
    expect(posts.map((p) => p.key)).toEqual([orderNo]);

    h.restart().recover();
    await settle(h);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await h.engine.idle();

    expect(posts.map((p) => p.key)).toEqual([orderNo, orderNo]);
    expect(JSON.parse(posts[1]!.body)).toMatchObject({ out_trade_no: orderNo, interrupted: true });
    expect(h.engine.orderView(orderNo)!.callback).toMatchObject({ state: 'done', user_order_success: true });
    h.dispose();
  });

  it('without a crash, a module action runs exactly once and no later start repeats it', async () => {
    const { h, orderNo } = await payAndCrashAfterTheAction([{ kind: 'module', path: modulePath }], false);
    expect(fired()).toEqual([orderNo]);
    h.restart().recover();
    await settle(h);
    expect(fired()).toEqual([orderNo]);
    expect(h.engine.orderView(orderNo)!.callback).toMatchObject({ state: 'done', user_order_success: true });
    h.dispose();
  });
});
