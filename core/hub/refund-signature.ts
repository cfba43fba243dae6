/**
 * Signed refund requests: every refund the hub hands a till (on each ingest answer,
 * ./hub-refunds.ts) is signed with the hub's Ed25519 config key (the key that signs store config,
 * ./store-config.ts), and the till that sold the order checks it with the public half from its own
 * config (`hub.config_public_key`) before it refunds (core/service/hub-refund-runner.ts). The link
 * between till and hub may be plain http on a store LAN: without this, anyone on that LAN could
 * inject a refund of any paid sale of the till, or change an amount in transit.
 *
 * What is signed is `scanpay-refund-request-v1\n` + the JSON array [terminal_id, request_id,
 * order_no, out_refund_no, refund_fee, reason, expires_at]: a JSON array so that no field's text
 * can run into the next, and every field a till acts on is bound, the till it is for included (a
 * request for one till replayed to another is refused). The hub signs at each hand-out with an
 * expiry REFUND_REQUEST_VALIDITY_MS ahead, so a captured request stops being usable soon after
 * (a repeat within that time names an out_refund_no the till already holds and refunds nothing).
 * Node's crypto does Ed25519; zod checks the shape before the signature is looked at.
 */
import { type KeyObject, sign, verify } from 'node:crypto';
import { z } from 'zod';

const FORMAT = 'scanpay-refund-request-v1';

/**
 * How long a hand-out stays valid. Tills and hub keep their clocks within minutes of each other
 * (providers require it), and a till re-fetches requests with every ingest answer, every few seconds.
 */
export const REFUND_REQUEST_VALIDITY_MS = 15 * 60_000;

export const SignedRefundOrderSchema = z.strictObject({
  terminal_id: z.string().min(1).max(32),
  request_id: z.string().min(1).max(64),
  order_no: z.string().min(1).max(64),
  // Not held to the providers' 64 here: the till's refund service judges the number itself and
  // refuses one it cannot send, which closes the request at the hub rather than leaving it open.
  out_refund_no: z.string().min(1).max(128),
  refund_fee: z.number().int().positive(),
  reason: z.string().max(80).nullable(),
  expires_at: z.number().int().positive(),
  signature: z.base64().length(88),
});
export type SignedRefundOrder = z.infer<typeof SignedRefundOrderSchema>;
export type RefundOrderFields = Omit<SignedRefundOrder, 'signature' | 'expires_at'>;

/** Why a till refused a refund request (reported to the hub, shown on the owner's page). */
export type RefundOrderRejection =
  | 'no_key'
  | 'malformed'
  | 'other_terminal'
  | 'signature_mismatch'
  | 'expired';

function message(order: Omit<SignedRefundOrder, 'signature'>): Buffer {
  const fields = [
    order.terminal_id,
    order.request_id,
    order.order_no,
    order.out_refund_no,
    order.refund_fee,
    order.reason,
    order.expires_at,
  ];
  return Buffer.from(`${FORMAT}\n${JSON.stringify(fields)}`, 'utf8');
}

export function signRefundOrder(order: RefundOrderFields, key: KeyObject, now: number): SignedRefundOrder {
  const unsigned = {
    terminal_id: order.terminal_id,
    request_id: order.request_id,
    order_no: order.order_no,
    out_refund_no: order.out_refund_no,
    refund_fee: order.refund_fee,
    reason: order.reason,
    expires_at: now + REFUND_REQUEST_VALIDITY_MS,
  };
  return { ...unsigned, signature: sign(null, message(unsigned), key).toString('base64') };
}

/** What a refused request says it is (for the log and the hub's record; never trusted). */
export interface ClaimedRefund {
  readonly out_refund_no: string | null;
  readonly order_no: string | null;
  readonly refund_fee: number | null;
}

function claimed(value: unknown): ClaimedRefund {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const text = (x: unknown) => (typeof x === 'string' ? x.slice(0, 64) : null);
  return {
    out_refund_no: text(v.out_refund_no),
    order_no: text(v.order_no),
    refund_fee: Number.isSafeInteger(v.refund_fee) ? (v.refund_fee as number) : null,
  };
}

/**
 * The request if it is well formed, for `terminalId`, signed by `key` and not expired at `now`;
 * otherwise why not (never throws). A till without the hub's key (null) takes none.
 */
export function verifyRefundOrder(
  value: unknown,
  key: KeyObject | null,
  terminalId: string,
  now: number,
):
  | { ok: true; order: SignedRefundOrder }
  | { ok: false; reason: RefundOrderRejection; claimed: ClaimedRefund } {
  const refused = (reason: RefundOrderRejection) => ({ ok: false as const, reason, claimed: claimed(value) });
  if (!key) return refused('no_key');
  const parsed = SignedRefundOrderSchema.safeParse(value);
  if (!parsed.success) return refused('malformed');
  const order = parsed.data;
  if (order.terminal_id !== terminalId) return refused('other_terminal');
  const { signature, ...signedFields } = order;
  if (!verify(null, message(signedFields), key, Buffer.from(signature, 'base64')))
    return refused('signature_mismatch');
  if (now > order.expires_at) return refused('expired');
  return { ok: true, order };
}
