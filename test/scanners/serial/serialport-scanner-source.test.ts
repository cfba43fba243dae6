import { unlinkSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScanEvent, ScannerStatusEvent, ScanRejectEvent } from '../../../core/ports/scanner-source.ts';
import {
  type ScannerConfigInput,
  ScannerConfigSchema,
  type SerialScannerConfig,
} from '../../../core/scanners/scanner-config.ts';
import type { SerialPortInfo, SerialPortModule } from '../../../core/scanners/serial/serial-port-module.ts';
import { SerialPortScannerSource } from '../../../core/scanners/serial/serialport-scanner-source.ts';
import { makeTempDir, openPtyPair, type PtyPair, pause, waitFor } from '../fakes/pty-pair.ts';

const CODE_A = '134567890123456789';
const CODE_B = '284567890123456780';

function serialConfig(
  input: Omit<Extract<ScannerConfigInput, { kind: 'serial' }>, 'kind'>,
): SerialScannerConfig {
  const parsed = ScannerConfigSchema.parse({ kind: 'serial', ...input });
  if (parsed.kind !== 'serial') throw new Error('not serial');
  return parsed;
}

function record(source: SerialPortScannerSource) {
  const scans: ScanEvent[] = [];
  const statuses: ScannerStatusEvent[] = [];
  const rejects: ScanRejectEvent[] = [];
  source.onScan((s) => scans.push(s));
  source.onStatus((s) => statuses.push(s));
  source.onReject((r) => rejects.push(r));
  return { scans, statuses, rejects, codes: () => scans.map((s) => s.code) };
}

let temp: ReturnType<typeof makeTempDir>;
const cleanups: (() => Promise<void>)[] = [];
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  temp.remove();
});

async function connected(config: Omit<Extract<ScannerConfigInput, { kind: 'serial' }>, 'kind' | 'path'>) {
  const pty = await openPtyPair(temp.dir, 'a');
  cleanups.push(() => pty.kill());
  const source = new SerialPortScannerSource('serial:test', serialConfig({ ...config, path: pty.device }));
  const log = record(source);
  cleanups.push(() => source.stop());
  await source.start();
  await waitFor(() => source.status().state === 'connected', 'connected');
  return { pty, source, log };
}

