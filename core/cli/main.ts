/**
 * `scanpay <command> [args]`: each command is one module in ./commands/, loaded on demand so a
 * command never pays for another's imports (classify must not load serialport or SQLite).
 */
import { type CliCommand, CliUsageError, USAGE_EXIT_STATUS } from './cli-command.ts';

const COMMANDS: Readonly<Record<string, string>> = {
  classify: './commands/classify.ts',
  sandbox: './commands/sandbox.ts',
  serve: './commands/serve.ts',
  hub: './commands/hub.ts',
  doctor: './commands/doctor.ts',
  listen: './commands/listen.ts',
  backup: './commands/backup.ts',
  reconcile: './commands/reconcile.ts',
  'sign-release': './commands/sign-release.ts',
};

function usage(): string {
  return [
    'usage: scanpay <command> [options]',
    '',
    '  classify <code>                      recognise a payment code, print one JSON line',
    '  sandbox [--port N] [--host H]         run the built-in sandbox gateway (WeChat Pay, Alipay, PAYJS)',
    '  serve [--port N] [--host H] [--data DIR] [--sandbox URL] [--hub URL --hub-token T]   run the headless kiosk service and UI',
    '  hub [--port N] [--database URL] [--admin-token T] [--config FILE]   run the store hub on PostgreSQL',
    '  hub add-terminal|revoke-terminal --database URL --terminal-id T   enrol a terminal (prints its token) or revoke it',
    '  doctor                                list scanners and what is missing to read them',
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
  const path = COMMANDS[name];
  if (!path) {
    console.error(`unknown command: ${name}\n\n${usage()}`);
    return 1;
  }
  const module = (await import(path)) as { command: CliCommand };
  try {
    return await module.command.run(rest);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    console.error(`scanpay ${name}: ${error.message}`);
    return USAGE_EXIT_STATUS;
  }
}

process.exitCode = await main(process.argv.slice(2));
