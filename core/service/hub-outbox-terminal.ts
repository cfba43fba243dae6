/**
 * The terminal id the hub outbox's rows are made under (core/journal/journal-outbox.ts). A change is
 * sent to the store hub under the id it was made under, and the hub takes a terminal's changes only
 * with that terminal's token (core/hub/terminal-tokens.ts). So a till whose terminal_id was changed
 * while changes made under the old id still wait (its hub was off or unreachable) could send them
 * only with the old id's token, which it no longer has; sending them under the new id would file
 * the old sales under the wrong till at the hub. The till therefore refuses to start under another
 * id while such changes wait (terminal_id_changed): the owner starts it under the old id (and its
 * token) until the hub has them, then changes the id. Rows made under no id (before the journal
 * migration "outbox rows keep their terminal id", or by a tool) are the current id's: stamped here.
 * Why this and not the hub accepting the old id from the new token: docs/scale.md "A till's terminal id".
 */
import { ConfigError } from '../common/errors.ts';

export interface OutboxTerminals {
  outboxTerminals(): { terminalId: string; waiting: number }[];
  outboxUnder(terminalId: string): void;
}

/** At start, before anything is written: refuses a changed terminal id while the old one's changes wait. */
export function claimOutboxTerminal(journal: OutboxTerminals, terminalId: string): void {
  const others = journal.outboxTerminals().filter((t) => t.terminalId !== terminalId);
  if (others.length > 0) {
    const list = others.map((t) => `${t.waiting} made as ${t.terminalId}`).join(', ');
    throw new ConfigError(
      'terminal_id_changed',
      `terminal_id is ${terminalId}, but changes still wait for the store hub under another id (${list}). ` +
        `Start with terminal_id ${others[0]!.terminalId} and that terminal's hub token until the hub has them ` +
        '(the status bar shows the hub synced), then change terminal_id.',
      {
        terminal_id: terminalId,
        waiting: others.map((t) => ({ terminal_id: t.terminalId, changes: t.waiting })),
      },
    );
  }
  journal.outboxUnder(terminalId);
}
