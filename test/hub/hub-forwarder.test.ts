/**
 * The forwarder against a scripted hub on 127.0.0.1: batches are capped and in seq order, rows go
 * only once the hub acknowledges them and never beyond what it acknowledged, an answer that is not
 * an acknowledgement (or a 5xx, or a refused token) deletes nothing and is reported by kind, and
 * the waits between failures are timing.ts's back-off.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxRow } from '../../core/journal/journal-outbox.ts';
import { type HubForwarder, type HubOutbox, startHubForwarder } from '../../core/service/hub-forwarder.ts';
import { eventually } from './hub-processes.ts';

type Reply = { status: number; body: string } | ((seqs: number[]) => { status: number; body: string });

const servers: Server[] = [];
const forwarders: HubForwarder[] = [];
afterEach(async () => {
  await Promise.all(forwarders.splice(0).map((f) => f.stop()));
  for (const server of servers.splice(0)) server.close();
});

/** A hub that answers each request with the next scripted reply (the last one repeats). */
async function scriptedHub(
  replies: Reply[],
): Promise<{ url: string; batches: number[][]; auth: string[]; terminals: string[] }> {
  const batches: number[][] = [];
  const auth: string[] = [];
  const terminals: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const batch = JSON.parse(body) as { terminal_id: string; changes: { seq: number }[] };
      const seqs = batch.changes.map((c) => c.seq);
      batches.push(seqs);
      terminals.push(batch.terminal_id);
      auth.push(String(req.headers.authorization));
      const reply = replies[Math.min(batches.length - 1, replies.length - 1)]!;
      const { status, body: text } = typeof reply === 'function' ? reply(seqs) : reply;
      res.writeHead(status, { 'content-type': 'application/json' }).end(text);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, batches, auth, terminals };
}

/** `n` order changes; `terminalIds[i]` is the id row i was made under (null or absent: the current one). */
function memoryOutbox(
  n: number,
  terminalIds: readonly (string | null)[] = [],
): HubOutbox & { rows: OutboxRow[] } {
  const rows: OutboxRow[] = Array.from({ length: n }, (_, i) => ({
    seq: i + 1,
    kind: 'order',
    ref: `O${i + 1}`,
    payload: JSON.stringify({ order_no: `O${i + 1}` }),
    at: 1,
    terminalId: terminalIds[i] ?? null,
  }));
  return {
    rows,
    outboxBatch: (limit) => rows.slice(0, limit),
    outboxAck: (seq) => {
      while (rows.length > 0 && rows[0]!.seq <= seq) rows.shift();
    },
    outboxCount: () => rows.length,
  };
}

const ackAll = (seqs: number[]) => ({
  status: 200,
  body: JSON.stringify({ ok: true, acked_seq: seqs.at(-1) ?? 0 }),
});
const quiet = { info: () => {}, warn: () => {} };
const status = () => ({ version: '0.1.0', ready: true, needs_attention: 0, scanners: [], printer: null });

function forward(
  url: string,
  outbox: HubOutbox,
  extra: Partial<Parameters<typeof startHubForwarder>[0]> = {},
) {
  const forwarder = startHubForwarder({
    url,
    token: 'spt_test-token-aaaaaaaaaaaaaaaaaaaaaaaa',
    terminalId: 'T1',
    outbox,
    status,
    logger: quiet,
    pollMs: 20,
    backoff: { initialMs: 10, maxMs: 40 },
    ...extra,
  });
  forwarders.push(forwarder);
  return forwarder;
}

