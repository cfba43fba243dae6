/**
 * Forwards the journal's hub outbox (core/journal/journal-outbox.ts) to the store hub (issue 19):
 * batches in seq order, `POST <hub>/api/ingest` with the terminal's token, and on the hub's
 * acknowledgement deletes the rows up to the seq it acknowledged. Delivery is at least once
 * (a crash between the hub's commit and the delete sends the batch again); the hub is idempotent
 * on (terminal_id, seq). While the hub is away or refuses, it waits with the one capped, jittered
 * back-off (core/domain/timing.ts) and tries again, for as long as the service runs: the outbox
 * simply grows, and the till shows "hub: n changes waiting". Selling never waits for it: journal
 * writes are local and synchronous, this loop is asynchronous and only reads and deletes outbox rows.
 * With an empty outbox it still reports every heartbeatMs so the hub's registry sees the terminal.
 * Each change goes under the terminal id it was made under (a batch holds one id's changes): the
 * service refuses to start under a new id while the old one's wait (./hub-outbox-terminal.ts).
 */

import type { HubProblem, HubStatusView } from '../common/contract/views.ts';
import { type Backoff, backoffMs } from '../domain/timing.ts';
import type { EngineLogger } from '../engine/engine-deps.ts';
import type { HubRefundOrder, IngestAnswer, IngestBatch, TerminalStatusInput } from '../hub/hub-wire.ts';
import type { OutboxRow } from '../journal/journal-outbox.ts';

export interface HubOutbox {
  outboxBatch(limit: number): OutboxRow[];
  outboxAck(seq: number): void;
  outboxCount(): number;
  /** The hub holds seqs up to `lastSeq`, `firstReused` for another change: renumber the waiting rows after it. */
  outboxRenumber?(firstReused: number, lastSeq: number): void;
}

/** The hub's answer to a batch that reused seqs it holds for other changes (core/hub/hub-ingest.ts). */
function reusedSeqs(status: number, error: unknown): { firstReused: number; lastSeq: number } | null {
  if (status !== 409 || typeof error !== 'object' || error === null) return null;
  const { code, details } = error as { code?: unknown; details?: Record<string, unknown> };
  const first = details?.first_reused;
  const last = details?.last_seq;
  if (code !== 'hub_conflict' || details?.reason !== 'seq_reused') return null;
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) return null;
  return { firstReused: first as number, lastSeq: last as number };
}

export interface HubForwarderOptions {
  readonly url: string;
  readonly token: string;
  readonly terminalId: string;
  readonly outbox: HubOutbox;
  /** The terminal's state for the hub's registry (queue length is added here). */
  readonly status: () => Omit<TerminalStatusInput, 'queue_length'>;
  readonly logger: EngineLogger;
  readonly batchSize?: number;
  /** How often an idle forwarder looks for new rows. */
  readonly pollMs?: number;
  readonly heartbeatMs?: number;
  readonly requestTimeoutMs?: number;
  readonly backoff?: Backoff;
  readonly random?: () => number;
  /** Called when what status() says changed (the service pushes a health event to the till). */
  readonly onChange?: () => void;
  /** The hub's newest store config version, from each acknowledgement. */
  readonly onConfigVersion?: (version: number) => void;
  /** Refunds the hub asks this till to make, from each acknowledgement. */
  readonly onRefundRequests?: (requests: readonly HubRefundOrder[]) => void;
}

/** What the till shows about the hub (HealthView.hub). */
export type HubForwardStatus = HubStatusView;

export interface HubForwarder {
  status(): HubForwardStatus;
  /** Look at the outbox now rather than at the next poll (a change was just written). */
  nudge(): void;
  stop(): Promise<void>;
}

/** The leading rows made under one terminal id (null: the current one), and that id. */
function firstTerminalRun(
  rows: readonly OutboxRow[],
  current: string,
): { terminalId: string; rows: OutboxRow[] } {
  const idOf = (row: OutboxRow) => row.terminalId ?? current;
  const terminalId = rows[0] ? idOf(rows[0]) : current;
  const end = rows.findIndex((row) => idOf(row) !== terminalId);
  return { terminalId, rows: end === -1 ? [...rows] : rows.slice(0, end) };
}

export const HUB_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000, jitter: 0.3 };

