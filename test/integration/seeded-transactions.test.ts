/**
 * The engine + each real adapter (WeChat v2, Alipay, PAYJS) + the real in-process sandbox over
 * HTTP (and mTLS for WeChat's secapi) + a real SqliteJournal file: a thousand seeded transactions
 * with mixed customers, cashier stops, refunds and injected faults (dropped replies, HTTP 500s,
 * garbled bodies, bad signatures). Afterwards every attempt must be final and every order must
 * agree with the sandbox's own ledger: captured − refunded there == what the journal says we hold.
 *
 * Time: engine, adapters and sandbox share a VirtualClock (sleeps resolve at once, time jumps to
 * the wake-up), so 60 s poll schedules and WeChat's 15 s reversal rule run at HTTP speed.
 * Seed: SCANPAY_SEED=<n> replays a plan; the seed is printed in every failure message. Which
 * request draws which fault also depends on the interleaving of concurrent calls, so a replay
 * reproduces the plan exactly and the fault pattern statistically.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanPayError } from '../../core/common/errors.ts';
import type { AttemptState } from '../../core/domain/attempt-state.ts';
import { CheckoutEngine } from '../../core/engine/checkout-engine.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import type { TradeView } from '../../core/sandbox/ledger-types.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { ServiceConfigSchema } from '../../core/service/config/service-config.ts';
import { buildMerchants } from '../../core/service/merchants.ts';
import { OutcomeCounter } from './counting-gateway.ts';
import { reconcile } from './reconcile.ts';
import { type PlannedTransaction, planTransactions } from './transaction-plan.ts';
import { VirtualClock } from './virtual-clock.ts';

const COUNT = 1000;
const CONCURRENCY = 8;
// A new plan on every local run (that is how seed 505026328 found refunds left pending); one fixed
// plan in CI, so a red CI is reproducible and an unseen plan cannot block a merge.
const SEED = process.env.SCANPAY_SEED
  ? Number(process.env.SCANPAY_SEED)
  : process.env.CI
    ? 505026328
    : Math.floor(Math.random() * 2 ** 31);
const FAULTS = {
  seed: SEED,
  drop_reply_rate: 0.06,
  http_500_rate: 0.06,
  malformed_reply_rate: 0.05,
  bad_signature_rate: 0.05,
};
const why = (text: string) => `seed ${SEED} (replay with SCANPAY_SEED=${SEED}): ${text}`;

interface RunResult {
  readonly plan: PlannedTransaction;
  readonly first?: AttemptState;
  readonly final?: AttemptState;
  readonly refundStatuses: readonly string[];
  readonly error?: string;
}

let dir: string;
let sandbox: RunningSandbox;
let journal: SqliteJournal;
let engine: CheckoutEngine;
const outcomes = new OutcomeCounter();
const results: RunResult[] = [];
let elapsedMs = 0;

async function runOne(plan: PlannedTransaction): Promise<RunResult> {
  const { customer } = plan;
  const { authCode } = sandbox.ledger.issueCode({
    wallet: plan.wallet,
    behavior:
      customer.kind === 'password_later' || customer.kind === 'password_never' ? 'password' : customer.kind,
    ...(customer.kind === 'password_later' ? { confirmAfterMs: customer.afterMs } : {}),
  });
  const refundStatuses: string[] = [];
  try {
    const first = await engine.pay({
      out_trade_no: plan.orderNo,
      pid: plan.pid,
      total_fee: plan.totalFee,
      subject: `integration ${plan.index}`,
      auth_code: authCode,
    });
    if (plan.stop) {
      try {
        engine.stop(plan.orderNo);
      } catch (error) {
        // Already final (paid or failed at the first reply): Stop has nothing to do.
        if (!(error instanceof ScanPayError && error.code === 'no_live_attempt')) throw error;
      }
    }
    const final = await engine.waitForAttempt(first.outTradeNo);
    if (final.phase === 'paid') {
      for (const refundFee of plan.refunds) {
        const refund = await engine.refunds.refund({ out_trade_no: plan.orderNo, refund_fee: refundFee });
        refundStatuses.push(refund.status);
      }
    }
    return { plan, first, final, refundStatuses };
  } catch (error) {
    return {
      plan,
      refundStatuses,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scanpay-integration-'));
  const clock = new VirtualClock();
  // Codes live 10 virtual minutes: concurrent attempts move the shared clock by up to a poll
  // interval between a code's issue and its charge; only the 'expired' customers should expire.
  sandbox = await startSandbox({ clock, codeTtlMs: 600_000 });
  sandbox.ledger.setFaults(FAULTS);
  journal = new SqliteJournal(join(dir, 'journal.sqlite'));
  const merchants = buildMerchants(ServiceConfigSchema.parse({}), sandbox, clock, (_pid, gateway) =>
    outcomes.wrap(gateway),
  );
  engine = new CheckoutEngine({ journal, clock, merchants });

  const plan = planTransactions(SEED, COUNT);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const item = plan[next++]!;
      results.push(await runOne(item));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await engine.idle();
  await engine.refunds.idle();
  elapsedMs = performance.now() - started;
  if (process.env.SCANPAY_DEBUG) {
    console.log(JSON.stringify([...outcomes.counts].sort()));
    for (const orderNo of process.env.SCANPAY_DEBUG.split(',')) {
      const r = results.find((x) => x.plan.orderNo === orderNo);
      console.log(
        orderNo,
        JSON.stringify(r?.plan),
        r?.final?.phase,
        JSON.stringify(journal.refundsOf(orderNo)),
      );
      for (const e of journal.timeline(orderNo))
        console.log('  ', e.at - (r?.final?.chargedAt ?? 0), e.step, e.op, e.summary);
      console.log(
        '  sandbox',
        JSON.stringify(sandbox.ledger.trades().filter((t) => t.out_trade_no.startsWith(orderNo))),
      );
    }
  }
}, 120_000);

afterAll(async () => {
  await engine?.shutdown();
  journal?.close();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(`${COUNT} seeded transactions through engine + adapters + sandbox`, () => {
  it('runs every planned transaction without an unexpected error', () => {
    console.info(`integration: ${COUNT} transactions in ${Math.round(elapsedMs)} ms, seed ${SEED}`);
    expect(results, why('every planned transaction ran')).toHaveLength(COUNT);
    const errors = results.filter((r) => r.error).map((r) => `${r.plan.orderNo}: ${r.error}`);
    expect(errors, why('pay/stop/refund threw')).toEqual([]);
  });

  it('leaves every attempt final and every order agreeing with GET /_sandbox/trades', async () => {
    const truth = (await (await fetch(`${sandbox.url}/_sandbox/trades`)).json()) as { trades: TradeView[] };
    expect(truth.trades.length, why('the sandbox saw the charges')).toBeGreaterThan(COUNT / 2);
    const report = reconcile(
      journal,
      truth.trades,
      results.map((r) => r.plan.orderNo),
    );
    console.info(`phases ${JSON.stringify(report.phases)}; held ${report.heldFen} fen`);
    expect(report.problems, why('journal vs sandbox')).toEqual([]);
    // The only attempts a human must settle: PAYJS charges whose reply (and payjs_order_id) was lost.
    const unexpected = report.attention.filter((line) => !/^\S+: provider_order_id_missing /.test(line));
    expect(unexpected, why('attempts left needing attention')).toEqual([]);
    // Cross-check with the journal's own lists.
    expect(
      journal.unresolvedAttempts().filter((a) => a.attention?.code !== 'provider_order_id_missing'),
      why('unresolved attempts'),
    ).toEqual([]);
    expect(journal.pendingRefunds(), why('pending refunds')).toEqual([]);
  });

  it('exercised the whole mix: every outcome, every provider, and the faults reached the engine', () => {
    const finals = results.flatMap((r) => (r.final ? [r] : []));
    const phasesBy = (provider: string) =>
      new Set(finals.filter((r) => r.plan.provider === provider).map((r) => r.final!.phase));
    for (const provider of ['wxpay', 'alipay', 'payjs']) {
      const phases = phasesBy(provider);
      // PAYJS documents no final error: its declined charges are checked, then reversed, never failed.
      expect([...phases].sort(), why(`${provider} outcomes`)).toEqual(
        expect.arrayContaining(provider === 'payjs' ? ['reversed', 'paid'] : ['failed', 'paid']),
      );
      const reversedPhases = ['reversed'];
      expect(
        reversedPhases.some((phase) => phases.has(phase as AttemptState['phase'])),
        why(`${provider} reversals`),
      ).toBe(true);
      expect(
        outcomes.get(`${provider}.micropay.unknown`),
        why(`${provider} unknown charges`),
      ).toBeGreaterThan(0);
      const refunded = results.filter(
        (r) =>
          r.plan.provider === provider &&
          journal.refundsOf(r.plan.orderNo).some((f) => f.status === 'succeeded'),
      );
      expect(refunded.length, why(`${provider} refunds`)).toBeGreaterThan(0);
    }
    expect(outcomes.total('.unknown'), why('unknown replies overall')).toBeGreaterThan(COUNT / 10);
    // system_error customers paid although the first reply said "system error": the engine found out by query.
    const systemErrorPaid = finals.filter(
      (r) => r.plan.customer.kind === 'system_error' && r.final!.phase === 'paid',
    );
    expect(systemErrorPaid.length, why('system_error customers resolved as paid')).toBeGreaterThan(0);
  });

  it('never pays a walked-away customer and never fails an instant one', () => {
    const wrong = results.flatMap((r) => {
      if (!r.final) return [];
      const { kind } = r.plan.customer;
      if (kind === 'password_never' && r.final.phase === 'paid')
        return [`${r.plan.orderNo} paid without a password`];
      if ((kind === 'insufficient_funds' || kind === 'expired') && r.final.phase === 'paid')
        return [`${r.plan.orderNo} paid by a ${kind} customer`];
      // An instant customer goes unpaid only when the charge never reached the provider (an HTTP 500
      // before the commit): the engine cannot re-send without the code, so it reverses and the
      // cashier re-scans. Then the sandbox must have no trade for the order at all.
      if (
        kind === 'instant' &&
        !r.plan.stop &&
        r.final.phase !== 'paid' &&
        // A PAYJS charge whose reply was lost is flagged for a human (see reconcile.ts), not lost.
        r.final.attention?.code !== 'provider_order_id_missing' &&
        sandbox.ledger.find(r.plan.provider, r.plan.orderNo)
      )
        return [`${r.plan.orderNo} instant customer ended ${r.final.phase} although the charge arrived`];
      return [];
    });
    expect(wrong, why('outcome per customer kind')).toEqual([]);
  });

  it('keeps the WeChat 15 s rule: no WeChat reversal sent sooner than 15 s after the charge', () => {
    let reversals = 0;
    const early = results.flatMap((r) => {
      if (r.plan.provider !== 'wxpay' || !r.final) return [];
      const chargedAt = r.final.chargedAt;
      return journal
        .timeline(r.plan.orderNo)
        .filter((entry) => entry.step === 'intent' && entry.op === 'reverse')
        .flatMap((entry) => {
          reversals++;
          return entry.at - chargedAt < 15_000
            ? [`${entry.out_trade_no}: reverse ${entry.at - chargedAt} ms after the charge`]
            : [];
        });
    });
    expect(reversals, why('WeChat reversals happened')).toBeGreaterThan(0);
    expect(early, why('WeChat reversals')).toEqual([]);
  });
});
