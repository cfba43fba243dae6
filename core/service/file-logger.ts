/**
 * JSON-lines log in `<data dir>/logs/scanpay.log`. Fields named like secrets are dropped, and
 * payment codes are never passed in (callers log out_trade_no, not auth codes).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineLogger } from '../engine/engine-deps.ts';

const SECRET_FIELD = /key|secret|token|pin|password|passphrase|auth_code|cert/i;

export function createFileLogger(dataDir: string, echo: boolean): EngineLogger {
  const dir = join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'scanpay.log');
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    const safe = fields
      ? Object.fromEntries(Object.entries(fields).filter(([k]) => !SECRET_FIELD.test(k)))
      : {};
    const line = JSON.stringify({ at: new Date().toISOString(), level, message, ...safe });
    try {
      appendFileSync(file, `${line}\n`);
    } catch {
      // A full disk must not stop a payment; the journal is the record that matters.
    }
    if (echo) console.error(line);
  };
  return { info: (m, f) => write('info', m, f), warn: (m, f) => write('warn', m, f) };
}
