import { readFile } from 'node:fs/promises';
import { ScanPayError } from '../../common/errors.ts';
import { createScannerSources } from '../../scanners/create-scanner-sources.ts';
import { type ReplayHid, replayHid } from '../../scanners/hid/replay-hid.ts';
import { formatReport, parseReportFile } from '../../scanners/hid/report-file.ts';
import { listenConfigs } from '../../scanners/listen-configs.ts';
import type { ScannerConfig } from '../../scanners/scanner-config.ts';
import { ScannerManager } from '../../scanners/scanner-manager.ts';
import { type CliCommand, parseArgs } from '../cli-command.ts';

/**
 * `scanpay listen [--serial PATH [--baud N] [--terminator T]] [--hid VID:PID [--profile P] [--raw]]
 * [--hid-replay FILE [--profile P]] [--max-scans N]`: one JSON line per scan, reject and status
 * change, until Ctrl-C (or N scans, or the end of a replay), so a technician can check a scanner on
 * site. `--raw` prints every HID report as a hex line and the other lines as `# {json}` comments,
 * so the output is itself a file `--hid-replay` plays back through the live decoding path.
 */
export const command: CliCommand = {
  async run(args) {
    const { flags } = parseArgs(args, {
      values: ['serial', 'baud', 'terminator', 'hid', 'profile', 'hid-replay', 'max-scans'],
      booleans: ['raw'],
    });
    let configs: ScannerConfig[];
    let replay: ReplayHid | undefined;
    try {
      configs = listenConfigs(flags);
      const file = flags['hid-replay'];
      if (file !== undefined) replay = await openReplay(file, configs);
    } catch (error) {
      if (!(error instanceof ScanPayError)) throw error;
      console.error(error.message);
      return 2;
    }
    const raw = flags.raw === 'true';
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const print = (type: string, value: object) => {
      const json = JSON.stringify({ type, ...value });
      out(raw ? `# ${json}` : json);
    };
    const maxScans = flags['max-scans'] ? Number(flags['max-scans']) : Number.POSITIVE_INFINITY;
    const sources = createScannerSources(configs, {
      ...(replay && { loadHid: async () => replay, reconnect: { initialMs: 60_000, maxMs: 60_000 } }),
      ...(raw && { onRawHidReport: (report: Uint8Array) => out(formatReport(report)) }),
    });
    const manager = new ScannerManager({ sources });
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
    if (replay) {
      const hid = configs.find((c) => c.kind === 'hid');
      // A recording that ends mid-code gets the same end timeout as a live scanner before stopping.
      void replay.finished
        .then(() => new Promise((resolve) => setTimeout(resolve, (hid?.endTimeoutMs ?? 100) + 50)))
        .then(done);
    }
    await finished;
    process.off('SIGINT', done);
    process.off('SIGTERM', done);
    await manager.stop();
    return 0;
  },
};

async function openReplay(file: string, configs: readonly ScannerConfig[]): Promise<ReplayHid> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ScanPayError('hid_replay_unreadable', `cannot read ${file}: ${(error as Error).message}`);
  }
  const hid = configs.find((c) => c.kind === 'hid');
  return replayHid(parseReportFile(text, file), {
    vendorId: hid?.vendorId ?? 0,
    productId: hid?.productId ?? 0,
    keyboard: hid?.profile === 'keyboard',
  });
}
