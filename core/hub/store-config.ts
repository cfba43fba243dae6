/**
 * Store config distribution (issue 19): the owner publishes the store's settings once at the hub;
 * each version is numbered and signed there with the hub's Ed25519 config key; terminals pull the
 * newest, check the signature with the public half from their own config (`hub.config_public_key`),
 * keep it in `<data dir>/store-config.json` once no payment is in flight, and apply it over their
 * config.json at their next start. A rollback is a new version carrying an older body, so versions
 * only go up and a terminal never has to tell "older on purpose" from "replayed".
 *
 * What is signed is `scanpay-store-config-v1\n<version>\n<the body as JSON>`: binding the version
 * stops a relabelled old body from passing as new. The body holds only settings that carry no
 * secret (the UI and the QR product); merchants' credentials and paid actions stay in each till's
 * config.json (a hub database is no place for provider keys). Node's crypto does Ed25519.
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { z } from 'zod';
import { fitsSubject, SUBJECT_RULE } from '../common/contract/provider-text.ts';

const FORMAT = 'scanpay-store-config-v1';

/** The settings a store can push; each key, when present, replaces the till's own. */
export const StoreConfigBodySchema = z.strictObject({
  language: z.enum(['zh-CN', 'en']).optional(),
  ui: z.strictObject({ mode: z.enum(['cashier', 'qr']), kiosk: z.boolean() }).optional(),
  qr_display: z
    .strictObject({
      product: z
        .strictObject({
          name: z.string().min(1).max(64).refine(fitsSubject, SUBJECT_RULE),
          total_fee: z.number().int().positive(),
        })
        .optional(),
      success_ms: z.number().int().min(1000).max(600_000).optional(),
      auto_start: z.boolean().optional(),
    })
    .optional(),
});
export type StoreConfigBody = z.infer<typeof StoreConfigBodySchema>;

export const SignedStoreConfigSchema = z.strictObject({
  version: z.number().int().positive(),
  body: StoreConfigBodySchema,
  signature: z.base64().length(88),
});
export type SignedStoreConfig = z.infer<typeof SignedStoreConfigSchema>;

function message(version: number, body: StoreConfigBody): Buffer {
  return Buffer.from(`${FORMAT}\n${version}\n${JSON.stringify(body)}`, 'utf8');
}

export function configPrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error('the config key is not a PEM private key'); // never echo the input
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the config key is not an Ed25519 key');
  return key;
}

export function configPublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error('hub.config_public_key is not a PEM public key');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('hub.config_public_key is not an Ed25519 key');
  return key;
}

export function signStoreConfig(version: number, body: StoreConfigBody, key: KeyObject): SignedStoreConfig {
  return { version, body, signature: sign(null, message(version, body), key).toString('base64') };
}

/**
 * The config if `value` is a well-formed config signed by `key`; otherwise a reason (never throws).
 * The body is checked as it came (re-serialised by JSON.stringify in key order as sent).
 */
export function verifyStoreConfig(
  value: unknown,
  key: KeyObject,
): { ok: true; config: SignedStoreConfig } | { ok: false; reason: string } {
  const parsed = SignedStoreConfigSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: `not a store config: ${parsed.error.issues[0]?.message}` };
  const { version, body, signature } = parsed.data;
  const good = verify(null, message(version, body), key, Buffer.from(signature, 'base64'));
  return good ? { ok: true, config: parsed.data } : { ok: false, reason: 'the signature does not match' };
}