describe('the hub forwarder', () => {
  it('sends capped batches in seq order with the token and drains the outbox', async () => {
    const hub = await scriptedHub([ackAll]);
    const outbox = memoryOutbox(25);
    forward(hub.url, outbox, { batchSize: 10 });
    await eventually('drained', async () => (outbox.rows.length === 0 ? true : undefined), 5000);
    const sent = hub.batches.filter((b) => b.length > 0);
    expect(sent.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(sent.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(hub.auth[0]).toBe('Bearer spt_test-token-aaaaaaaaaaaaaaaaaaaaaaaa');
  });

  it('sends each change under the terminal id it was made under, one id per batch', async () => {
    const hub = await scriptedHub([ackAll]);
    // Rows 1-3 were made as T0, 4-5 before the id was recorded (the current one), 6 as T1.
    const outbox = memoryOutbox(6, ['T0', 'T0', 'T0', null, null, 'T1']);
    forward(hub.url, outbox, { batchSize: 10 });
    await eventually('drained', async () => (outbox.rows.length === 0 ? true : undefined), 5000);
    const sent = hub.batches
      .map((seqs, i) => [hub.terminals[i], seqs])
      .filter(([, seqs]) => seqs!.length > 0);
    expect(sent).toEqual([
      ['T0', [1, 2, 3]],
      ['T1', [4, 5, 6]],
    ]);
  });

  it('deletes only what the hub acknowledged, and never past the batch it sent', async () => {
    const hub = await scriptedHub([
      { status: 200, body: JSON.stringify({ ok: true, acked_seq: 3 }) },
      { status: 200, body: JSON.stringify({ ok: true, acked_seq: 999 }) },
    ]);
    const outbox = memoryOutbox(8);
    const forwarder = forward(hub.url, outbox, { batchSize: 5 });
    await eventually('two batches', async () => (hub.batches.length >= 2 ? true : undefined), 5000);
    await forwarder.stop();
    expect(hub.batches[0]).toEqual([1, 2, 3, 4, 5]);
    // After acking 3, the next batch starts at 4; its answer (999) deletes only up to its own last row.
    expect(hub.batches[1]).toEqual([4, 5, 6, 7, 8]);
    expect(outbox.rows.length).toBe(0);
  });

  it('keeps the rows and says why when the hub is down, refuses the token or answers nonsense', async () => {
    for (const [reply, problem] of [
      [{ status: 503, body: '{"ok":false,"error":{"code":"hub_unavailable"}}' }, 'hub_unavailable'],
      [{ status: 403, body: '{"ok":false,"error":{"code":"hub_forbidden"}}' }, 'token_refused'],
      [{ status: 200, body: '<html>captive portal</html>' }, 'bad_answer'],
      [{ status: 200, body: '{"ok":true}' }, 'bad_answer'],
    ] as const) {
      const hub = await scriptedHub([reply]);
      const outbox = memoryOutbox(4);
      const forwarder = forward(hub.url, outbox);
      await eventually(
        problem,
        async () => (forwarder.status().problem === problem ? true : undefined),
        5000,
      );
      expect(forwarder.status().waiting).toBe(4);
      await forwarder.stop();
      expect(outbox.rows.length).toBe(4);
    }
  });

  it('reports an unreachable hub, backs off with timing.ts, and delivers once it answers', async () => {
    const hub = await scriptedHub([
      { status: 503, body: '{}' },
      { status: 503, body: '{}' },
      { status: 503, body: '{}' },
      ackAll,
    ]);
    const waits: number[] = [];
    const outbox = memoryOutbox(3);
    const forwarder = forward(hub.url, outbox, {
      backoff: { initialMs: 10, maxMs: 25, jitter: 0.5 },
      random: () => {
        waits.push(waits.length);
        return 0;
      },
    });
    await eventually('delivered', async () => (outbox.rows.length === 0 ? true : undefined), 5000);
    expect(forwarder.status()).toMatchObject({ waiting: 0, problem: null });
    expect(hub.batches.slice(0, 4)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    // One jitter draw per failure: the back-off function was consulted for each of the three.
    expect(waits.length).toBe(3);

    const nowhere = memoryOutbox(2);
    const down = forward('http://127.0.0.1:1', nowhere);
    await eventually(
      'unreachable',
      async () => (down.status().problem === 'unreachable' ? true : undefined),
      5000,
    );
    expect(down.status().waiting).toBe(2);
  });
});

describe('a change written while a batch is in flight', () => {
  it('is sent right after that batch, not at the next poll', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The first request is answered only when the test lets it go.
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', async () => {
        const seqs = (JSON.parse(body).changes as { seq: number }[]).map((c) => c.seq);
        batches.push(seqs);
        if (batches.length === 1) await held;
        res.writeHead(200, { 'content-type': 'application/json' }).end(ackAll(seqs).body);
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const outbox = memoryOutbox(1);
    // Polls and heartbeats far apart: only the remembered nudge can send row 2 within the test.
    const forwarder = forward(url, outbox, { pollMs: 60_000, heartbeatMs: 60_000 });
    await eventually('first batch in flight', async () => (batches.length === 1 ? true : undefined), 5000);
    outbox.rows.push({
      seq: 2,
      kind: 'order',
      ref: 'O2',
      payload: '{"order_no":"O2"}',
      at: 1,
      terminalId: null,
    });
    forwarder.nudge();
    release();
    await eventually('row 2 sent', async () => (batches.some((b) => b.includes(2)) ? true : undefined), 5000);
    await eventually('drained', async () => (outbox.rows.length === 0 ? true : undefined), 5000);
  });
});