describe('serial scanner through a real pseudo-terminal', () => {
  it('reassembles a code split across writes and splits several codes in one write', async () => {
    const { pty, log } = await connected({});
    pty.write(CODE_A.slice(0, 5));
    await pause(10);
    pty.write(CODE_A.slice(5, 12));
    await pause(10);
    pty.write(`${CODE_A.slice(12)}\r`);
    pty.write(`${CODE_B}\r${CODE_A}\r`);
    await waitFor(() => log.scans.length === 3, 'three scans');
    expect(log.codes()).toEqual([CODE_A, CODE_B, CODE_A]);
    expect(log.rejects).toEqual([]);
    expect(log.scans[0]!.source).toBe('serial:test');
  });

  it('accepts CR, LF, CRLF and Tab in auto mode without empty codes', async () => {
    const { pty, log } = await connected({ terminator: 'auto' });
    pty.write(`${CODE_A}\r${CODE_B}\n${CODE_A}\r\n${CODE_B}\t`);
    await waitFor(() => log.scans.length === 4, 'four scans');
    await pause(30);
    expect(log.codes()).toEqual([CODE_A, CODE_B, CODE_A, CODE_B]);
  });

  for (const [terminator, suffix] of [
    ['CR', '\r'],
    ['LF', '\n'],
    ['TAB', '\t'],
  ] as const) {
    it(`in ${terminator} mode splits codes on ${JSON.stringify(suffix)} only`, async () => {
      const { pty, log } = await connected({ terminator });
      pty.write(`${CODE_A}${suffix}${CODE_B.slice(0, 4)}`);
      pty.write(`${CODE_B.slice(4)}${suffix}`);
      await waitFor(() => log.scans.length === 2, 'two scans');
      expect(log.codes()).toEqual([CODE_A, CODE_B]);
    });
  }

  it('in CRLF mode only CRLF ends a code', async () => {
    const { pty, log } = await connected({ terminator: 'CRLF' });
    pty.write(`${CODE_A}\r`);
    await pause(10);
    pty.write(`\n${CODE_B}\r\n`);
    await waitFor(() => log.scans.length === 2, 'two scans');
    expect(log.codes()).toEqual([CODE_A, CODE_B]);
  });

  it('frames by idle time when the scanner sends no suffix', async () => {
    const { pty, log } = await connected({ terminator: 'none', idleTimeoutMs: 30 });
    pty.write(CODE_A.slice(0, 9));
    await pause(5);
    pty.write(CODE_A.slice(9));
    await waitFor(() => log.scans.length === 1, 'first scan');
    pty.write(CODE_B);
    await waitFor(() => log.scans.length === 2, 'second scan');
    expect(log.codes()).toEqual([CODE_A, CODE_B]);
  });

  it('rejects a half code that never got its terminator and keeps the whole one that follows', async () => {
    const { pty, log } = await connected({ partialTimeoutMs: 40 });
    pty.write(CODE_A.slice(0, 7));
    await waitFor(() => log.rejects.length === 1, 'half-code reject');
    pty.write(`${CODE_B}\r`);
    await waitFor(() => log.scans.length === 1, 'whole scan');
    expect(log.codes()).toEqual([CODE_B]);
    expect(log.rejects[0]).toMatchObject({
      code: 'scan_incomplete',
      reason: expect.stringMatching(/partial code never got its terminator.*"terminator": "none"/),
    });
  });

  it('rejects noise and an over-long line, then resynchronises', async () => {
    const { pty, log } = await connected({ maxLength: 32 });
    pty.write(Uint8Array.from([0x00, 0xff, 0x31, 0x0d]));
    pty.write(`${'9'.repeat(100)}\r${CODE_A}\r`);
    await waitFor(() => log.scans.length === 1 && log.rejects.length === 2, 'resync');
    expect(log.codes()).toEqual([CODE_A]);
    expect(log.rejects.map((r) => r.reason).join(' | ')).toMatch(/control byte 0x00.*longer than 32/);
  });

  it('notices a port that vanished without a close event, and reopens it when it is back', async () => {
    const first = await openPtyPair(temp.dir, 'gone');
    cleanups.push(() => first.kill());
    const source = new SerialPortScannerSource(
      'serial:test',
      serialConfig({ path: first.device, livenessIntervalMs: 50 }),
      { reconnect: { initialMs: 20, maxMs: 50 } },
    );
    const log = record(source);
    cleanups.push(() => source.stop());
    await source.start();
    await waitFor(() => source.status().state === 'connected', 'connected');
    // The device node goes away while the open descriptor stays readable: serialport sees no close.
    unlinkSync(first.device);
    unlinkSync(first.host);
    await waitFor(() => source.status().state === 'disconnected', 'vanished status', 3000);
    expect(source.status()).toEqual({ state: 'disconnected', reason: expect.stringMatching(/vanished/) });
    // The scanner comes back at the same path (another pty behind the same link) and is read again.
    const second = await openPtyPair(temp.dir, 'gone');
    cleanups.push(() => second.kill());
    await waitFor(() => source.status().state === 'connected', 'reopened', 3000);
    second.write(`${CODE_A}\r`);
    await waitFor(() => log.scans.length === 1, 'scan after reopen');
    expect(log.codes()).toEqual([CODE_A]);
  });

  it('reopens when the path now names another device (re-enumerated behind the same link)', async () => {
    const first = await openPtyPair(temp.dir, 'swap');
    cleanups.push(() => first.kill());
    const source = new SerialPortScannerSource(
      'serial:test',
      serialConfig({ path: first.device, livenessIntervalMs: 50 }),
      { reconnect: { initialMs: 20, maxMs: 50 } },
    );
    const log = record(source);
    cleanups.push(() => source.stop());
    await source.start();
    await waitFor(() => source.status().state === 'connected', 'connected');
    unlinkSync(first.device);
    unlinkSync(first.host);
    const second = await openPtyPair(temp.dir, 'swap');
    cleanups.push(() => second.kill());
    await waitFor(
      () =>
        log.statuses.some(
          (s) => s.status.state === 'disconnected' && /vanished|replaced/.test(s.status.reason),
        ),
      'replaced status',
      3000,
    );
    await waitFor(() => source.status().state === 'connected', 'reopened', 3000);
    second.write(`${CODE_B}\r`);
    await waitFor(() => log.scans.length === 1, 'scan from the new device');
    expect(log.codes()).toEqual([CODE_B]);
  });

  it('reports unplug as a status, rejects the cut-off code, and reconnects when the port reappears at a new path', async () => {
    let current: PtyPair | undefined = await openPtyPair(temp.dir, 'first');
    // The port list is the one thing a pty cannot provide: report the current pty as the scanner's USB port.
    class ListedSerialPort extends SerialPort {
      static override async list(): Promise<SerialPortInfo[]> {
        return current
          ? [{ path: current.device, vendorId: '1eab', productId: '1a03', serialNumber: 'S1' }]
          : [];
      }
    }
    const module = { SerialPort: ListedSerialPort } as unknown as SerialPortModule;
    const source = new SerialPortScannerSource(
      'serial:newland',
      serialConfig({ match: { vendorId: '1eab', serialNumber: 'S1' } }),
      { loadSerialPort: async () => module, reconnect: { initialMs: 20, maxMs: 80 } },
    );
    const log = record(source);
    cleanups.push(async () => {
      await source.stop();
      await current?.kill();
    });
    await source.start();
    await waitFor(() => source.status().state === 'connected', 'first connect');
    const firstPath = current.device;
    current.write(`${CODE_A}\r${CODE_B.slice(0, 6)}`);
    await waitFor(() => log.scans.length === 1, 'scan before unplug');
    await pause(10);

    await current.kill();
    current = undefined;
    await waitFor(() => source.status().state === 'disconnected', 'unplug status');
    expect(log.rejects.map((r) => r.reason)).toEqual([
      expect.stringMatching(/cut off when the device disconnected/),
    ]);

    current = await openPtyPair(temp.dir, 'second');
    await waitFor(() => source.status().state === 'connected', 'reconnect');
    current.write(`${CODE_B}\r`);
    await waitFor(() => log.scans.length === 2, 'scan after replug');

    expect(log.codes()).toEqual([CODE_A, CODE_B]);
    const states = log.statuses.map((s) => s.status);
    expect(states).toContainEqual({ state: 'connected', detail: firstPath });
    expect(states).toContainEqual({ state: 'connected', detail: current.device });
    expect(states).toContainEqual(
      expect.objectContaining({ state: 'disconnected', reason: `${firstPath} was unplugged` }),
    );
  });

  it('says the port is not present and keeps retrying instead of crashing', async () => {
    const path = `${temp.dir}/missing`;
    const source = new SerialPortScannerSource('serial:missing', serialConfig({ path }), {
      reconnect: { initialMs: 10, maxMs: 20 },
    });
    cleanups.push(() => source.stop());
    await source.start();
    await waitFor(
      () => source.status().state === 'disconnected' && 'reason' in source.status(),
      'missing status',
    );
    expect(source.status()).toEqual({ state: 'disconnected', reason: `${path} is not present` });
  });
});
