import { afterEach, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../../core/common/errors.ts';
import type { ScanEvent, ScannerStatusEvent, ScanRejectEvent } from '../../../core/ports/scanner-source.ts';
import { NodeHidScannerSource } from '../../../core/scanners/hid/node-hid-scanner-source.ts';
import { type HidScannerConfig, HidScannerConfigSchema } from '../../../core/scanners/scanner-config.ts';
import { FakeHid } from '../fakes/fake-hid.ts';
import { waitFor } from '../fakes/pty-pair.ts';
import { honeywellReport, keyboardReports, newlandReport } from '../fixtures/hid-reports.ts';

const CODE = '134567890123456789';
const NEWLAND_POS = {
  vendorId: 0x1eab,
  productId: 0x1a03,
  path: '/dev/hidraw3',
  usagePage: 0x8c,
  usage: 0x02,
};
const NEWLAND_KBD = {
  vendorId: 0x1eab,
  productId: 0x1a03,
  path: '/dev/hidraw2',
  usagePage: 0x01,
  usage: 0x06,
};

const config = (input: Record<string, unknown>): HidScannerConfig =>
  HidScannerConfigSchema.parse({ kind: 'hid', vendorId: '1eab', productId: '1a03', ...input });

const sources: NodeHidScannerSource[] = [];
afterEach(async () => {
  for (const source of sources.splice(0)) await source.stop();
});

function make(hid: FakeHid, input: Record<string, unknown> = {}, platform: NodeJS.Platform = 'linux') {
  const source = new NodeHidScannerSource('hid:1eab:1a03', config(input), {
    loadHid: async () => hid,
    reconnect: { initialMs: 5, maxMs: 10 },
    platform,
  });
  sources.push(source);
  const scans: ScanEvent[] = [];
  const rejects: ScanRejectEvent[] = [];
  const statuses: ScannerStatusEvent[] = [];
  source.onScan((s) => scans.push(s));
  source.onReject((r) => rejects.push(r));
  source.onStatus((s) => statuses.push(s));
  return { source, scans, rejects, statuses };
}

describe('NodeHidScannerSource with an injected node-hid', () => {
  it('opens the usage-page 0x8C interface, picks the Newland profile and emits codes from data events', async () => {
    const hid = new FakeHid();
    hid.devices = [NEWLAND_KBD, NEWLAND_POS];
    const { source, scans } = make(hid);
    await source.start();
    await waitFor(() => source.status().state === 'connected', 'connected');
    expect(source.status()).toEqual({ state: 'connected', detail: '/dev/hidraw3 (newland)' });
    hid.last().report(newlandReport(CODE.slice(0, 9), { more: true }));
    hid.last().report(newlandReport(CODE.slice(9)));
    expect(scans.map((s) => s.code)).toEqual([CODE]);
    expect(scans[0]!.source).toBe('hid:1eab:1a03');
  });

  it('sends the Honeywell enable feature report and keeps the AIM id', async () => {
    const hid = new FakeHid();
    hid.devices = [{ vendorId: 0x0c2e, productId: 0x0b87, path: '/dev/hidraw1', usagePage: 0x8c, usage: 2 }];
    const { source, scans } = make(hid, { vendorId: '0c2e', productId: '0b87' });
    await source.start();
    await waitFor(() => source.status().state === 'connected', 'connected');
    expect(hid.last().featureReports).toEqual([[0xfe, 0x01]]);
    hid.last().report(honeywellReport(']C0', CODE));
    expect(scans.map((s) => s.code)).toEqual([`]C0${CODE}`]);
  });

  it('reads a keyboard-mode scanner through hidraw boot reports when that is the only interface', async () => {
    const hid = new FakeHid();
    hid.devices = [NEWLAND_KBD];
    const { source, scans } = make(hid);
    await source.start();
    await waitFor(() => source.status().state === 'connected', 'connected');
    for (const report of keyboardReports(`${CODE}\r`)) hid.last().report(report);
    expect(scans.map((s) => s.code)).toEqual([CODE]);
  });

  it('a device that vanishes mid-code: partial rejected, status disconnected, found again when replugged', async () => {
    const hid = new FakeHid();
    hid.devices = [NEWLAND_POS];
    const { source, scans, rejects, statuses } = make(hid);
    await source.start();
    await waitFor(() => source.status().state === 'connected', 'connected');
    const first = hid.last();
    first.report(newlandReport(CODE.slice(0, 9), { more: true }));
    hid.devices = [];
    first.emit('error', new Error('could not read from HID device'));
    await waitFor(() => source.status().state === 'disconnected', 'disconnected');
    expect(first.closed).toBe(true);
    expect(rejects.map((r) => r.reason)).toEqual([
      expect.stringMatching(/cut off when the device disconnected/),
    ]);
    expect(statuses.map((s) => s.status.state)).toContain('disconnected');

    hid.devices = [{ ...NEWLAND_POS, path: '/dev/hidraw5' }];
    await waitFor(() => source.status().state === 'connected', 'reconnected');
    hid.last().report(newlandReport(CODE));
    expect(scans.map((s) => s.code)).toEqual([CODE]);
    expect(source.status()).toEqual({ state: 'connected', detail: '/dev/hidraw5 (newland)' });
  });

  it('says HID is unavailable (with the reason) when node-hid cannot load', async () => {
    const source = new NodeHidScannerSource('hid:x', config({}), {
      loadHid: async () => {
        throw new UnavailableError('hid_unavailable', 'node-hid cannot be loaded: libusb-1.0.so.0 missing');
      },
    });
    await source.start();
    expect(source.status()).toEqual({
      state: 'unavailable',
      code: 'hid_unavailable',
      reason: 'node-hid cannot be loaded: libusb-1.0.so.0 missing',
    });
  });

  it('explains the udev rule when hidraw cannot be opened on Linux', async () => {
    const hid = new FakeHid();
    hid.devices = [NEWLAND_POS];
    hid.openError = new Error('cannot open device with path /dev/hidraw3');
    const { source } = make(hid);
    await source.start();
    await waitFor(() => source.status().state === 'error', 'error');
    const status = source.status();
    expect(status.state === 'error' && status.code).toBe('hid_permission_denied');
    expect(status.state === 'error' && status.reason).toContain('ATTRS{idVendor}=="1eab"');
  });

  it('rejects a continuation that never arrives after the end timeout', async () => {
    const hid = new FakeHid();
    hid.devices = [NEWLAND_POS];
    const { source, scans, rejects } = make(hid, { endTimeoutMs: 20 });
    await source.start();
    await waitFor(() => source.status().state === 'connected', 'connected');
    hid.last().report(newlandReport(CODE.slice(0, 9), { more: true }));
    await waitFor(() => rejects.length === 1, 'reject');
    hid.last().report(newlandReport(CODE));
    expect(scans.map((s) => s.code)).toEqual([CODE]);
  });
});
