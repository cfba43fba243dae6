/**
 * Recorded HID reports as text: one report per line in hex (spaces allowed between bytes), `#`
 * starts a comment, blank lines are ignored. `scanpay listen --raw` prints this format and
 * `scanpay listen --hid-replay FILE` reads it, so a technician's recording of a new model can be
 * replayed through the same decoder as live data. Hand-written: a dozen lines of line splitting and
 * `Buffer.from(hex)`, not worth a dependency.
 */
import { ConfigError } from '../../common/errors.ts';

export function parseReportFile(text: string, name = 'report file'): Uint8Array[] {
  const reports: Uint8Array[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').replace(/\s+/g, '');
    if (line === '') return;
    if (!/^(?:[0-9a-f]{2})+$/i.test(line)) {
      throw new ConfigError(
        'hid_replay_bad_line',
        `${name} line ${index + 1}: a report is an even number of hex digits (got "${raw.trim().slice(0, 40)}")`,
      );
    }
    reports.push(Uint8Array.from(Buffer.from(line, 'hex')));
  });
  if (reports.length === 0) {
    throw new ConfigError('hid_replay_empty', `${name} holds no reports (one hex report per line)`);
  }
  return reports;
}

/** One report as a line of that format: bytes in hex separated by spaces. */
export function formatReport(report: Uint8Array): string {
  return Buffer.from(report)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
}
