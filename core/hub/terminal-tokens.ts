/**
 * Terminal enrolment and its tokens. A token is 32 random bytes (base64url) prefixed with
 * `spt_`; the hub stores only its SHA-256. A plain hash rather than scrypt/argon2 is enough here
 * because the token is random with 256 bits of entropy (nothing to guess from a dictionary), and
 * it must be checked on every ingest request. Each token belongs to exactly one terminal, and the
 * ingest path keys everything it writes by that terminal, so a token writes only its own data.
 * Enrolling a terminal again (a replaced till) issues a new token and the old one stops working.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';
import { HubError } from './hub-errors.ts';

export const TERMINAL_ID_RULE = /^[A-Za-z0-9]{1,8}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newTerminalToken(): string {
  return `spt_${randomBytes(32).toString('base64url')}`;
}

function checkTerminalId(terminalId: string): void {
  if (!TERMINAL_ID_RULE.test(terminalId))
    throw new HubError(
      'hub_bad_request',
      `terminal id ${JSON.stringify(terminalId.slice(0, 40))} is not 1–8 letters or digits (the terminal's terminal_id)`,
    );
}

/** Enrols `terminalId` (or re-enrols it, replacing its token and lifting a revocation); returns the token once. */
export async function enrolTerminal(pool: Pool, terminalId: string, now: number): Promise<string> {
  checkTerminalId(terminalId);
  const token = newTerminalToken();
  await pool.query(
    `INSERT INTO hub_terminals (terminal_id, token_hash, enrolled_at) VALUES ($1, $2, $3)
     ON CONFLICT (terminal_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, enrolled_at = EXCLUDED.enrolled_at, revoked_at = NULL`,
    [terminalId, hashToken(token), now],
  );
  return token;
}

/** Revokes the terminal's token at once; its data stays. False when there is no such terminal. */
export async function revokeTerminal(pool: Pool, terminalId: string, now: number): Promise<boolean> {
  checkTerminalId(terminalId);
  const result = await pool.query(
    'UPDATE hub_terminals SET revoked_at = $2 WHERE terminal_id = $1 AND revoked_at IS NULL',
    [terminalId, now],
  );
  if ((result.rowCount ?? 0) > 0) return true;
  const known = await pool.query('SELECT 1 FROM hub_terminals WHERE terminal_id = $1', [terminalId]);
  return (known.rowCount ?? 0) > 0;
}

/** The terminal a bearer token belongs to; hub_unauthorized / hub_forbidden otherwise. */
export async function terminalOfToken(pool: Pool, token: string | null): Promise<string> {
  if (!token)
    throw new HubError('hub_unauthorized', 'send the terminal token as Authorization: Bearer <token>');
  const { rows } = await pool.query<{ terminal_id: string; revoked_at: string | null }>(
    'SELECT terminal_id, revoked_at FROM hub_terminals WHERE token_hash = $1',
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row)
    throw new HubError('hub_unauthorized', 'unknown terminal token (enrol with `scanpay hub add-terminal`)');
  if (row.revoked_at !== null)
    throw new HubError('hub_forbidden', `terminal ${row.terminal_id}'s token was revoked`, {
      terminal_id: row.terminal_id,
    });
  return row.terminal_id;
}

/** Constant-time check of the admin token (both sides hashed first so lengths never leak). */
export function isAdminToken(expected: string, given: string | null): boolean {
  if (!given) return false;
  return timingSafeEqual(
    createHash('sha256').update(expected).digest(),
    createHash('sha256').update(given).digest(),
  );
}
