/**
 * The serial paid action against a real pseudo-terminal pair (socat): the action opens one end as
 * the configured serial port, the test reads the other end and checks the exact bytes written.
 */
import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PaidCallbackContext } from '../../core/engine/engine-deps.ts';
import { buildPaidCallbacks } from '../../core/service/paid-actions/paid-actions.ts';
import { makeTempDir, openPtyPair, type PtyPair, waitFor } from '../scanners/fakes/pty-pair.ts';

const context: PaidCallbackContext = {
  out_trade_no: 'SP20261123A1',
  paid_out_trade_no: 'SP20261123A1_1',
  transaction_id: '4200000001',
  total_fee: 1500,
  type: 'massage',
  custom: null,
  pid: 'm1',
  wallet: 'wxpay',
  source: 'query',
};

let temp: ReturnType<typeof makeTempDir>;
let pty: PtyPair;
let reader: SerialPort;
let bytes: Buffer;

beforeEach(async () => {
  temp = makeTempDir();
  pty = await openPtyPair(temp.dir, 'chair');
  bytes = Buffer.alloc(0);
  reader = new SerialPort({ path: pty.host, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => reader.open((e) => (e ? reject(e) : resolve())));
  reader.on('data', (chunk: Buffer) => {
    bytes = Buffer.concat([bytes, chunk]);
  });
});
afterEach(async () => {
  if (reader.isOpen) await new Promise<void>((resolve) => reader.close(() => resolve()));
  await pty.kill();
  temp.remove();
});

function serialCallbacks(command: string) {
  return buildPaidCallbacks(
    { massage: [{ kind: 'serial', path: pty.device, baud_rate: 9600, command }] },
    temp.dir,
  );
}

describe('serial paid action', () => {
  it('writes a hex: command as those bytes exactly (spaces ignored)', async () => {
    expect(await serialCallbacks('hex:AA 01 55').massage!(context)).toBe(true);
    await waitFor(() => bytes.length >= 3, 'three bytes on the pty');
    expect(bytes.toString('hex')).toBe('aa0155');
  });

  it('fills {out_trade_no} and {total_fee} into a text command, sent as UTF-8', async () => {
    const expected = 'START SP20261123A1 1500 按摩\r\n';
    const command = 'START {out_trade_no} {total_fee} 按摩\r\n';
    expect(await serialCallbacks(command).massage!(context)).toBe(true);
    const length = Buffer.byteLength(expected, 'utf8');
    await waitFor(() => bytes.length >= length, 'the command on the pty');
    expect(bytes.equals(Buffer.from(expected, 'utf8'))).toBe(true);
  });

  it('rejects when the port cannot be opened, so the engine retries it', async () => {
    const callbacks = buildPaidCallbacks(
      {
        massage: [{ kind: 'serial', path: `${temp.dir}/no-such-port`, baud_rate: 9600, command: 'hex:AA' }],
      },
      temp.dir,
    );
    await expect(callbacks.massage!(context)).rejects.toThrow(/no-such-port/);
    expect(bytes.length).toBe(0);
  });
});
