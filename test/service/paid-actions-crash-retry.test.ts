/**
 * A restart during a paid callback's retry wait (docs/deploy.md "Paid actions across a crash"). A
 * list [module (the motor), HTTP] ran the motor, then the HTTP receiver answered 503: the callback
 * waits to be retried. The power goes (or the service is restarted) during that wait. The next
 * process knows what ran only from the journal's callbacks row: it must retry the HTTP action only,
 * never start the motor again (serial and module actions run at most once).
 *
 * A new process is a new buildPaidCallbacks (nothing kept in memory) over the same journal file.
 */
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PaidCallback } from '../../core/engine/engine-deps.ts';
import type { Journal } from '../../core/ports/journal.ts';
import { heldPaidActionOperations } from '../../core/service/api/held-paid-actions.ts';
import type { PaidActionConfig } from '../../core/service/config/service-config.ts';
import { buildPaidCallbacks } from '../../core/service/paid-actions/paid-actions.ts';
import { createHarness, type Harness, settle, wxCode } from '../engine/harness.ts';
import { firedLines, writeChairModule } from '../fakes/chair-module.ts';

let dir: string;
let firedFile: string;
let modulePath: string;
let receiver: Server;
let receiverUrl: string;
let posts: { body: string; status: number }[];
/** The receiver's answer to the next POSTs. */
let answer = 503;
/** Runs when a POST arrives, before it is answered (a test cuts the power there). */
let onPost: () => void = () => {};

