import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../../core/common/errors.ts';
import { WedgeFeed } from '../../core/common/wedge/wedge-feed.ts';
import type { ScanEvent } from '../../core/ports/scanner-source.ts';
import { createScannerSources } from '../../core/scanners/create-scanner-sources.ts';
import { ScannerConfigSchema } from '../../core/scanners/scanner-config.ts';

const CODE = '134567890123456789';
const parse = (configs: unknown[]) => configs.map((c) => ScannerConfigSchema.parse(c));

describe('scanner config', () => {
  it('applies the documented defaults and accepts hex ids', () => {
    expect(ScannerConfigSchema.parse({ kind: 'serial', path: '/dev/ttyACM0' })).toMatchObject({
      baudRate: 9600,
      terminator: 'auto',
      idleTimeoutMs: 50,
      maxLength: 256,
    });
    expect(ScannerConfigSchema.parse({ kind: 'hid', vendorId: '0x1EAB', productId: 6659 })).toMatchObject({
      vendorId: 0x1eab,
      productId: 6659,
      profile: 'auto',
    });
    expect(ScannerConfigSchema.parse({ kind: 'wedge' })).toMatchObject({
      maxKeyGapMs: 45,
      endTimeoutMs: 100,
      minLength: 8,
    });
  });

  it('names what is wrong', () => {
    const both = ScannerConfigSchema.safeParse({ kind: 'serial', path: '/dev/x', match: { vendorId: 1 } });
    expect(both.error?.issues[0]?.message).toBe('a serial scanner needs exactly one of path or match');
    const badId = ScannerConfigSchema.safeParse({ kind: 'hid', vendorId: 'zz', productId: 1 });
    expect(badId.success).toBe(false);
    const badTerminator = ScannerConfigSchema.safeParse({
      kind: 'serial',
      path: '/dev/x',
      terminator: 'ETX',
    });
    expect(badTerminator.error?.issues[0]?.path).toEqual(['terminator']);
  });
});

describe('createScannerSources', () => {
  it('builds one source per config with stable, distinct ids and loads no native module up front', () => {
    let loads = 0;
    const sources = createScannerSources(
      parse([
        { kind: 'serial', path: '/dev/ttyACM0' },
        { kind: 'hid', vendorId: '1eab', productId: '1a03' },
        { kind: 'hid', vendorId: '1eab', productId: '1a03' },
        { kind: 'wedge', id: 'front-counter' },
      ]),
      {
        loadHid: async () => {
          loads++;
          throw new Error('not called');
        },
      },
    );
    expect(sources.map((s) => [s.id, s.transport])).toEqual([
      ['serial:/dev/ttyACM0', 'serial'],
      ['hid:1eab:1a03', 'hid'],
      ['hid:1eab:1a03#2', 'hid'],
      ['front-counter', 'wedge'],
    ]);
    expect(loads).toBe(0);
  });

  it('a machine without node-hid still runs the wedge source and says why HID is unavailable', async () => {
    const feed = new WedgeFeed();
    const [hid, wedge] = createScannerSources(
      parse([{ kind: 'hid', vendorId: 1, productId: 2 }, { kind: 'wedge' }]),
      {
        wedgeFeed: feed,
        loadHid: async () => {
          throw new UnavailableError(
            'hid_unavailable',
            'node-hid cannot be loaded: libusb-1.0.so.0: cannot open shared object file',
          );
        },
      },
    );
    const scans: ScanEvent[] = [];
    wedge!.onScan((s) => scans.push(s));
    await hid!.start();
    await wedge!.start();
    expect(hid!.status()).toMatchObject({ state: 'unavailable', reason: expect.stringContaining('libusb') });
    expect(wedge!.status()).toMatchObject({ state: 'connected' });

    let t = 1000;
    const verdicts = [...CODE].map((d, i) =>
      feed.pushKey({ type: 'keydown', code: `Digit${d}`, key: d, at: t + 5 * (i + 1) }),
    );
    t += 5 * CODE.length;
    const enter = feed.pushKey({ type: 'keydown', code: 'Enter', key: 'Enter', at: t + 5 });
    feed.pushCode('284567890123456780', 2000);
    expect(scans).toEqual([
      { code: CODE, source: 'wedge:keyboard', at: t + 5 },
      { code: '284567890123456780', source: 'wedge:keyboard', at: 2000 },
    ]);
    expect(verdicts.at(-1)).toEqual({ capture: true });
    expect(enter).toEqual({ capture: true });
    await wedge!.stop();
    expect(feed.pushKey({ type: 'keydown', code: 'Digit1', key: '1', at: 3000 })).toEqual({ capture: false });
  });

  it("the wedge source hands a person's held-back keys back through the feed, and on stop", async () => {
    const feed = new WedgeFeed();
    const [wedge] = createScannerSources(parse([{ kind: 'wedge' }]), { wedgeFeed: feed });
    const released: string[] = [];
    feed.onRelease((keys) => released.push(...keys.map((k) => k.key ?? '')));
    await wedge!.start();
    expect(feed.pushKey({ type: 'keydown', code: 'Digit4', key: '4', at: 0 })).toEqual({ capture: true });
    // A slow next key: the held 4 was typing and is released before the 5 is considered.
    expect(feed.pushKey({ type: 'keydown', code: 'Digit5', key: '5', at: 300 })).toEqual({ capture: true });
    expect(released).toEqual(['4']);
    await wedge!.stop();
    expect(released).toEqual(['4', '5']);
  });

  it('a wedge source without a feed says so instead of pretending to listen', async () => {
    const [wedge] = createScannerSources(parse([{ kind: 'wedge' }]));
    await wedge!.start();
    expect(wedge!.status()).toMatchObject({ state: 'unavailable', code: 'wedge_no_feed' });
  });
});
