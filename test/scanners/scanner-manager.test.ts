import { describe, expect, it } from 'vitest';
import {
  type ManagerReject,
  type RecognisedScan,
  ScannerManager,
} from '../../core/scanners/scanner-manager.ts';
import { FakeScannerSource, ManualClock } from './fakes/fake-scanner-source.ts';

const WX = '134567890123456789';
const ALI = '284567890123456780';

function setup(duplicateWindowMs?: number) {
  const clock = new ManualClock();
  const serial = new FakeScannerSource('serial:a');
  const hid = new FakeScannerSource('hid:1eab:1a03', 'hid');
  const manager = new ScannerManager({
    sources: [serial, hid],
    clock,
    ...(duplicateWindowMs && { duplicateWindowMs }),
  });
  const scans: RecognisedScan[] = [];
  const rejects: ManagerReject[] = [];
  manager.onScan((s) => scans.push(s));
  manager.onReject((r) => rejects.push(r));
  return { clock, serial, hid, manager, scans, rejects };
}

describe('ScannerManager', () => {
  it('forwards scans with their recognition result and source', async () => {
    const { serial, hid, manager, scans, clock } = setup();
    await manager.start();
    serial.events.scan(`]C0${WX}`, clock.t);
    hid.events.scan('6901234567892', clock.t);
    expect(scans).toEqual([
      {
        code: `]C0${WX}`,
        source: 'serial:a',
        at: clock.t,
        classification: { ok: true, wallet: 'wxpay', authCode: WX },
      },
      {
        code: '6901234567892',
        source: 'hid:1eab:1a03',
        at: clock.t,
        classification: expect.objectContaining({
          ok: false,
          error: expect.objectContaining({ code: 'code_is_product_barcode' }),
        }),
      },
    ]);
  });

  it('suppresses the same code within the sliding window, across sources and framings', async () => {
    const { serial, hid, manager, scans, rejects, clock } = setup(2000);
    await manager.start();
    serial.events.scan(WX, clock.t);
    clock.t += 500;
    hid.events.scan(`]Q1${WX}`, clock.t);
    clock.t += 1900; // 2400 after the first, 1900 after the re-read: still suppressed (sliding)
    serial.events.scan(WX, clock.t);
    serial.events.scan(ALI, clock.t);
    clock.t += 2000;
    serial.events.scan(WX, clock.t);
    expect(scans.map((s) => s.code)).toEqual([WX, ALI, WX]);
    expect(rejects.map((r) => [r.kind, r.reason])).toEqual([
      ['duplicate', 'same code again after 500 ms: ignored as a re-read'],
      ['duplicate', 'same code again after 1900 ms: ignored as a re-read'],
    ]);
  });

  it('keeps the latest status per source and reports a source that fails to start', async () => {
    const { serial, hid, manager } = setup();
    hid.failStart = new Error('boom');
    const statuses: string[] = [];
    manager.onStatus((s) => statuses.push(`${s.source}:${s.status.state}`));
    await manager.start();
    expect(statuses).toEqual(['serial:a:connected', 'hid:1eab:1a03:error']);
    serial.events.setStatus({ state: 'disconnected', reason: 'unplugged' }, 5);
    expect(manager.statuses().map((s) => s.status)).toEqual([
      { state: 'disconnected', reason: 'unplugged' },
      { state: 'error', code: 'scanner_start_failed', reason: 'boom' },
    ]);
  });

  it('passes source rejects on and stops listening after stop()', async () => {
    const { serial, manager, scans, rejects } = setup();
    await manager.start();
    serial.events.reject('control byte 0x00', 1);
    await manager.stop();
    expect(serial.stopped).toBe(1);
    serial.events.scan(WX, 2);
    expect(rejects).toEqual([{ kind: 'input', source: 'serial:a', reason: 'control byte 0x00', at: 1 }]);
    expect(scans).toEqual([]);
  });

  it('a throwing listener does not stop other listeners', async () => {
    const { serial, manager, scans } = setup();
    manager.onScan(() => {
      throw new Error('listener bug');
    });
    const errors = console.error;
    console.error = () => {};
    try {
      await manager.start();
      serial.events.scan(WX, 1);
    } finally {
      console.error = errors;
    }
    expect(scans).toHaveLength(1);
  });
});
