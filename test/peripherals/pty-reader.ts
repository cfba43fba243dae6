/**
 * Reads what a device wrote into a socat pty pair, from the other end, with serialport (as
 * test/service/paid-actions-serial.test.ts does). Opened before the device writes, so nothing is missed.
 */
import { SerialPort } from 'serialport';

export interface PtyReader {
  received(): Buffer;
  close(): Promise<void>;
}

export async function openPtyReader(path: string): Promise<PtyReader> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  const chunks: Buffer[] = [];
  port.on('data', (chunk: Buffer) => chunks.push(chunk));
  port.on('error', () => {}); // the pty vanishes when socat is killed
  return {
    received: () => Buffer.concat(chunks),
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}
