import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLL_POLICIES } from '../../core/domain/poll-policy.ts';
import { CheckoutEngine } from '../../core/engine/checkout-engine.ts';
import type { MerchantDirectory, MerchantGateways, PaidCallback } from '../../core/engine/engine-deps.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import type { Journal } from '../../core/ports/journal.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { FakeGateway } from '../fakes/fake-gateway.ts';

let codeSeq = 0;
/** A fresh, valid-looking WeChat payment code (18 digits, prefix 13). */
export function wxCode(): string {
  return `13${(Date.now() % 1e8).toString().padStart(8, '0')}${(++codeSeq).toString().padStart(8, '0')}`;
}
export function aliCode(): string {
  return `28${(Date.now() % 1e8).toString().padStart(8, '0')}${(++codeSeq).toString().padStart(8, '0')}`;
}

export function directory(gateways: FakeGateway[]): MerchantDirectory {
  const merchant: MerchantGateways = { pid: 'm1', gateways, policies: DEFAULT_POLL_POLICIES };
  return { defaultPid: 'm1', get: (pid) => (pid === 'm1' ? merchant : undefined), all: () => [merchant] };
}

export interface Harness {
  dir: string;
  dbPath: string;
  clock: FakeClock;
  wx: FakeGateway;
  ali: FakeGateway;
  journal: SqliteJournal;
  engine: CheckoutEngine;
  callbackRuns: Map<string, number>;
  callbacks: Record<string, PaidCallback>;
  /** A new engine over the same database file and the same providers, as after a restart. */
  restart(wrap?: (journal: SqliteJournal) => Journal): CheckoutEngine;
  dispose(): void;
}

export function createHarness(
  options: {
    journal?: (j: SqliteJournal) => Journal;
    callbacks?: Record<string, PaidCallback>;
    random?: () => number;
  } = {},
): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'scanpay-engine-'));
  const dbPath = join(dir, 'journal.sqlite');
  const clock = new FakeClock();
  const wx = new FakeGateway('wxpay');
  const ali = new FakeGateway('alipay');
  const callbackRuns = new Map<string, number>();
  const callbacks: Record<string, PaidCallback> = options.callbacks ?? {
    '*': ({ out_trade_no }) => {
      callbackRuns.set(out_trade_no, (callbackRuns.get(out_trade_no) ?? 0) + 1);
      return true;
    },
  };
  const journal = new SqliteJournal(dbPath);
  const make = (j: Journal) =>
    new CheckoutEngine({
      journal: j,
      clock,
      merchants: directory([wx, ali]),
      callbacks,
      ...(options.random ? { random: options.random } : {}),
    });
  const harness: Harness = {
    dir,
    dbPath,
    clock,
    wx,
    ali,
    journal,
    engine: make(options.journal ? options.journal(journal) : journal),
    callbackRuns,
    callbacks,
    restart(wrap) {
      harness.journal.close();
      harness.journal = new SqliteJournal(dbPath);
      harness.engine = make(wrap ? wrap(harness.journal) : harness.journal);
      return harness.engine;
    },
    dispose() {
      harness.journal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Runs every timer until all attempts are settled. */
export async function settle(h: Harness): Promise<void> {
  await h.clock.runAll();
  await h.engine.idle();
}
