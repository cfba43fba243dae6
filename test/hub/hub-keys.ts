/**
 * The hub's Ed25519 key pair for tests whose hub signs refund requests (core/hub/refund-signature.ts)
 * or store config: the private half for startHub's configKey, the PEM public half for a till's
 * `hub.config_public_key`.
 */
import { generateKeyPairSync } from 'node:crypto';

const pair = generateKeyPairSync('ed25519');

export const HUB_KEY = pair.privateKey;
export const HUB_PUBLIC_PEM = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
