import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/common/errors.ts';
import { listenConfigs } from '../../../core/scanners/listen-configs.ts';
import { makeTempDir, openPtyPair, waitFor } from '../fakes/pty-pair.ts';

const CODE = '134567890123456789';

describe('listen flags', () => {
  it('builds serial and HID configs and names a bad flag', () => {
    expect(listenConfigs({ serial: '/dev/ttyACM0', baud: '115200', hid: '1eab:1a03' })).toEqual([
      expect.objectContaining({ kind: 'serial', path: '/dev/ttyACM0', baudRate: 115200 }),
      expect.objectContaining({ kind: 'hid', vendorId: 0x1eab, productId: 0x1a03, profile: 'auto' }),
    ]);
    expect(() => listenConfigs({})).toThrow(ConfigError);
    expect(() => listenConfigs({ serial: '/x', baud: 'fast' })).toThrow(/baudRate/);
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
