/**
 * The terminal id the hub outbox's rows are made under (core/journal/journal-outbox.ts). A change is
 * sent to the store hub under the id it was made under, and the hub takes a terminal's changes only
 * with that terminal's token (core/hub/terminal-tokens.ts). So a till whose terminal_id was changed
 * while changes made under the old id still wait (its hub was off or unreachable) could send them
 * only with the old id's token, which it no longer has; sending them under the new id would file
 * the old sales under the wrong till at the hub. The till therefore refuses to start under another
 * id while such changes wait (terminal_id_changed): the owner starts it under the old id (and its
 * token) until the hub has them, then changes the id. When no hub is configured any more they can
 * never be sent: the message says so, and `scanpay hub discard-outbox --terminal-id OLD --yes`
 * (core/cli/commands/hub-discard-outbox.ts) drops them, explicitly. Rows made under no id (before the
 * journal migration "outbox rows keep their terminal id", or by a tool) are the current id's:
 * stamped here. Why this and not the hub accepting the old id from the new token: docs/scale.md
 * "A till's terminal id".
 */
import { ConfigError } from '../common/errors.ts';
import type { GuardedStatement } from '../journal/journal-statements.ts';

export interface OutboxTerminals {
  outboxTerminals(): { terminalId: string; waiting: number }[];
  outboxUnder(terminalId: string): void;
}

/** At start, before anything is written: refuses a changed terminal id while the old one's changes wait. */
export function claimOutboxTerminal(
  journal: OutboxTerminals,
  terminalId: string,
  options: { readonly hubConfigured?: boolean } = {},
): void {
  const hubConfigured = options.hubConfigured ?? true;
  const others = journal.outboxTerminals().filter((t) => t.terminalId !== terminalId);
  if (others.length > 0) {
    const list = others.map((t) => `${t.waiting} made as ${t.terminalId}`).join(', ');
    const old = others[0]!.terminalId;
    const discard = `scanpay hub discard-outbox --terminal-id ${old} --yes (run with the service stopped; the hub never gets them)`;
    throw new ConfigError(
      'terminal_id_changed',
      hubConfigured
        ? `terminal_id is ${terminalId}, but changes still wait for the store hub under another id (${list}). ` +
            `Start with terminal_id ${old} and that terminal's hub token until the hub has them ` +
            `(the status bar shows the hub synced), then change terminal_id; or drop them: ${discard}.`
        : `terminal_id is ${terminalId}, but changes made under another id were never sent to the store hub (${list}), ` +
            `and no store hub is configured to send them to. Put config "hub" back with terminal ${old}'s token ` +
            `and start with terminal_id ${old} to send them, or drop them: ${discard}.`,
      {
        terminal_id: terminalId,
        hub_configured: hubConfigured,
        waiting: others.map((t) => ({ terminal_id: t.terminalId, changes: t.waiting })),
      },
    );
  }
  journal.outboxUnder(terminalId);
}

/** The journal's side of discard-outbox: its watched statements and IMMEDIATE transactions. */
export interface OutboxRows {
  watched(sql: string): GuardedStatement;
  transaction<T>(work: () => T): T;
}

/** How many changes made as `terminalId` wait for the hub. */
export function outboxWaitingUnder(journal: OutboxRows, terminalId: string): number {
  const row = journal.watched('SELECT count(*) AS n FROM outbox WHERE terminal_id = ?').get(terminalId) as {
    n: number;
  };
  return Number(row.n);
}

/** Drops the changes made as `terminalId` that wait for the hub, in one transaction; returns how many. */
export function discardOutboxUnder(journal: OutboxRows, terminalId: string): number {
  return journal.transaction(() =>
    Number(journal.watched('DELETE FROM outbox WHERE terminal_id = ?').run(terminalId).changes),
  );
}
