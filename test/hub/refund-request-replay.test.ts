/**
 * A signed refund request the till refused (its order could not take it then: another refund of it
 * still unanswered, refund_in_flight) is closed at the hub as refused, and the owner, seeing it refused,
 * asks again with a new request. The refused hand-out stays validly signed until its expiry: someone on
 * the store LAN who captured it (the link may be plain http) replays it once the order could take it.
 * The till must not carry out a request it already refused: the money would move on a request the hub
 * shows as refused (outside the till's daily cap, beside the owner's new request: refunded twice).
 * No PostgreSQL: the runner against a small HTTP server standing for the hub.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../core/common/errors.ts';
import type { RefundInput } from '../../core/engine/refund-service.ts';
import { REFUND_REQUEST_VALIDITY_MS, signRefundOrder } from '../../core/hub/refund-signature.ts';
import { RefusedHubRefunds } from '../../core/journal/refused-hub-refunds.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { createHubRefundRunner } from '../../core/service/hub-refund-runner.ts';

const keys = generateKeyPairSync('ed25519');
const refusals: unknown[] = [];
let hub: Server;
let hubUrl: string;

beforeAll(async () => {
  hub = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/api/terminal/refund-refusal')
        refusals.push(JSON.parse(Buffer.concat(chunks).toString()));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => hub.close(() => resolve())));

const quiet = { info() {}, warn() {}, error() {} };

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
}

describe('a refund request the till refused, replayed', () => {
  it('is not carried out later, while its signature is still valid', async () => {
    let now = 1_800_000_000_000;
    const asked: RefundInput[] = [];
    let inFlight = true; // another refund of the order has no answer yet
    const runner = createHubRefundRunner({
      hubUrl,
      token: 'spt_test',
      terminalId: 'T1',
      key: keys.publicKey,
      now: () => now,
      logger: quiet,
      known: () => undefined, // refused before journaling: the journal never holds its number
      refund: async (input) => {
        asked.push(input);
        if (inFlight)
          throw new ConflictError('refund_in_flight', 'another refund of this order has no answer yet');
        return {};
      },
    });
    const handedOut = signRefundOrder(
      {
        terminal_id: 'T1',
        request_id: 'owner-req-0001',
        order_no: 'A1',
        out_refund_no: 'A1H7',
        refund_fee: 500,
        reason: null,
      },
      keys.privateKey,
      now,
    );
    runner([handedOut]);
    await until(() => refusals.length === 1);
    expect(refusals).toEqual([{ out_refund_no: 'A1H7', code: 'refund_in_flight' }]);
    expect(asked).toHaveLength(1);

    // The other refund is answered; minutes later, within the validity, the captured hand-out comes back.
    inFlight = false;
    now += REFUND_REQUEST_VALIDITY_MS / 3;
    // Replayed with every ingest answer for a while (the first ones may meet the refusal still being sent).
    for (let i = 0; i < 20; i++) {
      runner([handedOut]);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(asked).toHaveLength(1);
    // Refused again, with the first refusal's code: the hub's record stays what it was.
    expect(refusals.length).toBeGreaterThan(1);
    expect(new Set(refusals.map((r) => JSON.stringify(r)))).toEqual(
      new Set([JSON.stringify({ out_refund_no: 'A1H7', code: 'refund_in_flight' })]),
    );
  });
});

describe('a refund request the till refused, replayed after a till restart', () => {
  it('is refused again from the journal file, never made', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scanpay-refused-'));
    const path = join(dir, 'journal.sqlite');
    let now = 1_800_000_000_000;
    const asked: RefundInput[] = [];
    let inFlight = true;
    const sent = refusals.length;
    const till = (journal: SqliteJournal) =>
      createHubRefundRunner({
        hubUrl,
        token: 'spt_test',
        terminalId: 'T1',
        key: keys.publicKey,
        now: () => now,
        logger: quiet,
        known: () => undefined,
        refused: new RefusedHubRefunds(journal),
        refund: async (input) => {
          asked.push(input);
          if (inFlight)
            throw new ConflictError('refund_in_flight', 'another refund of this order has no answer yet');
          return {};
        },
      });
    const handedOut = signRefundOrder(
      {
        terminal_id: 'T1',
        request_id: 'owner-req-0002',
        order_no: 'B1',
        out_refund_no: 'B1H9',
        refund_fee: 700,
        reason: null,
      },
      keys.privateKey,
      now,
    );
    try {
      const first = new SqliteJournal(path);
      till(first)([handedOut]);
      await until(() => refusals.length === sent + 1);
      expect(refusals.slice(sent)).toEqual([{ out_refund_no: 'B1H9', code: 'refund_in_flight' }]);
      first.close();

      // The till restarts (a new runner, its memory gone, the same journal file); the order can take it now.
      inFlight = false;
      now += REFUND_REQUEST_VALIDITY_MS / 3;
      const reopened = new SqliteJournal(path);
      const again = till(reopened);
      for (let i = 0; i < 5; i++) {
        again([handedOut]);
        await new Promise((r) => setTimeout(r, 10));
      }
      await until(() => refusals.length > sent + 1);
      expect(asked).toHaveLength(1);
      expect(refusals.slice(sent).every((r) => JSON.stringify(r) === JSON.stringify(refusals[sent]))).toBe(
        true,
      );
      expect(refusals.length).toBeGreaterThan(sent + 1);

      // Past its expiry the record is pruned: the signature check refuses the hand-out anyway (expired).
      now = handedOut.expires_at + 1;
      const pruned = new RefusedHubRefunds(reopened);
      const rows = () =>
        reopened.db.prepare('SELECT count(*) AS n FROM hub_refused_refunds').get() as { n: number };
      expect(rows().n).toBe(1);
      pruned.prune(now);
      expect(rows().n).toBe(0);
      expect(pruned.get('B1H9', now)).toBeUndefined();
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
