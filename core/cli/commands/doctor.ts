import { collectDiagnostics } from '../../scanners/diagnostics/collect-diagnostics.ts';
import { formatDiagnostics } from '../../scanners/diagnostics/format-diagnostics.ts';
import { type CliCommand, parseArgs } from '../cli-command.ts';

/** `scanpay doctor [--json]`: scanners found and what is missing to read them; exit 1 when something is. */
export const command: CliCommand = {
  async run(args) {
    const { flags } = parseArgs(args, { booleans: ['json'] });
    const report = await collectDiagnostics();
    console.log(flags.json === 'true' ? JSON.stringify(report, null, 2) : formatDiagnostics(report));
    return report.problems.some((p) => p.severity === 'error') ? 1 : 0;
  },
};
