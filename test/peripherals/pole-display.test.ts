/**
 * The pole display (客显) over a real serial pty: the amount of the sale in progress, 0.00 when the
 * till is idle, in both command sets.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  poleDisplayBytes,
  SerialPoleDisplay,
} from '../../core/peripherals/pole-display/serial-pole-display.ts';
import { SerialLink } from '../../core/peripherals/printer/serial/serial-link.ts';
import { makeTempDir, openPtyPair, type PtyPair, waitFor } from '../scanners/fakes/pty-pair.ts';
import { openPtyReader, type PtyReader } from './pty-reader.ts';

describe('pole display command sets', () => {
  it('escpos: clear, the 总计 lamp, ESC Q A with the amount, CR', () => {
    expect(Buffer.from(poleDisplayBytes(1288, 'escpos')).toString('latin1')).toBe('\x1b@\x1bs2\x1bQA12.88\r');
  });
  it('escpos idle: lamps off and 0.00', () => {
    expect(Buffer.from(poleDisplayBytes(null, 'escpos')).toString('latin1')).toBe('\x1b@\x1bs0\x1bQA0.00\r');
  });
  it('digits: the bare amount and CR', () => {
    expect(Buffer.from(poleDisplayBytes(100500, 'digits')).toString('latin1')).toBe('1005.00\r');
    expect(Buffer.from(poleDisplayBytes(null, 'digits')).toString('latin1')).toBe('0.00\r');
  });
  it('an amount beyond 8 digits shows 999999.99 rather than a truncated number', () => {
    expect(Buffer.from(poleDisplayBytes(123_456_789, 'digits')).toString('latin1')).toBe('999999.99\r');
  });
});

describe('SerialPoleDisplay over a socat pty', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let pty: PtyPair;
  let reader: PtyReader;

  beforeEach(async () => {
    temp = makeTempDir();
    pty = await openPtyPair(temp.dir, 'pole');
    reader = await openPtyReader(pty.host);
  });

  afterEach(async () => {
    await reader.close();
    await pty.kill();
    temp.remove();
  });

  it('shows the amount, then 0.00', async () => {
    const display = new SerialPoleDisplay(new SerialLink(pty.device, 2400), 'escpos');
    await display.showAmount(1288);
    await display.showAmount(null);
    const expected = '\x1b@\x1bs2\x1bQA12.88\r\x1b@\x1bs0\x1bQA0.00\r';
    await waitFor(() => reader.received().length >= expected.length, 'both frames');
    expect(reader.received().toString('latin1')).toBe(expected);
  });

  it('a missing device is a typed error, not a crash', async () => {
    const display = new SerialPoleDisplay(new SerialLink(`${temp.dir}/nothing`, 2400), 'digits');
    await expect(display.showAmount(100)).rejects.toMatchObject({ code: 'pole_display_unreachable' });
  });
});
