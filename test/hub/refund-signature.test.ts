/**
 * A refund request the hub hands a till is signed with the hub's Ed25519 key and bound to the till,
 * the order, the amount, the refund number, the owner's request id, the reason and an expiry; the
 * till takes it only when every one of those checks out with the hub's public key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  REFUND_REQUEST_VALIDITY_MS,
  signRefundOrder,
  verifyRefundOrder,
} from '../../core/hub/refund-signature.ts';

const hubKeys = generateKeyPairSync('ed25519');
const otherKeys = generateKeyPairSync('ed25519');
const NOW = Date.UTC(2026, 10, 30, 4, 0, 0);

const request = {
  terminal_id: 'T8',
  request_id: 'owner-req-0001',
  order_no: 'P1',
  out_refund_no: 'P1H7',
  refund_fee: 100,
  reason: 'cold tea',
};
const signed = signRefundOrder(request, hubKeys.privateKey, NOW);

describe('signed refund requests', () => {
  it('a request as the hub signed it checks out at its till until it expires', () => {
    expect(signed.expires_at).toBe(NOW + REFUND_REQUEST_VALIDITY_MS);
    expect(verifyRefundOrder(signed, hubKeys.publicKey, 'T8', NOW + 1000)).toEqual({
      ok: true,
      order: signed,
    });
    expect(verifyRefundOrder(JSON.parse(JSON.stringify(signed)), hubKeys.publicKey, 'T8', NOW).ok).toBe(true);
    const late = verifyRefundOrder(signed, hubKeys.publicKey, 'T8', signed.expires_at + 1);
    expect(late).toMatchObject({ ok: false, reason: 'expired' });
  });

  it.each([
    ['refund_fee', 900],
    ['order_no', 'P2'],
    ['out_refund_no', 'P1H8'],
    ['request_id', 'owner-req-0002'],
    ['reason', 'changed'],
    ['terminal_id', 'T9'],
    ['expires_at', NOW + 10 * REFUND_REQUEST_VALIDITY_MS],
  ])('a request with %s changed in transit is refused', (field, value) => {
    const altered = { ...signed, [field]: value };
    const checked = verifyRefundOrder(altered, hubKeys.publicKey, String(altered.terminal_id), NOW);
    expect(checked).toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  it('refuses a request for another till, one signed by another key, one unsigned or malformed', () => {
    expect(verifyRefundOrder(signed, hubKeys.publicKey, 'T9', NOW)).toMatchObject({
      ok: false,
      reason: 'other_terminal',
    });
    const forged = signRefundOrder(request, otherKeys.privateKey, NOW);
    expect(verifyRefundOrder(forged, hubKeys.publicKey, 'T8', NOW)).toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    });
    const { signature: _, ...unsigned } = signed;
    expect(verifyRefundOrder(unsigned, hubKeys.publicKey, 'T8', NOW)).toMatchObject({
      ok: false,
      reason: 'malformed',
      claimed: { out_refund_no: 'P1H7', order_no: 'P1', refund_fee: 100 },
    });
    expect(verifyRefundOrder('P1H7', hubKeys.publicKey, 'T8', NOW)).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyRefundOrder({ ...signed, refund_fee: -5 }, hubKeys.publicKey, 'T8', NOW)).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('a till without the hub key refuses every request', () => {
    expect(verifyRefundOrder(signed, null, 'T8', NOW)).toMatchObject({ ok: false, reason: 'no_key' });
  });
});
