import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/common/errors.ts';
import { listenConfigs } from '../../../core/scanners/listen-configs.ts';
import { makeTempDir, openPtyPair, waitFor } from '../fakes/pty-pair.ts';
import { reportFilePath } from '../fixtures/hid-reports.ts';

const CODE = '134567890123456789';

describe('listen flags', () => {
  it('builds serial and HID configs and names a bad flag', () => {
    expect(listenConfigs({ serial: '/dev/ttyACM0', baud: '115200', hid: '1eab:1a03' })).toEqual([
      expect.objectContaining({ kind: 'serial', path: '/dev/ttyACM0', baudRate: 115200 }),
      expect.objectContaining({ kind: 'hid', vendorId: 0x1eab, productId: 0x1a03, profile: 'auto' }),
    ]);
    expect(() => listenConfigs({})).toThrow(ConfigError);
    expect(() => listenConfigs({ serial: '/x', baud: 'fast' })).toThrow(/baudRate/);
    expect(() => listenConfigs({ 'hid-replay': 'x.hex' })).toThrow(/--profile/);
    expect(() => listenConfigs({ 'hid-replay': 'x.hex', profile: 'generic' })).toThrow(/profile/);
  });
});

const run = promisify(execFile);
const listen = async (...args: string[]) => {
  const { stdout } = await run(process.execPath, ['bin/scanpay.js', 'listen', ...args], { timeout: 20_000 });
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

describe('scanpay listen --hid-replay (recorded reports through the live HID source)', () => {
  it.each([
    ['honeywell', 'honeywell-voyager-1602g-single.hex', ']X0um: N/A'],
    [
      'honeywell',
      'access-is-lsr116-two-reports.hex',
      ']Q0M1GATHERGOOD/MICHAEL  YABCDEF LHRDURAK 3542 052Y003D23   100',
    ],
    ['honeywell', 'youjie-alipay-24-single.hex', ']C0281234567890123456789012'],
    [
      'honeywell',
      'zebra-qr-two-reports.hex',
      ']Q1https://qr.alipay.com/bax03431ljhokirwl38f00a7tqpwbvtk0mmsd7u8',
    ],
    ['honeywell', 'datalogic-alipay-24-single.hex', ']C0281234567890123456789012'],
    ['newland', 'newland-wechat-18-single.hex', '134567890123456789'],
  ])('--profile %s %s prints exactly the scanned code', async (profile, file, code) => {
    const lines = await listen('--hid-replay', reportFilePath(file), '--profile', profile);
    expect(lines.filter((l) => l.type === 'scan').map((l) => l.code)).toEqual([code]);
    expect(lines.filter((l) => l.type === 'reject')).toEqual([]);
    expect(lines[1]).toMatchObject({
      type: 'status',
      status: { state: 'connected', detail: `replay (${profile})` },
    });
  });

  it('picks the layout from --hid VID:PID, and rejects a recording cut off mid-code with its reason', async () => {
    const temp = makeTempDir();
    try {
      const file = join(temp.dir, 'cut.hex');
      // The first of the two Zebra reports only: its more-data flag promises a second that never comes.
      const first = (await import('node:fs'))
        .readFileSync(reportFilePath('zebra-qr-two-reports.hex'), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('02'))[0]!;
      writeFileSync(file, `# cut off\n${first}\n`);
      const lines = await listen('--hid-replay', file, '--hid', '05e0:1900');
      expect(lines.filter((l) => l.type === 'scan')).toEqual([]);
      expect(lines.filter((l) => l.type === 'reject')).toEqual([
        expect.objectContaining({ code: 'scan_incomplete', source: 'hid:05e0:1900' }),
      ]);
    } finally {
      temp.remove();
    }
  });

  it('--raw prints each report as a hex line that replays to the same code', async () => {
    const temp = makeTempDir();
    try {
      const { stdout } = await run(
        process.execPath,
        [
          'bin/scanpay.js',
          'listen',
          '--hid-replay',
          reportFilePath('access-is-lsr116-two-reports.hex'),
          '--profile',
          'honeywell',
          '--raw',
        ],
        { timeout: 20_000 },
      );
      const hexLines = stdout.split('\n').filter((line) => /^[0-9a-f]{2}( [0-9a-f]{2})+$/.test(line));
      expect(hexLines).toHaveLength(2);
      expect(hexLines[0]).toMatch(/^02 38 5d 51 30 /);
      const recorded = join(temp.dir, 'recorded.hex');
      writeFileSync(recorded, stdout);
      const lines = await listen('--hid-replay', recorded, '--profile', 'honeywell');
      expect(lines.filter((l) => l.type === 'scan').map((l) => l.code)).toEqual([
        ']Q0M1GATHERGOOD/MICHAEL  YABCDEF LHRDURAK 3542 052Y003D23   100',
      ]);
    } finally {
      temp.remove();
    }
  });

  it('names a bad line of a recording', async () => {
    const temp = makeTempDir();
    try {
      const file = join(temp.dir, 'bad.hex');
      writeFileSync(file, '02 09 5z\n');
      const error = await run(process.execPath, [
        'bin/scanpay.js',
        'listen',
        '--hid-replay',
        file,
        '--profile',
        'honeywell',
      ]).catch((e) => e);
      expect(error.code).toBe(2);
      expect(error.stderr).toMatch(/bad\.hex line 1: a report is an even number of hex digits/);
    } finally {
      temp.remove();
    }
  });
});

describe('scanpay listen', () => {
  const temp = makeTempDir();
  afterEach(() => temp.remove());

  it('prints status and scan JSON lines from a real pty and exits on SIGTERM', async () => {
    const pty = await openPtyPair(temp.dir, 'listen');
    const child = spawn(process.execPath, ['bin/scanpay.js', 'listen', '--serial', pty.device], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await waitFor(() => out.includes('"state":"connected"'), 'connected line', 10_000);
      pty.write(`${CODE}\r`);
      await waitFor(() => out.includes('"type":"scan"'), 'scan line');
      process.kill(child.pid!, 'SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL');
      await pty.kill();
    }
    const lines = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((l) => l.type === 'scan')).toMatchObject({
      code: CODE,
      source: `serial:${pty.device}`,
      classification: { ok: true, wallet: 'wxpay', authCode: CODE },
    });
    expect(lines.at(-1)).toMatchObject({
      type: 'status',
      status: { state: 'disconnected', reason: 'stopped' },
    });
  });
});
