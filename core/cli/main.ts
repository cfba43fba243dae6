/**
 * `scanpay <command> [args]`: each command is one module in ./commands/, loaded on demand so a
 * command never pays for another's imports (classify must not load serialport or SQLite). Each import
 * is written out literally so esbuild can give every command its own chunk in the production bundle
 * (build/scripts/build-service.js); an import of a computed path would stay unresolved there.
 */
import { type CliCommand, CliUsageError, USAGE_EXIT_STATUS } from './cli-command.ts';

type CommandModule = { command: CliCommand };

const COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  classify: () => import('./commands/classify.ts'),
  sandbox: () => import('./commands/sandbox.ts'),
  serve: () => import('./commands/serve.ts'),
  hub: () => import('./commands/hub.ts'),
  doctor: () => import('./commands/doctor.ts'),
  listen: () => import('./commands/listen.ts'),
  backup: () => import('./commands/backup.ts'),
  reconcile: () => import('./commands/reconcile.ts'),
  'sign-release': () => import('./commands/sign-release.ts'),
};

function usage(): string {
  return [
    'usage: scanpay <command> [options]',
    '',
    '  classify <code>                      recognise a payment code, print one JSON line',
    '  sandbox [--port N] [--host H]         run the built-in sandbox gateway (WeChat Pay, Alipay, PAYJS)',
    '  serve [--port N] [--host H] [--data DIR] [--sandbox URL] [--hub URL --hub-token T]   run the headless kiosk service and UI',
    '  hub [--port N] [--database URL] [--admin-token T] [--config FILE]   run the store hub on PostgreSQL',
    '  hub add-terminal|revoke-terminal --database URL --terminal-id T [--refunds]   enrol a terminal (prints its token) or revoke it',
    "  hub grant-refunds|revoke-refunds --database URL --terminal-id T [--daily-refund-cap YUAN]   let a till refund other tills' sales, or not",
    '  hub discard-outbox --terminal-id OLD [--data DIR] [--yes]   at a till whose hub is gone, service stopped: drop changes made under an old terminal id',
    '  doctor [--data DIR] [--json]          list scanners and printers and what is missing to use them',
    '  listen [--serial PATH] [--hid VID:PID [--raw]] [--hid-replay FILE --profile P]   print scans, rejects and status as JSON lines',
    '  backup [--data DIR] [--out DIR]       copy the journal and settings safely while the terminal runs',
    "  reconcile --date YYYY-MM-DD [--data DIR] [--sandbox URL] [--pid P]   check a day against the providers' bills",
    '  sign-release --version V <file>...    write <file>.sig with the release key (SCANPAY_RELEASE_KEY_FILE)',
    '  sign-release --generate-key DIR       make a new release key pair',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    console.error(`unknown command: ${name}\n\n${usage()}`);
    return 1;
  }
  const module = await load();
  try {
    return await module.command.run(rest);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    console.error(`scanpay ${name}: ${error.message}`);
    return USAGE_EXIT_STATUS;
  }
}

process.exitCode = await main(process.argv.slice(2));
