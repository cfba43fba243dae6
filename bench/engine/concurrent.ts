/**
 * Payments per second with 8 clients paying at once through one CheckoutEngine + SqliteJournal
 * (real file, default durability, a paid callback as deployments have), against a gateway that pays
 * at once: the service's situation, where the event loop and the journal's synchronous commits are
 * the limit. Also counts the durable writes (COMMITs and autocommit statements) per payment.
 *   node bench/engine/concurrent.ts [--payments N] [--clients N] [--rounds N]
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CheckoutEngine } from '../../core/engine/checkout-engine.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { FakeGateway } from '../../test/fakes/fake-gateway.ts';
import { median } from '../lib/stats.ts';
import { benchDir, durabilityOf, oneMerchant, wechatCode } from './setup.ts';

/**
 * The fake gateway answers in a microtask; a real one answers on a later I/O event. Each call here
 * waits one turn of the event loop first, so payments interleave (and share commits) as in the
 * service rather than all in one turn.
 */
function answeringOnIo(gateway: FakeGateway): FakeGateway {
  return new Proxy(gateway, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export interface ConcurrentResult {
  readonly clients: number;
  readonly payments: number;
  readonly durability: string;
  readonly roundsMs: readonly number[];
  readonly paymentsPerSecond: number;
  /**
   * Process CPU (user + system) per payment, median round: what bounds the service's one event loop,
   * and far steadier than wall time on a disk shared with other work.
   */
  readonly cpuMsPerPayment: number;
  /** Durable writes per payment, when the journal counts them (it does from issue 20 on). */
  readonly writesPerPayment: number | null;
}

export async function measureConcurrent(
  payments: number,
  clients: number,
  rounds: number,
): Promise<ConcurrentResult> {
  const dir = benchDir('concurrent');
  const roundsMs: number[] = [];
  const cpuMs: number[] = [];
  let durability = '';
  let writesPerPayment: number | null = null;
  try {
    for (let round = 0; round < rounds; round++) {
      const journal = new SqliteJournal(join(dir, `round-${round}.sqlite`));
      durability = durabilityOf(journal.db);
      const engine = new CheckoutEngine({
        journal,
        clock: systemClock,
        merchants: oneMerchant([answeringOnIo(new FakeGateway('wxpay'))]),
        callbacks: { '*': () => true },
      });
      const counted = (journal as { durableWrites?: number }).durableWrites;
      let next = 0;
      const client = async (): Promise<void> => {
        while (next < payments) {
          const i = next++;
          const attempt = await engine.pay({
            out_trade_no: `C${round}K${i.toString().padStart(12, '0')}`,
            total_fee: 1500,
            subject: 'bench',
            auth_code: wechatCode(round * payments + i),
          });
          if (attempt.phase !== 'paid') throw new Error(`payment ${i} ended ${attempt.phase}`);
        }
      };
      const start = performance.now();
      const cpuBefore = process.cpuUsage();
      await Promise.all(Array.from({ length: clients }, client));
      await engine.idle();
      roundsMs.push(performance.now() - start);
      const cpu = process.cpuUsage(cpuBefore);
      cpuMs.push((cpu.user + cpu.system) / 1000);
      const after = (journal as { durableWrites?: number }).durableWrites;
      if (counted !== undefined && after !== undefined) writesPerPayment = (after - counted) / payments;
      journal.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ms = median(roundsMs);
  return {
    clients,
    payments,
    durability,
    roundsMs,
    paymentsPerSecond: (payments / ms) * 1000,
    cpuMsPerPayment: median(cpuMs) / payments,
    writesPerPayment,
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      payments: { type: 'string', default: '4000' },
      clients: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const result = await measureConcurrent(
    Number(values.payments),
    Number(values.clients),
    Number(values.rounds),
  );
  console.log(
    `${result.payments} payments, ${result.clients} clients, ${result.durability}: ` +
      `rounds ${result.roundsMs.map((ms) => ms.toFixed(0)).join(' / ')} ms → ` +
      `${result.paymentsPerSecond.toFixed(0)} payments/s (median round), ` +
      `${result.cpuMsPerPayment.toFixed(3)} CPU ms/payment` +
      (result.writesPerPayment === null
        ? ''
        : `, ${result.writesPerPayment.toFixed(2)} durable writes/payment`),
  );
}
