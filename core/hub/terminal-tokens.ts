/**
 * Terminal enrolment and its tokens. A token is 32 random bytes (base64url) prefixed with
 * `spt_`; the hub stores only its SHA-256. A plain hash rather than scrypt/argon2 is enough here
 * because the token is random with 256 bits of entropy (nothing to guess from a dictionary), and
 * it must be checked on every ingest request. Each token belongs to exactly one terminal, and the
 * ingest path keys everything it writes by that terminal, so a token writes only its own data.
 * Enrolling a terminal again (a replaced till) issues a new token and the old one stops working.
 *
 * The refund right (`may_refund`, hub schema step 5): only a terminal the owner gave it may look
 * up and ask refunds of other tills' sales (`refundingTerminal`). A token is only as safe as the
 * device that holds it, and an unattended QR device (a massage chair, a vending board) keeps its
 * token in a config.json in a public place: without this right, a lifted token can refund nothing.
 * Enrolment sets the right as asked (default none); re-enrolling a replaced till sets it again.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';
import { z } from 'zod';
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

/** Whether a terminal may refund other tills' sales through the hub, and at most how much per Beijing day. */
export interface RefundRight {
  readonly refunds: boolean;
  /**
   * Fen per Beijing day the till may ask in all (null: no cap). Only with `refunds`. Left out: no
   * cap at enrolment, and setRefundRight keeps the cap the till has (the owner's page's buttons).
   */
  readonly dailyCapFen?: number | null;
}

function checkRight(right: RefundRight): void {
  const cap = right.dailyCapFen ?? null;
  if (cap !== null && (!Number.isSafeInteger(cap) || cap <= 0))
    throw new HubError('hub_bad_request', 'the daily refund cap must be a positive number of fen');
  if (cap !== null && !right.refunds)
    throw new HubError('hub_bad_request', 'a daily refund cap needs the refund right');
}

/**
 * Enrols `terminalId` (or re-enrols it, replacing its token and lifting a revocation) with the
 * refund right given (none by default); returns the token once.
 */
export async function enrolTerminal(
  pool: Pool,
  terminalId: string,
  now: number,
  right: RefundRight = { refunds: false },
): Promise<string> {
  checkTerminalId(terminalId);
  checkRight(right);
  const token = newTerminalToken();
  await pool.query(
    `INSERT INTO hub_terminals (terminal_id, token_hash, enrolled_at, may_refund, refund_daily_cap) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (terminal_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, enrolled_at = EXCLUDED.enrolled_at,
       revoked_at = NULL, may_refund = EXCLUDED.may_refund, refund_daily_cap = EXCLUDED.refund_daily_cap`,
    [terminalId, hashToken(token), now, right.refunds, right.dailyCapFen ?? null],
  );
  return token;
}

/** The owner's page's request (POST /api/terminals/refund-right): the right, and its cap in fen. */
export const RefundRightSchema = z.strictObject({
  terminal_id: z.string().min(1).max(32),
  refunds: z.boolean(),
  daily_refund_cap_fen: z.number().int().positive().nullable().optional(),
});

/**
 * Grants or takes back the refund right, and sets its daily cap when `right` names one (null: none);
 * without one the till keeps its cap, so taking the right back and giving it again on the owner's
 * page does not lift a cap set on the command line. False when there is no such terminal.
 */
export async function setRefundRight(pool: Pool, terminalId: string, right: RefundRight): Promise<boolean> {
  checkTerminalId(terminalId);
  checkRight(right);
  const result =
    right.dailyCapFen === undefined
      ? await pool.query('UPDATE hub_terminals SET may_refund = $2 WHERE terminal_id = $1', [
          terminalId,
          right.refunds,
        ])
      : await pool.query(
          'UPDATE hub_terminals SET may_refund = $2, refund_daily_cap = $3 WHERE terminal_id = $1',
          [terminalId, right.refunds, right.dailyCapFen],
        );
  return (result.rowCount ?? 0) > 0;
}

/** The terminal's daily refund cap in fen (null: none, or no such terminal). */
export async function refundCapOf(pool: Pool, terminalId: string): Promise<number | null> {
  const { rows } = await pool.query<{ cap: string | null }>(
    'SELECT refund_daily_cap AS cap FROM hub_terminals WHERE terminal_id = $1',
    [terminalId],
  );
  return rows[0]?.cap == null ? null : Number(rows[0].cap);
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
  return (await liveTerminal(pool, token)).terminal_id;
}

/**
 * The terminal a bearer token belongs to, when that terminal holds the refund right;
 * hub_refund_not_granted (403) when it does not, so a till's refund screen can say why.
 */
export async function refundingTerminal(pool: Pool, token: string | null, now: number): Promise<string> {
  const row = await liveTerminal(pool, token);
  if (!row.may_refund) {
    // Counted for the owner's page: a QR device's token trying refunds is likely in other hands.
    await pool.query(
      'UPDATE hub_terminals SET refunds_refused = refunds_refused + 1, refunds_refused_at = $2 WHERE terminal_id = $1',
      [row.terminal_id, now],
    );
    throw new HubError(
      'hub_refund_not_granted',
      `terminal ${row.terminal_id} may not refund other tills' sales: the owner grants it with \`scanpay hub grant-refunds --terminal-id ${row.terminal_id}\``,
      { terminal_id: row.terminal_id },
    );
  }
  return row.terminal_id;
}

async function liveTerminal(
  pool: Pool,
  token: string | null,
): Promise<{ terminal_id: string; may_refund: boolean }> {
  if (!token)
    throw new HubError('hub_unauthorized', 'send the terminal token as Authorization: Bearer <token>');
  const { rows } = await pool.query<{ terminal_id: string; revoked_at: string | null; may_refund: boolean }>(
    'SELECT terminal_id, revoked_at, may_refund FROM hub_terminals WHERE token_hash = $1',
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row)
    throw new HubError('hub_unauthorized', 'unknown terminal token (enrol with `scanpay hub add-terminal`)');
  if (row.revoked_at !== null)
    throw new HubError('hub_forbidden', `terminal ${row.terminal_id}'s token was revoked`, {
      terminal_id: row.terminal_id,
    });
  return row;
}

/** Constant-time check of the admin token (both sides hashed first so lengths never leak). */
export function isAdminToken(expected: string, given: string | null): boolean {
  if (!given) return false;
  return timingSafeEqual(
    createHash('sha256').update(expected).digest(),
    createHash('sha256').update(given).digest(),
  );
}
