/**
 * `scanpay serve [--port N] [--host H] [--data DIR] [--sandbox URL] [--hub URL --hub-token T] [--verbose]`: the headless
 * service (IoT boards, remote displays). Prints one JSON line first ({url, sandbox_url, data_dir})
 * for scripts, then a sentence for people. SIGTERM/SIGINT: stop taking payments, let in-flight
 * ones reach the journal, close.
 *
 * Exit status 78 (EX_CONFIG): the journal was refused at start (missing, empty, damaged, newer
 * release): only the operator can fix that, so the systemd unit does not restart on it
 * (RestartPreventExitStatus=78) and the message says what was found and which backup to restore.
 */
import { fileURLToPath } from 'node:url';
import { ScanPayError } from '../../common/errors.ts';
import { startJournalCheck } from '../../journal/journal-check.ts';
import { EXIT_JOURNAL_REFUSED, isJournalRefusal } from '../../journal/journal-errors.ts';
import { defaultDataDir } from '../../service/data-dir.ts';
import { type CliCommand, CliUsageError, parseArgs } from '../cli-command.ts';

const STATIC_DIR = fileURLToPath(new URL('../../../dist/renderer', import.meta.url));

export const command: CliCommand = {
  async run(args) {
    const { flags } = parseArgs(args, {
      values: ['data', 'sandbox', 'host', 'port', 'hub', 'hub-token'],
      booleans: ['verbose'],
    });
    if ((flags.hub === undefined) !== (flags['hub-token'] === undefined))
      throw new CliUsageError(
        '--hub and --hub-token go together (the token from `scanpay hub add-terminal`)',
      );
    const dataDir = flags.data ?? defaultDataDir();
    // The journal's integrity check runs in a child process while the service's modules load
    // (core/journal/journal-check.ts): they are imported only now, for that reason, the config's
    // schemas included (~30 ms of zod schema construction that would otherwise come first).
    const journalCheck = startJournalCheck(dataDir);
    const [{ startKioskService }, { startApiServer }, { plainHttpHubWarning }] = await Promise.all([
      import('../../service/kiosk-service.ts'),
      import('../../service/http/api-server.ts'),
      import('../../service/config/service-config.ts'),
    ]);
    try {
      const service = await startKioskService({
        dataDir,
        journalCheck,
        ...(flags.sandbox ? { sandboxUrl: flags.sandbox } : {}),
        verbose: flags.verbose === 'true',
        ...(flags.hub && flags['hub-token'] ? { hub: { url: flags.hub, token: flags['hub-token'] } } : {}),
      });
      const serverConfig = service.config.server;
      const host = flags.host ?? serverConfig?.host ?? '127.0.0.1';
      const port = flags.port !== undefined ? Number(flags.port) : (serverConfig?.port ?? 8417);
      const server = await startApiServer({
        service,
        host,
        port,
        staticDir: STATIC_DIR,
        ...(serverConfig?.access_token ? { accessToken: serverConfig.access_token } : {}),
      }).catch(async (error: unknown) => {
        await service.stop();
        throw error;
      });
      console.log(
        JSON.stringify({
          url: server.url,
          sandbox_url: service.sandbox?.url ?? null,
          data_dir: dataDir,
          ...(server.tlsFingerprint ? { tls_sha256: server.tlsFingerprint } : {}),
        }),
      );
      const hubWarning = service.config.hub ? plainHttpHubWarning(service.config.hub.url) : null;
      if (hubWarning) console.error(`scanpay serve: warning: ${hubWarning}`);
      console.error(
        `ScanPay Kiosk is serving ${server.url}${service.sandbox ? ` on the sandbox gateway (${service.sandbox.url})` : ''}.` +
          (host === '127.0.0.1' || host === 'localhost'
            ? ''
            : ' Other machines open it with #token=<access token> after the address; integrators send an API key (docs/security.md).') +
          ' Ctrl+C stops it.',
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      await service.stop();
      return 0;
    } catch (error) {
      if (isJournalRefusal(error)) {
        console.error(`scanpay serve: refusing to start: ${error.message}`);
        console.log(JSON.stringify({ ok: false, error: error.toJSON() }));
        return EXIT_JOURNAL_REFUSED;
      }
      if (error instanceof ScanPayError) {
        console.error(`scanpay serve: ${error.message}`);
        console.log(JSON.stringify({ ok: false, error: error.toJSON() }));
        return 2;
      }
      throw error;
    }
  },
};
