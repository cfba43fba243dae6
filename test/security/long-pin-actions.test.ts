/**
 * Settings accepts a passphrase PIN of up to 64 characters (core/common/contract/pin-rules.ts), so
 * every operation that takes the supervisor PIN must take one that long: a request schema capped
 * lower refuses the right PIN as invalid input, and the supervisor can never settle a 待处理 item,
 * decide a held paid action or a reconciliation discrepancy, open the drawer or change the
 * peripheral settings. Each operation below is sent the right 40-character PIN for something that
 * does not exist: it must get past the schema and the PIN to the operation's own refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CALLER } from '../../core/service/api/access-policy.ts';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';

const LONG_PIN = 'correct horse battery staple, forty chars';

let h: ServiceHarness;
beforeAll(async () => {
  h = await startServiceHarness();
  const changed = await h.service.invoke(CONSOLE_CALLER, 'updateSettings', {
    pin: '0000',
    new_pin: LONG_PIN,
  });
  expect(changed).toMatchObject({ ok: true, value: { pin_set: true } });
});
afterAll(async () => {
  await h?.close();
});

const asConsole = (name: string, request: unknown) =>
  h.service.invoke(CONSOLE_CALLER, name, request) as Promise<{ ok: boolean; error?: { code: string } }>;

/** What each operation answers once the right PIN got it to run. */
const EXPECTED: Readonly<Record<string, string>> = {
  settleAttention: 'order_not_found',
  resolveHeldPaidAction: 'order_not_found',
  decideDiscrepancy: 'reconcile_item_not_found',
  updatePeripheralSettings: 'ok',
};

describe('a supervisor whose PIN is a 40-character passphrase', () => {
  it('is the PIN Settings took', () => {
    expect(LONG_PIN.length).toBeGreaterThan(32);
    expect(LONG_PIN.length).toBeLessThanOrEqual(64);
  });

  it.each([
    ['settleAttention', { out_trade_no: 'NOSUCH1', action: 'close_unpaid', by: 'Li', reason: 'checked' }],
    ['resolveHeldPaidAction', { out_trade_no: 'NOSUCH1', action: 'mark_done', by: 'Li', reason: 'checked' }],
    ['decideDiscrepancy', { id: 987654, action: 'explain', by: 'Li', note: 'checked' }],
    ['updatePeripheralSettings', { auto_print: false }],
  ])('%s gets past the request check and the PIN', async (name, request) => {
    const reply = await asConsole(name, { ...request, pin: LONG_PIN });
    // Nothing to settle, decide or change: the operation's own answer, never the schema's or the PIN's.
    expect(reply.ok ? 'ok' : reply.error?.code).toBe(EXPECTED[name]);
  });

  it('a wrong PIN of the same length is still refused as a wrong PIN', async () => {
    const reply = await asConsole('updatePeripheralSettings', {
      auto_print: false,
      pin: LONG_PIN.replace('horse', 'mouse'),
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'pin_invalid' } });
  });
});
