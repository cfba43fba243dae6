/** A payment code written into a real pseudo-terminal (socat) configured as the serial scanner reaches a paid order. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, openPtyPair, type PtyPair, waitFor } from '../scanners/fakes/pty-pair.ts';
import { type ServiceHarness, startServiceHarness } from './service-harness.ts';

let pty: PtyPair;
let tmp: ReturnType<typeof makeTempDir>;
let h: ServiceHarness;

beforeAll(async () => {
  tmp = makeTempDir();
  pty = await openPtyPair(tmp.dir, 'scanner');
  h = await startServiceHarness({
    config: { scanners: [{ kind: 'serial', id: 'front', path: pty.device, terminator: 'CR' }] },
  });
});
afterAll(async () => {
  await h?.close();
  await pty?.kill();
  tmp?.remove();
});

describe('serial scanner → till → engine', () => {
  it('pays the waiting sale with the code the scanner sends', async () => {
    const events: { kind: string; scan?: { ok: boolean } }[] = [];
    const unsubscribe = h.service.onEvent((event) => events.push(event as never));
    let scanners: { transport: string; state: string }[] = [];
    await waitFor(
      () => {
        void h.call('health', {}).then((r) => {
          scanners = r.body.value.scanners;
        });
        return scanners.some((s) => s.transport === 'serial' && s.state === 'connected');
      },
      'the serial scanner to be connected',
      5000,
    );

    const sale = await h.call('beginSale', { total_fee: 1888, note: 'Noodles' });
    expect(sale.body.value.state).toBe('awaiting_scan');

    // A product barcode first: reported, nothing charged.
    pty.write('6901234567892\r');
    await waitFor(() => events.some((e) => e.kind === 'scan'), 'the product barcode scan event', 5000);
    expect(events.find((e) => e.kind === 'scan')!.scan!.ok).toBe(false);

    const code = await h.walletCode('wxpay', 'instant');
    // Split across two writes, as a slow UART delivers it.
    pty.write(code.slice(0, 7));
    pty.write(`${code.slice(7)}\r`);
    let state = '';
    await waitFor(
      () => {
        void h.call('getSale', {}).then((r) => {
          state = r.body.value.state;
        });
        return state === 'done';
      },
      'the sale to be paid',
      8000,
    );
    const final = await h.call('getSale', {});
    expect(final.body.value.order).toMatchObject({ status: 1, total_fee: 1888, tender: 'wxpay' });
    const truth = await h.sandbox('/_sandbox/trades');
    const trade = truth.trades.find(
      (t: { out_trade_no: string }) => t.out_trade_no === final.body.value.order.out_trade_no,
    );
    expect(trade.captured_fen).toBe(1888);
    unsubscribe();
  });

  it('shows line noise the scanner sent as a refused scan, with its reason code, and charges nothing', async () => {
    const events: { kind: string; scan?: { ok: boolean; source: string; error: { code: string } | null } }[] =
      [];
    const unsubscribe = h.service.onEvent((event) => events.push(event as never));
    const sale = await h.call('beginSale', { total_fee: 500, note: 'Tea' });
    expect(sale.body.value.state).toBe('awaiting_scan');
    // A wrong baud rate reads as bytes that are not text: the framer refuses the whole line.
    pty.write(Buffer.from([0x31, 0x33, 0xff, 0xfe, 0x35, 0x0d]));
    await waitFor(() => events.some((e) => e.kind === 'scan'), 'the refused scan to reach the UI', 5000);
    const scan = events.find((e) => e.kind === 'scan')!.scan!;
    expect(scan).toMatchObject({ ok: false, source: 'front', error: { code: 'scan_garbled' } });
    expect((await h.call('getSale', {})).body.value.state).toBe('awaiting_scan');
    unsubscribe();
    await h.call('cancelSale', {});
  });
});
