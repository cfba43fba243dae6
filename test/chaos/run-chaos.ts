/**
 * `npm run chaos [-- --seed N] [--payments 500] [--kills K] [--concurrency C]`: the full chaos run.
 * Prints a summary and every violation; exits 1 on any violation with the seed to replay it,
 * 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { runChaos } from './chaos-run.ts';
import { formatReport } from './format-report.ts';

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`run-chaos: --${name} must be a whole number, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      payments: { type: 'string' },
      kills: { type: 'string' },
      concurrency: { type: 'string' },
    },
  });
  const seed = positiveInt('seed', values.seed, Math.floor(Math.random() * 2 ** 31));
  const payments = positiveInt('payments', values.payments, 500);
  const replay = `npm run chaos -- --seed ${seed} --payments ${payments}${values.kills !== undefined ? ` --kills ${values.kills}` : ''}`;
  let report: Awaited<ReturnType<typeof runChaos>>;
  try {
    report = await runChaos({
      seed,
      payments,
      ...(values.kills !== undefined ? { kills: positiveInt('kills', values.kills, 0) } : {}),
      concurrency: Math.max(1, positiveInt('concurrency', values.concurrency, 4)),
      settleTimeoutMs: 120_000,
      log: (line) => console.error(line),
    });
  } catch (error) {
    console.log(`HARNESS ERROR (seed ${seed}): ${error instanceof Error ? error.message : String(error)}`);
    console.log(`Replay: ${replay}`);
    return 1;
  }
  console.log(formatReport(report));
  if (report.violations.length > 0) {
    console.log(`\nFAILED: ${report.violations.length} violation(s). Replay: ${replay}`);
    console.log(`The service's data dir is kept: ${report.dataDir}`);
    return 1;
  }
  console.log(`\nOK: no violations (seed ${seed}).`);
  return 0;
}

process.exitCode = await main();
