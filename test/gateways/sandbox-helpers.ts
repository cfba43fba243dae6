/** The customer's side of the sandbox for the adapters' end-to-end tests (its /_sandbox API). */
import { expect, it } from 'vitest';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import type { RunningSandbox } from '../../core/sandbox/start-sandbox.ts';

export type Behaviour = 'instant' | 'password' | 'insufficient_funds' | 'expired' | 'system_error';

async function control(
  sandbox: RunningSandbox,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${sandbox.url}/_sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, `/_sandbox/${path}`).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

export async function issueCode(sandbox: RunningSandbox, wallet: 'wxpay' | 'alipay', behavior: Behaviour) {
  const reply = await control(sandbox, 'wallet/codes', { wallet, behavior });
  return String(reply.authCode);
}

export async function confirmPassword(sandbox: RunningSandbox, authCode: string): Promise<void> {
  await control(sandbox, 'wallet/confirm', { authCode });
}

export async function setFaults(sandbox: RunningSandbox, faults: Record<string, number>): Promise<void> {
  await control(sandbox, 'faults', faults);
}

export async function advanceSandboxTime(sandbox: RunningSandbox, ms: number): Promise<void> {
  await control(sandbox, 'time/advance', { ms });
}

/**
 * The customer shows a fresh code of `wallet` with `behavior`, and `gateway` charges it under a fresh
 * out_trade_no: the first step of every adapter's sandbox tests.
 */
export async function chargeFreshCode(
  sandbox: RunningSandbox,
  gateway: PaymentGateway,
  charge: { wallet: 'wxpay' | 'alipay'; prefix: string; subject: string },
  behavior: Behaviour,
  totalFee: number,
) {
  const authCode = await issueCode(sandbox, charge.wallet, behavior);
  const outTradeNo = nextOutTradeNo(charge.prefix);
  const outcome = await gateway.micropay({ outTradeNo, authCode, totalFee, subject: charge.subject });
  return { authCode, outTradeNo, outcome };
}

let serial = 0;
/** A fresh out_trade_no per attempt (one out_trade_no ↔ one auth_code). */
export function nextOutTradeNo(prefix: string): string {
  serial += 1;
  return `${prefix}${Date.now().toString(36)}${serial}`;
}

/**
 * Each fault the sandbox can inject, set to fire on every provider request, with the unknown reason
 * it must produce and what a clean query finds afterwards (all but a 500 happen after the commit).
 */
export const EVERY_FAULT: readonly [string, Record<string, number>, string, RegExp][] = [
  ['dropped reply', { seed: 1, drop_reply_rate: 1 }, 'network', /^paid$/],
  ['HTTP 500', { seed: 1, http_500_rate: 1 }, 'http_status', /^(paid|not_found)$/],
  ['malformed reply', { seed: 1, malformed_reply_rate: 1 }, 'unparseable', /^paid$/],
  ['bad signature', { seed: 1, bad_signature_rate: 1 }, 'bad_signature', /^paid$/],
];

/** One adapter as the shared transport tests drive it (getters: the suite's beforeAll sets them). */
export interface AdapterUnderTest {
  readonly wallet: 'wxpay' | 'alipay';
  sandbox(): RunningSandbox;
  gateway(): PaymentGateway;
  /** The same adapter configured with this per-call timeout. */
  withTimeout(ms: number): PaymentGateway;
  /**
   * What a query by out_trade_no alone finds after a faulted charge, when not what EVERY_FAULT says
   * (PAYJS finds orders by payjs_order_id only, which a faulted reply never delivered).
   */
  readonly queryAfterFault?: RegExp;
}

/**
 * What every adapter must do with each transport fault and with a reply later than its deadline:
 * the charge is unknown (never failed) and a clean query settles it. The same for all three
 * protocols, so one definition registers these tests in each adapter's suite.
 */
export function transportFaultTests(adapter: AdapterUnderTest): void {
  it.each(EVERY_FAULT)(
    '%s: micropay is unknown, never failed; a clean query settles it',
    async (_n, faults, reason, after) => {
      const sandbox = adapter.sandbox();
      const authCode = await issueCode(sandbox, adapter.wallet, 'instant');
      const outTradeNo = nextOutTradeNo('F');
      await setFaults(sandbox, faults);
      const outcome = await adapter.gateway().micropay({ outTradeNo, authCode, totalFee: 500, subject: 'x' });
      expect(outcome).toMatchObject({ kind: 'unknown', reason });
      await setFaults(sandbox, {});
      expect((await adapter.gateway().query({ outTradeNo })).kind).toMatch(adapter.queryAfterFault ?? after);
    },
  );

  it('latency beyond the deadline is a timeout, never failed', async () => {
    const sandbox = adapter.sandbox();
    const impatient = adapter.withTimeout(150);
    const authCode = await issueCode(sandbox, adapter.wallet, 'instant');
    await setFaults(sandbox, { latency_ms: 400 });
    const outcome = await impatient.micropay({
      outTradeNo: nextOutTradeNo('L'),
      authCode,
      totalFee: 1,
      subject: 'x',
    });
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'timeout' });
  });
}
