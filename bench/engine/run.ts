/**
 * Engine benchmark: `node bench/engine/run.ts` (Node 24). Prints figures, asserts nothing.
 * (a) paid attempts per second through CheckoutEngine + SqliteJournal vs the same journal calls raw
 *     (target: engine ≥ 50 % of raw);
 * (b) start-up recovery with 100,000 stored orders, 100 unresolved (target: median ≤ 300 ms);
 * (c) payments/s, CPU per payment and durable writes per payment with 8 clients at once (./concurrent.ts).
 */
import { describeMachine } from '../lib/machine.ts';
import { formatTable } from '../lib/table.ts';
import { measureConcurrent } from './concurrent.ts';
import { measureRecovery } from './recovery.ts';
import { measureThroughput } from './throughput.ts';

const N = 2000;
const ORDERS = 100_000;
const UNRESOLVED = 100;
const REPEATS = 5;

console.log(describeMachine());
console.log('');

const tp = await measureThroughput(N);
console.log(
  `(a) ${N} sequential paid attempts, real file, ${tp.durability}, gateway pays at once; ` +
    `median of ${tp.rounds} alternating rounds`,
);
console.log(
  `    journal calls of one attempt (${tp.writes} writes, ${tp.reads} reads): ${tp.calls.join(', ')}`,
);
console.log(
  formatTable(
    ['path', ...tp.rawRounds.map((_, i) => `round ${i + 1} ms`), 'median ms', 'attempts/s', 'ms/attempt'],
    [
      ['raw journal calls (replayed)', ...tp.rawRounds, tp.rawMs, tp.rawRate, tp.rawMs / N],
      ['CheckoutEngine + SqliteJournal', ...tp.engineRounds, tp.engineMs, tp.engineRate, tp.engineMs / N],
    ],
    { decimals: 2 },
  ),
);
console.log(`    engine / raw = ${(tp.ratio * 100).toFixed(1)} %  (target ≥ 50 %)`);
console.log('');

const rec = await measureRecovery({ orders: ORDERS, unresolved: UNRESOLVED, repeats: REPEATS });
console.log(
  `(b) start-up recovery: ${ORDERS.toLocaleString('en-US')} stored orders, ${UNRESOLVED} unresolved, ` +
    `${REPEATS} repeats (seeding took ${rec.seedMs.toFixed(0)} ms, not timed)`,
);
console.log(
  formatTable(
    ['measure', ...rec.recoverMs.map((_, i) => `run ${i + 1}`), 'median'],
    [
      ['open + engine + recover() ms', ...rec.recoverMs, rec.medianRecoverMs],
      [`… + ${rec.resumedAttempts} attempts resumed ms`, ...rec.resumedMs, rec.medianResumedMs],
    ],
  ),
);
console.log(`    median ${rec.medianResumedMs.toFixed(1)} ms to resume everything  (target ≤ 300 ms)`);
console.log('');

const concurrent = await measureConcurrent(N, 8, 3);
console.log(
  `(c) ${N} paid attempts from ${concurrent.clients} clients at once, real file, ${concurrent.durability}; ` +
    'median of 3 rounds',
);
console.log(
  formatTable(
    [
      'measure',
      ...concurrent.roundsMs.map((_, i) => `round ${i + 1} ms`),
      'payments/s',
      'CPU ms/payment',
      'writes/payment',
    ],
    [
      [
        'CheckoutEngine + SqliteJournal',
        ...concurrent.roundsMs,
        concurrent.paymentsPerSecond,
        concurrent.cpuMsPerPayment,
        concurrent.writesPerPayment ?? Number.NaN,
      ],
    ],
    { decimals: 2 },
  ),
);
