import { collectDiagnostics } from '../../scanners/diagnostics/collect-diagnostics.ts';
import { formatDiagnostics } from '../../scanners/diagnostics/format-diagnostics.ts';
import { defaultDataDir } from '../../service/data-dir.ts';
import { type CliCommand, parseArgs } from '../cli-command.ts';
import { collectPrinterDiagnostics, formatPrinterDiagnostics } from './doctor-printers.ts';

/**
 * `scanpay doctor [--json] [--data DIR]`: scanners and printers found, the configured printer's
 * status, and what is missing to use them; exit 1 when something is.
 */
export const command: CliCommand = {
  async run(args) {
    const { flags } = parseArgs(args, { values: ['data'], booleans: ['json'] });
    const report = await collectDiagnostics();
    const printers = await collectPrinterDiagnostics({ dataDir: flags.data ?? defaultDataDir() });
    const problems = [...report.problems, ...printers.problems];
    if (flags.json === 'true') {
      console.log(JSON.stringify({ ...report, printers, problems }, null, 2));
    } else {
      const serialPorts = report.serial.available ? report.serial.ports.map((p) => p.path) : null;
      const text = formatDiagnostics({ ...report, problems });
      // The printers go in before the problem list that closes the report.
      const end = text.lastIndexOf('\nProblems');
      console.log(
        `${text.slice(0, end)}\n${formatPrinterDiagnostics(printers, serialPorts)}\n${text.slice(end)}`,
      );
    }
    return problems.some((p) => p.severity === 'error') ? 1 : 0;
  },
};
