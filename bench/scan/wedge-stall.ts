/**
 * How long the service's synchronous journal writes stall the event loop that Electron's
 * before-input-event shares (`node bench/scan/wedge-stall.ts [--quick]`). A keyboard-wedge scanner
 * types a key every ~4 ms; a key that arrives during a stall is handled late, so the wedge
 * detector sees one long gap followed by a rush. This runs paid attempts through CheckoutEngine +
 * SqliteJournal (real file, default durability) and times every journal call: each one is
 * synchronous, so its duration is how long a key waits behind it. It prints the distribution of
 * single-call stalls: the stall the detector must tolerate (docs/scanner-facts.md, "Keyboard wedge").
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CheckoutEngine } from '../../core/engine/checkout-engine.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { FakeGateway } from '../../test/fakes/fake-gateway.ts';
import { benchDir, durabilityOf, oneMerchant, wechatCode } from '../engine/setup.ts';

const quick = process.argv.includes('--quick');
const ATTEMPTS = quick ? 20 : 300;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

const dir = benchDir('wedge-stall');
const journal = new SqliteJournal(join(dir, 'journal.sqlite'));
try {
  const stalls: number[] = [];
  const timed = new Proxy(journal, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const start = performance.now();
        try {
          return value.apply(target, args);
        } finally {
          stalls.push(performance.now() - start);
        }
      };
    },
  });
  const engine = new CheckoutEngine({
    journal: timed,
    clock: systemClock,
    merchants: oneMerchant([new FakeGateway('wxpay')]),
    callbacks: { '*': () => true },
  });
  for (let i = 0; i < ATTEMPTS; i++) {
    await engine.pay({ out_trade_no: `W${i}`, total_fee: 100, subject: 'bench', auth_code: wechatCode(i) });
    await engine.idle();
  }
  const lateness = stalls;
  const sorted = [...lateness].sort((a, b) => a - b);
  const fmt = (n: number) => n.toFixed(1);
  console.log(`wedge stall: ${ATTEMPTS} paid attempts, ${durabilityOf(journal.db)}`);
  console.log(
    `journal call (event-loop stall) ms: p50 ${fmt(quantile(sorted, 0.5))}  p99 ${fmt(quantile(sorted, 0.99))}  max ${fmt(sorted.at(-1) ?? 0)}  (${sorted.length} samples)`,
  );
  const over = (ms: number) => sorted.filter((v) => v > ms).length;
  console.log(`calls over 45 ms (a slow key gap): ${over(45)}; over 100 ms (the end timeout): ${over(100)}`);
  console.log('the wedge detector tolerates one stall up to endTimeoutMs (default 100 ms) inside a burst');
} finally {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
}
