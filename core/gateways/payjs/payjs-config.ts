/** PAYJS merchant config (docs/protocols.md §5), validated once at load; the key never leaves the object. */
import { z } from 'zod';
import {
  baseUrlSchema,
  hideSecrets,
  parseProviderConfig,
  timeoutsSchema,
} from '../shared/provider-config.ts';

export const PAYJS_DEFAULT_BASE_URL = 'https://payjs.cn/api';

export const payjsConfigSchema = z
  .strictObject({
    provider: z.literal('payjs'),
    mchid: z.string().min(1),
    key: z.string().min(1),
    base_url: baseUrlSchema.default(PAYJS_DEFAULT_BASE_URL),
    /** PAYJS blacklists IPs that poll check too often: checks of one order are at least this far apart. */
    check_min_interval_ms: z.number().int().min(0).max(60_000).default(3_000),
    /** Notification URL for QR (native) orders. */
    notify_url: z.string().min(1).optional(),
    timeouts: timeoutsSchema,
  })
  .transform((raw) => hideSecrets({ ...raw }, ['key']));

export type PayjsConfigInput = z.input<typeof payjsConfigSchema>;
export type PayjsConfig = z.output<typeof payjsConfigSchema>;

export function parsePayjsConfig(input: unknown): PayjsConfig {
  return parseProviderConfig(payjsConfigSchema, input, 'payjs');
}
