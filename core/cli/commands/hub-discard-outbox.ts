/**
 * `scanpay hub discard-outbox --terminal-id OLD [--data DIR] [--yes]`: drops the changes made under
 * terminal id OLD that never reached the store hub. A till whose hub is gone cannot send them (they
 * go only under OLD, with OLD's token), and while they wait it refuses to start under another id
 * (terminal_id_changed, core/service/hub-outbox-terminal.ts); this is the owner's explicit way out.
 * The hub never gets those changes (its totals for OLD stay as they were); the journal's own orders
 * are untouched. Without --yes it only says how many it would drop. It refuses while config.json
 * still names OLD (the till starts under OLD and sends them itself) and while something answers at
 * the service's configured address (server.host/port): a running service writes and sends them.
 * Exit 0 done, 2 refused or bad options; the last stdout line is JSON.
 */
import { connect } from 'node:net';
import { openJournal } from '../../journal/open-journal.ts';
import { loadConfig } from '../../service/config/load-config.ts';
import { defaultDataDir } from '../../service/data-dir.ts';
import { discardOutboxUnder, outboxWaitingUnder } from '../../service/hub-outbox-terminal.ts';
import { CliUsageError, parseArgs } from '../cli-command.ts';

function refused(code: string, message: string): number {
  console.error(`scanpay hub discard-outbox: ${message}`);
  console.log(JSON.stringify({ ok: false, error: { code, message } }));
  return 2;
}

/** True when a TCP connection to host:port is accepted within a second (the service is listening). */
function answers(host: string, port: number): Promise<boolean> {
  const target = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return new Promise((resolve) => {
    const socket = connect({ host: target, port });
    const done = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function discardOutbox(args: readonly string[]): Promise<number> {
  const { flags } = parseArgs(args, { values: ['terminal-id', 'data'], booleans: ['yes'] });
  const terminalId = flags['terminal-id'];
  if (!terminalId) throw new CliUsageError('discard-outbox needs --terminal-id (the old terminal id)');
  const dataDir = flags.data ?? defaultDataDir();
  const { config } = loadConfig(dataDir);
  if (config.terminal_id === terminalId)
    return refused(
      'outbox_terminal_current',
      `config.json's terminal_id is still ${terminalId}: the till starts under it and sends its changes once a hub is configured. Change terminal_id first if they are to be dropped.`,
    );
  const host = config.server?.host ?? '127.0.0.1';
  const port = config.server?.port ?? 8417;
  if (port > 0 && (await answers(host, port)))
    return refused(
      'service_running',
      `something answers at ${host}:${port}, the service's address: stop the service first (it writes and sends these changes). Nothing was dropped.`,
    );
  const journal = openJournal(dataDir);
  try {
    const waiting = outboxWaitingUnder(journal, terminalId);
    if (waiting === 0) {
      console.error(`scanpay hub discard-outbox: no change made as ${terminalId} waits; nothing to drop.`);
      console.log(JSON.stringify({ terminal_id: terminalId, discarded: 0 }));
      return 0;
    }
    if (flags.yes !== 'true') {
      return refused(
        'confirmation_required',
        `${waiting} changes made as ${terminalId} wait for the store hub and would be dropped: the hub never gets them. Run again with --yes to drop them.`,
      );
    }
    const discarded = discardOutboxUnder(journal, terminalId);
    console.error(
      `scanpay hub discard-outbox: dropped ${discarded} changes made as ${terminalId}; the till can start under its new terminal_id.`,
    );
    console.log(JSON.stringify({ terminal_id: terminalId, discarded }));
    return 0;
  } finally {
    journal.close();
  }
}