/** The hub answered, but not with an acknowledgement: `problem` says how. */
class HubRefused extends Error {
  readonly problem: HubProblem;
  constructor(problem: HubProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

/** The hub refused a batch whose seqs it holds for other changes (reusedSeqs). */
class SeqsReused extends HubRefused {
  readonly firstReused: number;
  readonly lastSeq: number;
  constructor(firstReused: number, lastSeq: number) {
    super('batch_refused', `the hub holds seq ${firstReused} to ${lastSeq} for other changes`);
    this.firstReused = firstReused;
    this.lastSeq = lastSeq;
  }
}

export function startHubForwarder(options: HubForwarderOptions): HubForwarder {
  const batchSize = options.batchSize ?? 200;
  const pollMs = options.pollMs ?? 500;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const backoff = options.backoff ?? HUB_BACKOFF;
  const random = options.random ?? Math.random;
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/ingest`;

  let stopped = false;
  let problem: HubProblem | null = null;
  let lastDeliveredAt: number | null = null;
  let lastSentAt = 0;
  let failures = 0;
  let renumbered = false;
  let wake: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  // Aborts a request in flight at stop(), so stopping never waits out the request timeout.
  const stopping = new AbortController();

  // A nudge that came while a batch was in flight: the change it announced is sent right after.
  let nudged = false;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (nudged && failures === 0) {
        nudged = false;
        resolve();
        return;
      }
      wake = resolve;
      timer = setTimeout(resolve, ms);
    }).finally(() => {
      if (timer) clearTimeout(timer);
      wake = null;
      timer = null;
    });

  async function deliver(terminalId: string, rows: readonly OutboxRow[]): Promise<IngestAnswer> {
    const batch: IngestBatch = {
      terminal_id: terminalId,
      status: { ...options.status(), queue_length: options.outbox.outboxCount() },
      changes: rows.map((row) => ({
        seq: row.seq,
        kind: row.kind,
        ref: row.ref,
        at: row.at,
        payload: JSON.parse(row.payload),
      })) as IngestBatch['changes'],
    };
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(batch),
      signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(timeoutMs)]),
    });
    const text = await response.text();
    let body: { ok?: boolean; acked_seq?: unknown; error?: { code?: unknown; details?: unknown } } | null =
      null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    const reused = reusedSeqs(response.status, body?.error);
    if (reused) throw new SeqsReused(reused.firstReused, reused.lastSeq);
    if (!response.ok) {
      const code = typeof body?.error?.code === 'string' ? body.error.code : `HTTP ${response.status}`;
      const problem: HubProblem =
        response.status === 401 || response.status === 403
          ? 'token_refused'
          : response.status >= 500
            ? 'hub_unavailable'
            : 'batch_refused';
      throw new HubRefused(problem, `the hub answered ${code}`);
    }
    if (body?.ok !== true || typeof body.acked_seq !== 'number')
      throw new HubRefused('bad_answer', 'the hub answered something that is not an acknowledgement');
    return body as unknown as IngestAnswer;
  }

  let shown = '';
  const changed = () => {
    if (stopped) return;
    const now = `${options.outbox.outboxCount()}|${problem}`;
    if (now === shown) return;
    shown = now;
    options.onChange?.();
  };

  async function loop(): Promise<void> {
    while (!stopped) {
      changed();
      const fetched = options.outbox.outboxBatch(batchSize);
      const { terminalId, rows } = firstTerminalRun(fetched, options.terminalId);
      const due = rows.length > 0 || Date.now() - lastSentAt >= heartbeatMs;
      if (!due) {
        await sleep(pollMs);
        continue;
      }
      try {
        lastSentAt = Date.now();
        const answer = await deliver(terminalId, rows);
        if (stopped) return; // the journal may be closing: the next start sends these again
        // Delete only what the hub says it holds: never beyond the batch we sent.
        const last = rows.at(-1)?.seq ?? 0;
        const acked = Math.min(answer.acked_seq, last);
        if (acked > 0) options.outbox.outboxAck(acked);
        if (typeof answer.config_version === 'number') options.onConfigVersion?.(answer.config_version);
        if (answer.refund_requests?.length) options.onRefundRequests?.(answer.refund_requests);
        if (rows.length > 0) lastDeliveredAt = Date.now();
        if (problem !== null)
          options.logger.info('hub reachable again', { waiting: options.outbox.outboxCount() });
        problem = null;
        failures = 0;
        renumbered = false;
        if (fetched.length < batchSize && rows.length === fetched.length) await sleep(pollMs);
      } catch (error) {
        if (stopped) return;
        if (error instanceof SeqsReused && !renumbered && options.outbox.outboxRenumber) {
          renumbered = true; // once: a hub refusing the renumbered rows again is retried with back-off
          // A restored journal numbered again from its backup: number what waits after the hub's last
          // seq and send it again at once (docs/deploy.md "Restore").
          options.logger.warn('hub holds these seqs for other changes: renumbering the outbox', {
            first_reused: error.firstReused,
            hub_last_seq: error.lastSeq,
          });
          options.outbox.outboxRenumber(error.firstReused, error.lastSeq);
          continue;
        }
        failures += 1;
        const why: HubProblem =
          error instanceof HubRefused
            ? error.problem
            : (error as Error)?.name === 'TimeoutError'
              ? 'timeout'
              : 'unreachable';
        if (why !== problem)
          options.logger.warn('hub forwarding failed: will try again', {
            problem: why,
            detail: (error as Error)?.message,
          });
        problem = why;
        await sleep(backoffMs(backoff, failures, random));
      }
    }
  }

  const running = loop().catch((error: unknown) => {
    // Only the journal itself failing gets here (a storage fault): the journal reports it.
    problem = 'outbox_unreadable';
    options.logger.warn('hub forwarder stopped', { error: (error as Error)?.message });
  });

  return {
    status: () => ({
      waiting: stopped ? 0 : options.outbox.outboxCount(),
      problem,
      last_delivered_at: lastDeliveredAt,
    }),
    // During a back-off a new change only updates the count: it must not cut the wait short.
    nudge: () => {
      if (failures > 0) changed();
      else if (wake) wake();
      else nudged = true;
    },
    async stop() {
      stopped = true;
      stopping.abort();
      wake?.();
      await running;
    },
  };
}
