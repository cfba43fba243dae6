/**
 * Pieces every provider's config schema shares: zod parse → ConfigError naming the key (never the
 * value: a value may be a key or a password), base URLs, timeouts, PEM-or-path reading, and
 * secret-hiding so a config object can be logged or serialised without leaking credentials.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { z } from 'zod';
import { ConfigError } from '../../common/errors.ts';

/** zod issue list → one ConfigError whose message lists `path: problem` for every bad key. */
export function parseProviderConfig<S extends z.ZodType>(
  schema: S,
  input: unknown,
  provider: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    key: issue.path.map(String).join('.') || '(config)',
    problem: issue.message,
  }));
  const text = issues.map((issue) => `${issue.key}: ${issue.problem}`).join('; ');
  throw new ConfigError('gateway_config_invalid', `${provider} config is invalid: ${text}`, {
    provider,
    issues,
  });
}

/** A config text that may be left out but, when given, is not empty. */
export const optionalText = z.string().min(1).optional();

export const baseUrlSchema = z
  .string()
  .refine((value) => /^https?:\/\/[^\s/]+/.test(value) && URL.canParse(value), 'must be an http(s) URL')
  .transform((value) => value.replace(/\/+$/, ''));

/** Per-call deadlines. Micropay waits longer: the provider may hold it while it charges. */
export const timeoutsSchema = z
  .strictObject({
    micropay_ms: z.number().int().min(1).max(120_000).default(10_000),
    other_ms: z.number().int().min(1).max(120_000).default(6_000),
  })
  .prefault({});

export type GatewayTimeouts = z.output<typeof timeoutsSchema>;

/**
 * A PEM given inline (contains "-----BEGIN") or a path to a file holding one. Returns the text or an
 * error message that names neither the value nor the file contents.
 */
export function readPemOrPath(value: string): { ok: true; pem: string } | { ok: false; message: string } {
  if (value.includes('-----BEGIN')) return { ok: true, pem: value };
  try {
    return { ok: true, pem: readFileSync(value, 'utf8') };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      ok: false,
      message: `is neither a PEM nor a readable file (${typeof code === 'string' ? code : 'unreadable'})`,
    };
  }
}

const REDACTED = '[redacted]';

/**
 * Freezes `config` and gives it a toJSON / util.inspect that replace the named secret fields with
 * "[redacted]", so `JSON.stringify(config)` and `console.log(config)` are safe. The fields stay
 * readable by code.
 */
export function hideSecrets<T extends object>(config: T, secretKeys: readonly string[]): Readonly<T> {
  const redacted = (): Record<string, unknown> => {
    const copy: Record<string, unknown> = { ...(config as Record<string, unknown>) };
    for (const key of secretKeys) if (copy[key] !== undefined) copy[key] = REDACTED;
    return copy;
  };
  Object.defineProperty(config, 'toJSON', { value: redacted, enumerable: false });
  Object.defineProperty(config, inspect.custom, { value: () => redacted(), enumerable: false });
  return Object.freeze(config);
}
