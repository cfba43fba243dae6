/**
 * The service's claim on the outbox's terminal id at start (core/service/hub-outbox-terminal.ts):
 * under the id the waiting rows were made under it passes and stamps the rows made under none; under
 * another id it refuses with terminal_id_changed, naming the old id and how many changes wait, and
 * changes nothing.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/common/errors.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { claimOutboxTerminal } from '../../core/service/hub-outbox-terminal.ts';
import { newOrderRecord } from '../fakes/journal-records.ts';
import { removeScratch, scratchDir } from '../journal/journal-files.ts';

afterEach(removeScratch);

function journalWithRows(): SqliteJournal {
  const journal = new SqliteJournal(join(scratchDir('outbox-terminal'), 'journal.sqlite'), { outbox: true });
  journal.insertOrder(newOrderRecord('T1A', 100, 1000)); // made under no id yet
  claimOutboxTerminal(journal, 'T1');
  journal.insertOrder(newOrderRecord('T1B', 200, 2000));
  return journal;
}

describe("the outbox's terminal id at start", () => {
  it('passes under the id the waiting changes were made under', () => {
    const journal = journalWithRows();
    expect(journal.outboxBatch(10).map((r) => [r.ref, r.terminalId])).toEqual([
      ['T1A', 'T1'],
      ['T1B', 'T1'],
    ]);
    expect(() => claimOutboxTerminal(journal, 'T1')).not.toThrow();
    journal.close();
  });

  it('refuses another id while they wait, names the old id and the count, and changes nothing', () => {
    const journal = journalWithRows();
    let refusal: unknown;
    try {
      claimOutboxTerminal(journal, 'T9');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ConfigError);
    expect(refusal).toMatchObject({
      code: 'terminal_id_changed',
      details: { terminal_id: 'T9', waiting: [{ terminal_id: 'T1', changes: 2 }] },
    });
    expect((refusal as Error).message).toMatch(/terminal_id is T9.*2 made as T1.*terminal_id T1/);
    journal.insertOrder(newOrderRecord('T1C', 300, 3000));
    expect(journal.outboxTerminals()).toEqual([{ terminalId: 'T1', waiting: 3 }]);
    journal.close();
  });

  it('lets the id change once nothing waits', () => {
    const journal = journalWithRows();
    journal.outboxAck(journal.outboxBatch(10).at(-1)!.seq);
    claimOutboxTerminal(journal, 'T9');
    journal.insertOrder(newOrderRecord('T9A', 400, 4000));
    expect(journal.outboxBatch(10).map((r) => [r.ref, r.terminalId])).toEqual([['T9A', 'T9']]);
    journal.close();
  });

  it('with no hub configured, does not say to wait for the hub: it names putting it back or the discard command', () => {
    const journal = journalWithRows();
    let refusal: unknown;
    try {
      claimOutboxTerminal(journal, 'T9', { hubConfigured: false });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'terminal_id_changed', details: { hub_configured: false } });
    const message = (refusal as Error).message;
    expect(message).not.toMatch(/until the hub has them/);
    expect(message).toMatch(/no store hub is configured/);
    expect(message).toContain('scanpay hub discard-outbox --terminal-id T1');
    expect(journal.outboxTerminals()).toEqual([{ terminalId: 'T1', waiting: 2 }]);
    journal.close();
  });
});