beforeEach(async () => {
  ({ dir, firedFile, modulePath } = writeChairModule('scanpay-paid-restart-'));
  posts = [];
  answer = 503;
  onPost = () => {};
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = answer;
      onPost();
      posts.push({ body: Buffer.concat(chunks).toString(), status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? '{"ok":true}' : '{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/paid`;
});
afterEach(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const fired = () => firedLines(firedFile);

/** The journal as a process sees it: after `cut()` every call throws, as when the power goes. */
function killable(inner: Journal): { journal: Journal; cut: () => void } {
  let dead = false;
  const journal = new Proxy(inner, {
    get(target, property, receiverObject) {
      const value = Reflect.get(target, property, receiverObject);
      if (typeof value !== 'function' || property === 'close') return value;
      return (...args: unknown[]) => {
        if (dead) throw new Error('power cut');
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { journal, cut: () => (dead = true) };
}

/** Callbacks whose in-memory state is that of one process: `newProcess()` starts from nothing. */
function processCallbacks(actions: readonly PaidActionConfig[]) {
  let current = buildPaidCallbacks({ '*': actions }, dir);
  const callbacks: Record<string, PaidCallback> = {
    '*': (context, run) => current['*']!(context, run),
  };
  return { callbacks, newProcess: () => (current = buildPaidCallbacks({ '*': actions }, dir)) };
}

/** Steps the fake clock (retry waits) and the real network (the POSTs) until `done` or bounded out. */
async function until(h: Harness, done: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !done(); i++) {
    await h.clock.runAll();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const http = (): PaidActionConfig => ({
  kind: 'http',
  url: receiverUrl,
  secret: 'paid-action-secret-0123456789',
  timeout_ms: 5000,
});

/** A paid order whose list [module, http] ran the motor, then got 503: its callback waits for the retry. */
async function waitingForRetry(actions: readonly PaidActionConfig[]) {
  const process = processCallbacks(actions);
  let power: ReturnType<typeof killable> | null = null;
  const h = createHarness({
    callbacks: process.callbacks,
    journal: (j) => {
      power = killable(j);
      return power.journal;
    },
  });
  const paid = await h.engine.pay({ auth_code: wxCode(), total_fee: 900, subject: 'Massage 8 min' });
  const callback = () => h.journal.getCallback(paid.orderNo);
  for (let i = 0; i < 300 && callback()?.state !== 'retrying'; i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  expect(callback()?.state).toBe('retrying');
  expect(fired()).toEqual([paid.orderNo]);
  expect(posts.map((p) => p.status)).toEqual([503]);
  return { h, orderNo: paid.orderNo, callback, cut: () => power!.cut(), ...process };
}

describe('a restart while a paid callback waits for its retry', () => {
  it('after the motor ran and the HTTP action failed, the next process retries only the HTTP action', async () => {
    const { h, orderNo, callback, cut, newProcess } = await waitingForRetry([
      { kind: 'module', path: modulePath },
      http(),
    ]);
    try {
      // The power goes during the wait; the next process starts with nothing in memory.
      cut();
      newProcess();
      answer = 200;
      h.restart().recover();
      await until(h, () => callback()?.state === 'done');
      await settle(h);

      expect(fired()).toEqual([orderNo]); // the motor ran once, not again after the restart
      expect(posts.map((p) => p.status)).toEqual([503, 200]);
      expect(JSON.parse(posts[1]!.body)).toMatchObject({ out_trade_no: orderNo });
      expect(h.engine.orderView(orderNo)!.callback).toMatchObject({
        state: 'done',
        user_order_success: true,
      });
    } finally {
      h.dispose();
    }
  });

  it('a crash during the retried HTTP action: the next start repeats the HTTP action only, not held', async () => {
    const { h, orderNo, callback, cut, newProcess } = await waitingForRetry([
      { kind: 'module', path: modulePath },
      http(),
    ]);
    try {
      cut();
      newProcess();
      answer = 200;
      // The second process: the power goes while the receiver handles its POST (before "done").
      let power: ReturnType<typeof killable> | null = null;
      onPost = () => power?.cut();
      h.restart((j) => {
        power = killable(j);
        return power.journal;
      }).recover();
      await until(h, () => posts.length >= 2);
      await settle(h).catch(() => {});
      expect(callback()?.state).toBe('running');

      // The third process: the run was interrupted, but the journal says the motor already ran.
      onPost = () => {};
      newProcess();
      h.restart().recover();
      await until(h, () => callback()?.state === 'done');
      await settle(h);

      expect(fired()).toEqual([orderNo]);
      expect(posts.map((p) => p.status)).toEqual([503, 200, 200]);
      expect(JSON.parse(posts[2]!.body)).toMatchObject({ out_trade_no: orderNo, interrupted: true });
      expect(h.engine.orderView(orderNo)!.callback).toMatchObject({
        state: 'done',
        user_order_success: true,
      });
    } finally {
      h.dispose();
    }
  });

  it('a paid action list edited during the wait: what ran cannot be matched, so it is held, not run, until a person orders it', async () => {
    const { h, orderNo, callback, cut } = await waitingForRetry([
      { kind: 'module', path: modulePath },
      http(),
    ]);
    try {
      cut();
      // The next process runs another config: the chair's module moved to the second place.
      const edited = buildPaidCallbacks({ '*': [http(), { kind: 'module', path: modulePath }] }, dir);
      h.callbacks['*'] = edited['*']!;
      answer = 200;
      h.restart().recover();
      await until(h, () => callback()?.state === 'done');
      await settle(h);

      expect(fired()).toEqual([orderNo]);
      expect(posts.map((p) => p.status)).toEqual([503]);
      expect(h.engine.orderView(orderNo)!.callback).toMatchObject({
        state: 'done',
        user_order_success: null,
      });
      expect(h.engine.orderView(orderNo)!.callback!.last_error).toMatch(/changed.*not repeated/);
      const ops = heldPaidActionOperations({ engine: h.engine, clock: h.clock });
      expect(await ops.listHeldPaidActions({})).toMatchObject([{ order_no: orderNo, cause: 'changed' }]);

      // The supervisor asked the customer, who got nothing: 重新执行 runs the list as it now is.
      await ops.resolveHeldPaidAction({
        out_trade_no: orderNo,
        action: 'run_again',
        by: '店长 李',
        reason: '顾客说按摩椅没有启动',
        pin: 'x',
      });
      await until(h, () => h.engine.orderView(orderNo)!.callback?.state === 'done');
      await settle(h);
      expect(fired()).toEqual([orderNo, orderNo]);
      expect(posts.map((p) => p.status)).toEqual([503, 200]);
      expect(h.engine.orderView(orderNo)!.callback).toMatchObject({
        state: 'done',
        user_order_success: true,
      });
      expect(await ops.listHeldPaidActions({})).toEqual([]);
    } finally {
      h.dispose();
    }
  });
});
