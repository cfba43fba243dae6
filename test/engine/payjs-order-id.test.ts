/**
 * PAYJS finds orders by payjs_order_id only (docs/protocols.md §5). The id a reply carries is
 * journaled with the attempt, so an engine started over the same journal (after a crash) still
 * checks and reverses by it; an attempt that never learnt it ends needing a human with a specific
 * reason, never "reversed" on the strength of PAYJS not finding an order it cannot look up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLL_POLICIES } from '../../core/domain/poll-policy.ts';
import { CheckoutEngine } from '../../core/engine/checkout-engine.ts';
import type { MerchantDirectory, MerchantGateways } from '../../core/engine/engine-deps.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import type {
  OrderRef,
  PaymentGateway,
  PaymentOutcome,
  ReverseOutcome,
} from '../../core/ports/payment-gateway.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { wxCode } from './harness.ts';

/** A PAYJS stand-in that records how each call addressed the order. */
function recordingPayjs(answers: {
  micropay: PaymentOutcome;
  query: (ref: OrderRef) => PaymentOutcome;
  reverse: (ref: OrderRef) => ReverseOutcome;
}) {
  const refs: { op: string; ref: OrderRef }[] = [];
  const gateway: PaymentGateway = {
    provider: 'payjs',
    wallets: ['wxpay'],
    qrWallet: 'wxpay',
    micropay: async () => answers.micropay,
    query: async (ref) => {
      refs.push({ op: 'query', ref });
      return answers.query(ref);
    },
    reverse: async (ref) => {
      refs.push({ op: 'reverse', ref });
      return answers.reverse(ref);
    },
    close: async () => ({ kind: 'closed' }),
    refund: async () => ({ kind: 'processing' }),
    queryRefund: async () => ({ kind: 'processing' }),
    precreate: async () => ({ kind: 'failed', providerCode: 'x', message: 'x', decline: 'other' }),
  };
  return { gateway, refs };
}

function directoryOf(gateway: PaymentGateway): MerchantDirectory {
  const merchant: MerchantGateways = { pid: 'm1', gateways: [gateway], policies: DEFAULT_POLL_POLICIES };
  return { defaultPid: 'm1', get: (pid) => (pid === 'm1' ? merchant : undefined), all: () => [merchant] };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function journalPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scanpay-payjs-'));
  dirs.push(dir);
  return join(dir, 'journal.sqlite');
}

describe('PAYJS payjs_order_id in the journal', () => {
  it('after a restart, check and reverse address the order by the journaled payjs_order_id', async () => {
    const path = journalPath();
    const clock = new FakeClock();
    const before = recordingPayjs({
      micropay: { kind: 'pending', providerCode: 'return_code=1', providerOrderId: 'PJ42' },
      query: () => ({ kind: 'pending', providerCode: 'status=0' }),
      reverse: () => ({ kind: 'reversed' }),
    });
    const journalA = new SqliteJournal(path);
    const engineA = new CheckoutEngine({ journal: journalA, clock, merchants: directoryOf(before.gateway) });
    await engineA.pay({ total_fee: 500, subject: 'Massage', out_trade_no: 'PJORDER1', auth_code: wxCode() });
    // The process dies before any check: only the journal survives.
    journalA.close();

    const after = recordingPayjs({
      micropay: { kind: 'unknown', reason: 'network', detail: 'not called' },
      query: (ref) =>
        ref.providerOrderId === 'PJ42'
          ? { kind: 'pending', providerCode: 'status=0' }
          : { kind: 'not_found', providerCode: 'return_code=0' },
      reverse: (ref) =>
        ref.providerOrderId === 'PJ42' ? { kind: 'reversed' } : { kind: 'unaddressable', detail: 'no id' },
    });
    const journalB = new SqliteJournal(path);
    try {
      expect(journalB.unresolvedAttempts()[0]?.providerOrderId).toBe('PJ42');
      const engineB = new CheckoutEngine({ journal: journalB, clock, merchants: directoryOf(after.gateway) });
      expect(engineB.recover().attempts).toBe(1);
      await clock.runAll();
      await engineB.idle();
      expect(after.refs.map((r) => r.op)).toContain('reverse');
      for (const { ref } of after.refs)
        expect(ref).toMatchObject({ outTradeNo: 'PJORDER1', providerOrderId: 'PJ42' });
      expect(journalB.getAttempt(after.refs[0]?.ref.outTradeNo ?? '')?.phase).toBe('reversed');
    } finally {
      journalB.close();
    }
  });

  it('a lost micropay reply (no payjs_order_id) ends in needs_attention provider_order_id_missing', async () => {
    const clock = new FakeClock();
    const lost = recordingPayjs({
      micropay: { kind: 'unknown', reason: 'timeout', detail: 'no reply' },
      query: () => ({ kind: 'not_found', providerCode: 'return_code=0' }),
      reverse: () => ({ kind: 'unaddressable', detail: 'PAYJS reverse by out_trade_no: 订单不存在' }),
    });
    const journal = new SqliteJournal(journalPath());
    try {
      const engine = new CheckoutEngine({ journal, clock, merchants: directoryOf(lost.gateway) });
      const started = await engine.pay({
        total_fee: 500,
        subject: 'Massage',
        out_trade_no: 'PJLOST1',
        auth_code: wxCode(),
      });
      await clock.runAll();
      await engine.idle();
      const state = journal.getAttempt(started.outTradeNo);
      expect(state?.phase).toBe('needs_attention');
      expect(state?.attention?.code).toBe('provider_order_id_missing');
      expect(lost.refs.filter((r) => r.op === 'reverse')).toHaveLength(1);
      expect(lost.refs.every((r) => r.ref.providerOrderId === undefined)).toBe(true);
    } finally {
      journal.close();
    }
  });
});
