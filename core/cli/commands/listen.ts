import { ScanPayError } from '../../common/errors.ts';
import { createScannerSources } from '../../scanners/create-scanner-sources.ts';
import { listenConfigs } from '../../scanners/listen-configs.ts';
import { ScannerManager } from '../../scanners/scanner-manager.ts';
import { type CliCommand, parseArgs } from '../cli-command.ts';

/**
 * `scanpay listen [--serial PATH [--baud N] [--terminator T]] [--hid VID:PID [--profile P]] [--max-scans N]`:
 * one JSON line per scan, reject and status change, until Ctrl-C (or N scans), so a technician can
 * check a scanner on site.
 */
export const command: CliCommand = {
  async run(args) {
    const { flags } = parseArgs(args);
    let configs: ReturnType<typeof listenConfigs>;
    try {
      configs = listenConfigs(flags);
    } catch (error) {
      if (!(error instanceof ScanPayError)) throw error;
      console.error(error.message);
      return 2;
    }
    const maxScans = flags['max-scans'] ? Number(flags['max-scans']) : Number.POSITIVE_INFINITY;
    const manager = new ScannerManager({ sources: createScannerSources(configs) });
    const print = (type: string, value: object) =>
      process.stdout.write(`${JSON.stringify({ type, ...value })}\n`);
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    let scans = 0;
    manager.onStatus((status) => print('status', status));
    manager.onReject((reject) => print('reject', reject));
    manager.onScan((scan) => {
      print('scan', scan);
      if (++scans >= maxScans) done();
    });
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    await manager.start();
    await finished;
    process.off('SIGINT', done);
    process.off('SIGTERM', done);
    await manager.stop();
    return 0;
  },
};
