/**
 * Attempts per second through CheckoutEngine + SqliteJournal (real file, default durability)
 * against a gateway that pays at once, beside the raw rate of the very same journal calls made
 * directly: one engine attempt is recorded through a Proxy, then its calls are replayed N times on
 * a fresh journal with fresh keys. The ratio is what the engine costs on top of its durable writes.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CheckoutEngine } from '../../core/engine/checkout-engine.ts';
import type { PaidCallback } from '../../core/engine/engine-deps.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { systemClock } from '../../core/ports/clock.ts';
import type { Journal } from '../../core/ports/journal.ts';
import { FakeGateway } from '../../test/fakes/fake-gateway.ts';
import { median } from '../lib/stats.ts';
import { isRead, type JournalCall, recordingJournal, replay, swapKeys } from './recording-journal.ts';
import { benchDir, durabilityOf, oneMerchant, wechatCode } from './setup.ts';

export interface ThroughputResult {
  readonly n: number;
  readonly rounds: number;
  readonly durability: string;
  readonly calls: readonly string[];
  readonly writes: number;
  readonly reads: number;
  /** ms of each round; the figures below use the median round. */
  readonly rawRounds: readonly number[];
  readonly engineRounds: readonly number[];
  readonly engineMs: number;
  readonly rawMs: number;
  readonly engineRate: number;
  readonly rawRate: number;
  readonly ratio: number;
}

const FEE = 1500;
/** The merchant's paid-order hook, as a real deployment has one (its journal writes are part of an attempt). */
const callbacks: Record<string, PaidCallback> = { '*': () => true };

function engineOver(journal: Journal): CheckoutEngine {
  return new CheckoutEngine({
    journal,
    clock: systemClock,
    merchants: oneMerchant([new FakeGateway('wxpay')]),
    callbacks,
  });
}

async function payOne(engine: CheckoutEngine, orderNo: string, code: string): Promise<void> {
  const first = await engine.pay({
    out_trade_no: orderNo,
    total_fee: FEE,
    subject: 'bench',
    auth_code: code,
  });
  if (first.phase !== 'paid') throw new Error(`bench attempt ${orderNo} ended ${first.phase}, not paid`);
  await engine.idle();
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The journal calls of one paid attempt, and the keys (order number, code hash) to swap on replay. */
async function recordOneAttempt(dir: string): Promise<{ calls: JournalCall[]; key: string; hash: string }> {
  const journal = new SqliteJournal(join(dir, 'record.sqlite'));
  try {
    const recorder = recordingJournal(journal);
    const key = 'RECORDKEY000000001';
    await payOne(engineOver(recorder.journal), key, wechatCode(999_999));
    const create = recorder.calls.find((c) => c.method === 'createAttempt');
    const hash = create?.args[2];
    if (typeof hash !== 'string')
      throw new Error('the recorded attempt has no createAttempt call with a code hash');
    return { calls: recorder.calls, key, hash };
  } finally {
    journal.close();
  }
}

/** Replays the prepared batches on a fresh journal file; returns the elapsed ms. */
function timeRaw(
  path: string,
  batches: readonly (readonly JournalCall[])[],
): { ms: number; durability: string } {
  const journal = new SqliteJournal(path);
  try {
    const durability = durabilityOf(journal.db);
    const start = performance.now();
    for (const batch of batches) replay(journal, batch);
    return { ms: performance.now() - start, durability };
  } finally {
    journal.close();
  }
}

/** N sequential paid attempts through a new engine on a fresh journal file, each to the end of its callback. */
async function timeEngine(
  path: string,
  n: number,
  round: number,
): Promise<{ ms: number; durability: string }> {
  const journal = new SqliteJournal(path);
  try {
    const durability = durabilityOf(journal.db);
    const engine = engineOver(journal);
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      await payOne(engine, `E${round}K${i.toString().padStart(12, '0')}`, wechatCode(round * n + i));
    }
    return { ms: performance.now() - start, durability };
  } finally {
    journal.close();
  }
}

/**
 * Alternates raw and engine rounds (disk caches and JIT warm-up then favour neither side) and
 * reports the median round of each.
 */
export async function measureThroughput(n: number, rounds = 3): Promise<ThroughputResult> {
  const dir = benchDir('throughput');
  try {
    const recorded = await recordOneAttempt(dir);
    const rawRounds: number[] = [];
    const engineRounds: number[] = [];
    let durability = '';
    for (let round = 0; round < rounds; round++) {
      // Raw: the same calls with fresh keys, prepared before timing so only the journal work is timed.
      const batches = Array.from({ length: n }, (_, i) => {
        const swaps = new Map([
          [recorded.key, `R${round}K${i.toString().padStart(12, '0')}`],
          [recorded.hash, sha256(`raw-${round}-${i}`)],
        ]);
        return recorded.calls.map((c) => ({ method: c.method, args: swapKeys(c.args, swaps) as unknown[] }));
      });
      const raw = timeRaw(join(dir, `raw-${round}.sqlite`), batches);
      const engine = await timeEngine(join(dir, `engine-${round}.sqlite`), n, round);
      if (raw.durability !== engine.durability) {
        throw new Error(`durability differs: raw ${raw.durability}, engine ${engine.durability}`);
      }
      durability = raw.durability;
      rawRounds.push(raw.ms);
      engineRounds.push(engine.ms);
    }
    const rawMs = median(rawRounds);
    const engineMs = median(engineRounds);
    const engineRate = (n * 1000) / engineMs;
    const rawRate = (n * 1000) / rawMs;
    return {
      n,
      rounds,
      durability,
      calls: recorded.calls.map((c) => c.method),
      writes: recorded.calls.filter((c) => !isRead(c)).length,
      reads: recorded.calls.filter(isRead).length,
      rawRounds,
      engineRounds,
      engineMs,
      rawMs,
      engineRate,
      rawRate,
      ratio: engineRate / rawRate,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
