/**
 * Start-up recovery time: a journal file with many stored orders, a few of them unresolved, is
 * opened, an engine is built over it and `recover()` resumes the unresolved attempts. Two figures:
 * until `recover()` returns, and until every resumed attempt has taken its first step (a provider
 * call started, or its unknown charge journaled and a wait scheduled). Each repeat starts from a
 * fresh copy of the same seeded file.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CheckoutEngine } from '../../core/engine/checkout-engine.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { FakeClock } from '../../test/fakes/fake-clock.ts';
import { median } from '../lib/stats.ts';
import { hangingGateway } from './hanging-gateway.ts';
import { seedJournal } from './seed-journal.ts';
import { benchDir, oneMerchant } from './setup.ts';

export interface RecoveryOptions {
  readonly orders: number;
  readonly unresolved: number;
  readonly repeats: number;
}

export interface RecoveryResult {
  readonly seedMs: number;
  readonly recoverMs: readonly number[];
  readonly resumedMs: readonly number[];
  readonly resumedAttempts: number;
  readonly medianRecoverMs: number;
  readonly medianResumedMs: number;
}

/** Lets the drivers run up to their first await that depends on the outside world (bounded). */
async function untilResumed(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !done(); turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export async function measureRecovery(options: RecoveryOptions): Promise<RecoveryResult> {
  const dir = benchDir('recovery');
  try {
    const seedPath = join(dir, 'seed.sqlite');
    const clock = new FakeClock();
    const seedStart = performance.now();
    seedJournal(seedPath, { orders: options.orders, unresolved: options.unresolved, before: clock.now() });
    const seedMs = performance.now() - seedStart;

    const recoverMs: number[] = [];
    const resumedMs: number[] = [];
    let resumedAttempts = 0;
    for (let r = 0; r < options.repeats; r++) {
      const path = join(dir, `run-${r}.sqlite`);
      copyFileSync(seedPath, path);
      const gateway = hangingGateway();
      const runClock = new FakeClock();
      const start = performance.now();
      const journal = new SqliteJournal(path);
      const engine = new CheckoutEngine({ journal, clock: runClock, merchants: oneMerchant([gateway]) });
      const report = engine.recover();
      recoverMs.push(performance.now() - start);
      // submitted attempts journal their lost charge as unknown, then sleep; the others call the provider.
      await untilResumed(() => gateway.started() + runClock.pendingTimers >= report.attempts);
      resumedMs.push(performance.now() - start);
      resumedAttempts = gateway.started() + runClock.pendingTimers;
      // The hanging calls never settle: drop the engine, close the file.
      journal.close();
      rmSync(path, { force: true });
      rmSync(`${path}-wal`, { force: true });
      rmSync(`${path}-shm`, { force: true });
    }
    return {
      seedMs,
      recoverMs,
      resumedMs,
      resumedAttempts,
      medianRecoverMs: median(recoverMs),
      medianResumedMs: median(resumedMs),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
