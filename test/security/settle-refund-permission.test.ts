/**
 * "A refund always needs a supervisor PIN (console) or a key with `refund`; there is no other path"
 * (docs/security.md). Settling a 待处理 item as mark_refund sends money back through the refund
 * service, so an API key needs `refund` for it as well as `settings`; booking or closing an item
 * moves no money and stays a `settings` decision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller, Permission } from '../../core/service/api/access-policy.ts';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';

let h: ServiceHarness;
beforeAll(async () => {
  h = await startServiceHarness();
});
afterAll(async () => {
  await h?.close();
});

const key = (...permissions: Permission[]): Caller => ({
  kind: 'integrator',
  keyId: 'ops',
  permissions,
  client: 'key:ops',
});

async function settle(caller: Caller, action: string): Promise<string> {
  const reply = (await h.service.invoke(caller, 'settleAttention', {
    out_trade_no: 'NOSUCH2',
    action,
    by: 'ops',
    reason: 'checked',
    pin: 'unused',
  })) as { ok: boolean; error?: { code: string } };
  return reply.ok ? 'ok' : reply.error!.code;
}

describe('settleAttention through an API key', () => {
  it('mark_refund with `settings` but not `refund` is refused before anything runs', async () => {
    expect(await settle(key('settings', 'query', 'pay'), 'mark_refund')).toBe('permission_denied');
  });

  it('mark_refund with `settings` and `refund` reaches the operation', async () => {
    expect(await settle(key('settings', 'refund'), 'mark_refund')).toBe('order_not_found');
  });

  it('book_paid and close_unpaid need `settings` only', async () => {
    expect(await settle(key('settings'), 'book_paid')).toBe('order_not_found');
    expect(await settle(key('settings'), 'close_unpaid')).toBe('order_not_found');
    expect(await settle(key('refund'), 'book_paid')).toBe('permission_denied');
  });
});
