/**
 * `scanpay reconcile --date YYYY-MM-DD [--data DIR] [--sandbox URL] [--pid P]`: reconciles one
 * Beijing day of every configured merchant (or only P) against the providers' bills (对账), while
 * the terminal may be serving (the journal is WAL; this is a second connection). Progress goes to
 * stderr; the last stdout line is the JSON summary {date, matched, provider_only, terminal_only,
 * amount_mismatch, refund_mismatch, totals, status}. Sandbox merchants need --sandbox, the
 * sandbox_url `scanpay serve` printed.
 *
 * Exit status: 0 every provider-day reconciled (discrepancies or not, they are in the summary);
 * 3 some bill not ready or not readable yet (run again later: cron can key on it); 2 bad input or
 * configuration; 78 journal refused (as serve).
 */
import { ScanPayError } from '../../common/errors.ts';
import { EXIT_JOURNAL_REFUSED, isJournalRefusal } from '../../journal/journal-errors.ts';
import { openJournal } from '../../journal/open-journal.ts';
import { systemClock } from '../../ports/clock.ts';
import { assertBillDate } from '../../reconcile/beijing-day.ts';
import { reconcileDate } from '../../reconcile/reconcile-day.ts';
import { ReconcileStore } from '../../reconcile/reconcile-store.ts';
import { loadConfig } from '../../service/config/load-config.ts';
import { defaultDataDir } from '../../service/data-dir.ts';
import { buildMerchants, needsSandbox } from '../../service/merchants.ts';
import { reconcileTargets } from '../../service/reconcile-targets.ts';
import { sandboxEndpointAt } from '../../service/sandbox-endpoint.ts';
import { type CliCommand, parseArgs } from '../cli-command.ts';

export const EXIT_NOT_ALL_RECONCILED = 3;

export const command: CliCommand = {
  async run(args) {
    const { flags } = parseArgs(args, { values: ['date', 'data', 'sandbox', 'pid'] });
    try {
      const date = flags.date ?? '';
      assertBillDate(date);
      const dataDir = flags.data ?? defaultDataDir();
      const { config } = loadConfig(dataDir);
      let sandbox = null;
      if (needsSandbox(config)) {
        if (!flags.sandbox) {
          throw new ScanPayError(
            'sandbox_unavailable',
            'the sandbox merchants need --sandbox URL: the sandbox_url that `scanpay serve` printed',
          );
        }
        sandbox = await sandboxEndpointAt(flags.sandbox);
      }
      const merchants = buildMerchants(config, sandbox, systemClock);
      const journal = openJournal(dataDir);
      try {
        const store = new ReconcileStore(journal);
        const targets = reconcileTargets(merchants, store, systemClock, flags.pid);
        const summary = await reconcileDate(date, targets, {
          store,
          clock: systemClock,
          log: (line) => console.error(line),
        });
        console.log(JSON.stringify(summary));
        const allDone = Object.values(summary.status).every((s) => s.status === 'done');
        return allDone ? 0 : EXIT_NOT_ALL_RECONCILED;
      } finally {
        journal.close();
      }
    } catch (error) {
      if (isJournalRefusal(error)) {
        console.error(`scanpay reconcile: ${error.message}`);
        console.log(JSON.stringify({ ok: false, error: error.toJSON() }));
        return EXIT_JOURNAL_REFUSED;
      }
      if (error instanceof ScanPayError) {
        console.error(`scanpay reconcile: ${error.message}`);
        console.log(JSON.stringify({ ok: false, error: error.toJSON() }));
        return 2;
      }
      throw error;
    }
  },
};
