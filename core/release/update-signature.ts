/**
 * Detached Ed25519 signatures for update packages (docs/deploy.md, "Updates"). The release manager
 * signs each installer with the release private key (`scanpay sign-release`); the app ships the public
 * half and refuses any downloaded update whose `<file>.sig` is missing, malformed, made by another
 * key, made for another version, or made for other bytes. electron-updater's own check (a sha512 read
 * from latest.yml on the same server) proves only that the download is complete, not who made it.
 *
 * What is signed is a short text naming the product, the version and the file's SHA-512, not the
 * file itself: Ed25519 (pure) needs the whole message in memory, an installer is 100 MB, and hashing
 * streams. Binding the version stops a server from relabelling an old signed package as a new one.
 * Node's own crypto does the Ed25519 work (no dependency needed); zod reads the signature file.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { z } from 'zod';
import type { UpdateRefusalCode } from '../common/error-codes.ts';
import { ScanPayError } from '../common/errors.ts';

export const SIGNATURE_FORMAT = 'scanpay-update-signature-v1';
/** The product a signature is for (electron-builder's appId). */
export const UPDATE_PRODUCT = 'cn.scanpay.kiosk';
/** A signature file is a few hundred bytes; anything much larger is not one. */
export const MAX_SIGNATURE_BYTES = 4096;

/** The refusal codes and what each means: core/common/error-codes.ts. */
export { UPDATE_REFUSAL_CODES, type UpdateRefusalCode } from '../common/error-codes.ts';

/** A downloaded update that must not be installed. Messages name the file, never key material. */
export class UpdateRefusedError extends ScanPayError {
  override readonly kind = 'validation' as const;
  declare readonly code: UpdateRefusalCode;
  constructor(code: UpdateRefusalCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}

const SignatureFile = z.strictObject({
  format: z.literal(SIGNATURE_FORMAT),
  product: z.string().min(1).max(100),
  version: z.string().min(1).max(64),
  sha512: z.base64().length(88),
  signature: z.base64().length(88),
});
export type SignatureFile = z.infer<typeof SignatureFile>;

function signedMessage(fields: Pick<SignatureFile, 'product' | 'version' | 'sha512'>): Buffer {
  return Buffer.from(`${SIGNATURE_FORMAT}\n${fields.product}\n${fields.version}\n${fields.sha512}\n`, 'utf8');
}

export async function sha512OfFile(path: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

function ed25519(key: KeyObject, which: 'public' | 'private'): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ScanPayError('release_key_invalid', `the release ${which} key is not an Ed25519 key`);
  }
  return key;
}

export function releasePublicKey(pem: string): KeyObject {
  try {
    return ed25519(createPublicKey(pem), 'public');
  } catch (error) {
    if (error instanceof ScanPayError) throw error;
    throw new ScanPayError('release_key_invalid', 'the release public key is not a PEM public key');
  }
}

export function releasePrivateKey(pem: string): KeyObject {
  try {
    return ed25519(createPrivateKey(pem), 'private');
  } catch (error) {
    if (error instanceof ScanPayError) throw error;
    // Never echo the input: it is (or was meant to be) a private key.
    throw new ScanPayError('release_key_invalid', 'the release private key is not a PEM private key');
  }
}

/** The `<file>.sig` content (JSON, one line) for a package already on disk. */
export async function signUpdateFile(
  path: string,
  version: string,
  privateKey: KeyObject,
  product: string = UPDATE_PRODUCT,
): Promise<string> {
  const sha512 = await sha512OfFile(path);
  const signature = sign(null, signedMessage({ product, version, sha512 }), privateKey).toString('base64');
  const file: SignatureFile = { format: SIGNATURE_FORMAT, product, version, sha512, signature };
  return `${JSON.stringify(SignatureFile.parse(file))}\n`;
}

export interface VerifyRequest {
  /** The downloaded package. */
  readonly path: string;
  /** The version electron-updater says it downloaded: the signature must be for exactly this one. */
  readonly version: string;
  /** The `.sig` file's bytes, or null when the server has none. */
  readonly signature: Uint8Array | null;
  readonly publicKey: KeyObject;
  readonly product?: string;
}

/** Resolves when the package is ours; throws UpdateRefusedError otherwise. */
export async function verifyUpdateFile(request: VerifyRequest): Promise<void> {
  const where = { file: request.path, version: request.version };
  if (request.signature === null) {
    throw new UpdateRefusedError('update_unsigned', `update ${request.version} has no signature file`, where);
  }
  const refuse = (why: string): never => {
    throw new UpdateRefusedError(
      'update_signature_invalid',
      `update ${request.version} refused: ${why}`,
      where,
    );
  };
  if (request.signature.byteLength > MAX_SIGNATURE_BYTES) refuse('the signature file is too large');
  let parsed: SignatureFile;
  try {
    parsed = SignatureFile.parse(JSON.parse(Buffer.from(request.signature).toString('utf8')));
  } catch {
    return refuse('the signature file is not a ScanPay update signature');
  }
  const product = request.product ?? UPDATE_PRODUCT;
  if (parsed.product !== product) refuse(`the signature is for another product (${parsed.product})`);
  if (parsed.version !== request.version) refuse(`the signature is for version ${parsed.version}`);
  const genuine = verify(
    null,
    signedMessage(parsed),
    request.publicKey,
    Buffer.from(parsed.signature, 'base64'),
  );
  if (!genuine) refuse('the signature was not made with the release key');
  // Last: the bytes on disk must be the bytes that were signed.
  if ((await sha512OfFile(request.path)) !== parsed.sha512) refuse('the package differs from the signed one');
}
