/**
 * `scanpay listen` flags → scanner configs, validated by the same schema as the kiosk config so a
 * technician's typo gets the same specific message.
 */
import { ConfigError } from '../common/errors.ts';
import { type ScannerConfig, ScannerConfigSchema } from './scanner-config.ts';

function hidIds(flag: string): { vendorId: string; productId: string } {
  const match = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(flag);
  if (!match) {
    throw new ConfigError('listen_hid_flag', `--hid takes VID:PID in hex, e.g. 1eab:1a03 (got "${flag}")`);
  }
  return { vendorId: match[1]!, productId: match[2]! };
}

export function listenConfigs(flags: Readonly<Record<string, string>>): ScannerConfig[] {
  const raw: Record<string, unknown>[] = [];
  const replay = flags['hid-replay'];
  if (replay !== undefined && flags.serial) {
    throw new ConfigError('listen_bad_flag', '--hid-replay replays one recorded HID scanner: drop --serial');
  }
  if (flags.serial) {
    raw.push({
      kind: 'serial',
      path: flags.serial,
      ...(flags.baud && { baudRate: Number(flags.baud) }),
      ...(flags.terminator && { terminator: flags.terminator }),
    });
  }
  if (replay !== undefined && !flags.profile && !flags.hid) {
    throw new ConfigError(
      'listen_bad_flag',
      '--hid-replay needs --profile NAME (honeywell, newland, keyboard) or --hid VID:PID to pick one',
    );
  }
  if (flags.hid || replay !== undefined) {
    raw.push({
      kind: 'hid',
      ...(flags.hid ? hidIds(flags.hid) : { vendorId: 0, productId: 0 }),
      ...(flags.profile && { profile: flags.profile }),
    });
  }
  if (raw.length === 0) {
    throw new ConfigError(
      'listen_no_scanner',
      'say which scanner: --serial PATH and/or --hid VID:PID, or --hid-replay FILE (scanpay doctor lists them)',
    );
  }
  return raw.map((config) => {
    const parsed = ScannerConfigSchema.safeParse(config);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      'listen_bad_flag',
      `${config.kind} scanner: ${issue?.path.join('.') || 'config'}: ${issue?.message ?? 'invalid'}`,
    );
  });
}
