/**
 * A type's paid actions run as one callback, and a callback that throws is retried (bounded). When a
 * serial or module action (a motor: run at most once, docs/deploy.md) succeeded and a later action of
 * the same list failed (an HTTP receiver down), the retry must not start the motor again: only what
 * has not run yet is run again.
 */
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPaidCallbacks } from '../../core/service/paid-actions/paid-actions.ts';
import { createHarness, settle, wxCode } from '../engine/harness.ts';
import { firedLines, writeChairModule } from '../fakes/chair-module.ts';

let dir: string;
let firedFile: string;
let modulePath: string;
let receiver: Server;
let receiverUrl: string;
let posts = 0;
let failPosts = 0;

beforeEach(async () => {
  ({ dir, firedFile, modulePath } = writeChairModule('scanpay-paid-retry-'));
  posts = 0;
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts++;
      const failing = posts <= failPosts;
      res.writeHead(failing ? 503 : 200, { 'content-type': 'application/json' });
      res.end(failing ? '{}' : '{"ok":true}');
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

describe('a list of paid actions whose HTTP action fails after the motor ran', () => {
  it('retries the HTTP action only: the motor ran once, and the order ends fulfilled', async () => {
    failPosts = 2;
    const callbacks = buildPaidCallbacks(
      {
        '*': [
          { kind: 'module', path: modulePath },
          { kind: 'http', url: receiverUrl, secret: 'paid-action-secret-0123456789', timeout_ms: 5000 },
        ],
      },
      dir,
    );
    const h = createHarness({ callbacks });
    try {
      const paid = await h.engine.pay({ auth_code: wxCode(), total_fee: 900, subject: 'Massage 8 min' });
      // The retries wait on the fake clock, the POSTs on the real network: step both until it is done.
      for (let i = 0; i < 200 && h.engine.orderView(paid.orderNo)!.callback?.state !== 'done'; i++) {
        await h.clock.runAll();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await settle(h);
      expect(posts).toBe(3);
      expect(fired()).toEqual([paid.orderNo]);
      expect(h.engine.orderView(paid.orderNo)!.callback).toMatchObject({
        state: 'done',
        user_order_success: true,
      });
    } finally {
      h.dispose();
    }
  });
});
