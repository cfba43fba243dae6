/**
 * JSON-lines log in `<data dir>/logs/scanpay.log`. Fields named like secrets are dropped, and
 * payment codes are never passed in (callers log out_trade_no, not auth codes).
 *
 * Owner-only (logs/ 0700, files 0600) and rotated by size: past `maxBytes` the file becomes
 * scanpay.log.1 (.1 → .2 …, the oldest dropped), so a busy till or a flood of rejected requests
 * cannot fill the disk the journal needs. Hand-written rather than a logging library: it is a few
 * lines on appendFileSync, which keeps each line durable in order without a worker thread.
 * `rateLimited` wraps a logger so that lines an outsider can cause (rejected /notify calls) are
 * capped by a token bucket and summarised ("N suppressed").
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineLogger } from '../engine/engine-deps.ts';

const SECRET_FIELD = /key|secret|token|pin|password|passphrase|auth_code|cert/i;

export interface ServiceLogger extends EngineLogger {
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface FileLoggerOptions {
  /** Rotate when the file would grow past this (default 5 MiB). */
  readonly maxBytes?: number;
  /** Rotated files kept besides the current one (default 3). */
  readonly keep?: number;
}

export const LOG_FILE = 'scanpay.log';

export function createFileLogger(
  dataDir: string,
  echo: boolean,
  options: FileLoggerOptions = {},
): ServiceLogger {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const keep = options.keep ?? 3;
  const dir = join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, LOG_FILE);
  try {
    chmodSync(dir, 0o700);
    if (existsSync(file)) chmodSync(file, 0o600);
  } catch {
    // Not the owner (a shared log dir): the modes are the owner's business then.
  }
  let size = existsSync(file) ? statSync(file).size : 0;

  const rotate = () => {
    rmSync(`${file}.${keep}`, { force: true });
    for (let n = keep - 1; n >= 1; n--) {
      if (existsSync(`${file}.${n}`)) renameSync(`${file}.${n}`, `${file}.${n + 1}`);
    }
    if (keep > 0) renameSync(file, `${file}.1`);
    else rmSync(file, { force: true });
    size = 0;
  };

  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    const safe = fields
      ? Object.fromEntries(Object.entries(fields).filter(([k]) => !SECRET_FIELD.test(k)))
      : {};
    const line = `${JSON.stringify({ at: new Date().toISOString(), level, message, ...safe })}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      if (size > 0 && size + bytes > maxBytes) rotate();
      appendFileSync(file, line, { mode: 0o600 });
      size += bytes;
    } catch {
      // A full disk must not stop a payment; the journal is the record that matters.
    }
    if (echo) process.stderr.write(line);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

export interface RateLimitOptions {
  /** The messages limited (lines an outsider can cause); every other line passes unlimited. */
  readonly messages: readonly string[];
  /** Lines allowed in a burst, per message. */
  readonly burst: number;
  /** Tokens regained per minute, per message. */
  readonly perMinute: number;
  readonly now?: () => number;
}

/**
 * A logger that lets at most `burst` lines of each of `messages` through, refilled at `perMinute`; lines over
 * that are counted, and the count is logged as one "suppressed" line when lines flow again (or at
 * `flush()`). Only `warn` and `info` lines are limited.
 */
export function rateLimited(
  inner: EngineLogger,
  options: RateLimitOptions,
): EngineLogger & { flush(): void } {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number; suppressed: number; level: string }>();
  const summary = (message: string, bucket: { suppressed: number }) => {
    if (bucket.suppressed === 0) return;
    inner.warn('log lines suppressed', { of: message, suppressed: bucket.suppressed });
    bucket.suppressed = 0;
  };
  const limited = (level: 'info' | 'warn') => (message: string, fields?: Record<string, unknown>) => {
    if (!options.messages.includes(message)) {
      inner[level](message, fields);
      return;
    }
    const t = now();
    let bucket = buckets.get(message);
    if (!bucket) {
      bucket = { tokens: options.burst, at: t, suppressed: 0, level };
      buckets.set(message, bucket);
    }
    bucket.tokens = Math.min(options.burst, bucket.tokens + ((t - bucket.at) / 60_000) * options.perMinute);
    bucket.at = t;
    if (bucket.tokens < 1) {
      bucket.suppressed++;
      return;
    }
    bucket.tokens -= 1;
    summary(message, bucket);
    inner[level](message, fields);
  };
  return {
    info: limited('info'),
    warn: limited('warn'),
    flush: () => {
      for (const [message, bucket] of buckets) summary(message, bucket);
    },
  };
}
