import { afterEach, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../../core/common/errors.ts';
import type { ScanEvent, ScannerStatusEvent, ScanRejectEvent } from '../../../core/ports/scanner-source.ts';
import { NodeHidScannerSource } from '../../../core/scanners/hid/node-hid-scanner-source.ts';
import { type HidScannerConfig, HidScannerConfigSchema } from '../../../core/scanners/scanner-config.ts';
import { FakeHid } from '../fakes/fake-hid.ts';
import { waitFor } from '../fakes/pty-pair.ts';
import { honeywellReport, keyboardReports, readReportFile } from '../fixtures/hid-reports.ts';

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
    for (const report of readReportFile('newland-wechat-18-single.hex')) hid.last().report(report);
    expect(scans.map((s) => s.code)).toEqual([CODE]);
    expect(scans[0]!.source).toBe('hid:1eab:1a03');
    // Newland needs no enable report.
    expect(hid.last().featureReports).toEqual([]);
  });

  it.each([
    [0x0c2e, 'honeywell-voyager-1602g-single.hex', ']X0um: N/A'],
    [0x23d0, 'youjie-alipay-24-single.hex', ']C0281234567890123456789012'],
    [0x05e0, 'zebra-qr-two-reports.hex', ']Q1https://qr.alipay.com/bax03431ljhokirwl38f00a7tqpwbvtk0mmsd7u8'],
    [0x05f9, 'datalogic-alipay-24-single.hex', ']C0281234567890123456789012'],
  ])(
    'vendor %i picks the Honeywell layout, sends the enable report, and decodes %s exactly',
    async (vendorId, file, code) => {
      const hid = new FakeHid();
      hid.devices = [{ vendorId, productId: 0x0b87, path: '/dev/hidraw1', usagePage: 0x8c, usage: 2 }];
      const { source, scans } = make(hid, { vendorId, productId: '0b87' });
      await source.start();
      await waitFor(() => source.status().state === 'connected', 'connected');
      expect(source.status()).toEqual({ state: 'connected', detail: '/dev/hidraw1 (honeywell)' });
      expect(hid.last().featureReports).toEqual([[0xfe, 0x01]]);
      for (const report of readReportFile(file)) hid.last().report(report);
      expect(scans.map((s) => s.code)).toEqual([code]);
    },
  );

  it('refuses a HID POS vendor it has no layout for, and reads it with a configured layout', async () => {
    const unknown = { vendorId: 0x1234, productId: 0x0001, path: '/dev/hidraw4', usagePage: 0x8c, usage: 2 };
    const hid = new FakeHid();
    hid.devices = [unknown];
    const { source } = make(hid, { vendorId: '1234', productId: '0001' });
    await source.start();
    await waitFor(() => source.status().state === 'error', 'error');
    expect(source.status()).toMatchObject({
      code: 'hid_unknown_layout',
      reason: expect.stringMatching(/listen --hid VID:PID --raw/),
    });
    expect(hid.opened).toEqual([]); // refused before opening: nothing is read with a guessed layout
    await source.stop();

    const layout = {
      reportId: 0x03,
      lengthOffset: 1,
      dataOffset: 2,
      dataCapacity: 60,
      enableReport: { kind: 'output', reportId: 0x05, data: [0x01, 0x02] },
    };
    const custom = make(hid, { vendorId: '1234', productId: '0001', layout });
    await custom.source.start();
    await waitFor(() => custom.source.status().state === 'connected', 'connected');
    expect(hid.last().outputReports).toEqual([[0x05, 0x01, 0x02]]);
    const report = new Uint8Array(64);
    report.set([0x03, CODE.length, ...Buffer.from(CODE)]);
    hid.last().report(report);
    expect(custom.scans.map((s) => s.code)).toEqual([CODE]);
  });

  it('names the wrong key of a custom layout', () => {
    const parsed = HidScannerConfigSchema.safeParse({
      kind: 'hid',
      vendorId: '1234',
      productId: '0001',
      layout: { reportId: 2, lengthOffset: 1, dataOffset: 5, dataCapacity: 56, moreFlagOffset: 20 },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['layout', 'moreFlagOffset'],
      message: 'the more-data flag cannot sit inside the data',
    });
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
    const { source, scans, rejects, statuses } = make(hid, { profile: 'honeywell' });
    await source.start();
    await waitFor(() => source.status().state === 'connected', 'connected');
    const first = hid.last();
    first.report(honeywellReport(']Q1', 'a'.repeat(56), { more: true }));
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
    hid.last().report(honeywellReport(']C0', CODE));
    expect(scans.map((s) => s.code)).toEqual([`]C0${CODE}`]);
    expect(source.status()).toEqual({ state: 'connected', detail: '/dev/hidraw5 (honeywell)' });
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
    const { source, scans, rejects } = make(hid, { endTimeoutMs: 20, profile: 'honeywell' });
    await source.start();
    await waitFor(() => source.status().state === 'connected', 'connected');
    hid.last().report(honeywellReport(']Q1', 'a'.repeat(56), { more: true }));
    await waitFor(() => rejects.length === 1, 'reject');
    expect(rejects[0]).toMatchObject({ code: 'scan_incomplete' });
    hid.last().report(honeywellReport(']C0', CODE));
    expect(scans.map((s) => s.code)).toEqual([`]C0${CODE}`]);
  });
});
