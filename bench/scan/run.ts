/**
 * Serial scan latency: time from the last byte written into a pseudo-terminal to the scan event
 * of SerialPortScannerSource, beside a bare serialport 'data' read of the same pty in the same run.
 * Prints p50/p99 over 1,000 codes each, measured in alternating rounds of 100 so both paths see
 * the same background load. Target: source p99 within 1 ms of the bare read's p99.
 *   node bench/scan/run.ts [count]
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SerialPort } from 'serialport';
import { ScannerConfigSchema, type SerialScannerConfig } from '../../core/scanners/scanner-config.ts';
import { SerialPortScannerSource } from '../../core/scanners/serial/serialport-scanner-source.ts';

const COUNT = Number(process.argv[2] ?? 1000);
const WARMUP = 10;

const dir = mkdtempSync(join(tmpdir(), 'scanpay-bench-'));
const device = join(dir, 'device');
const host = join(dir, 'host');
const socat = spawn('socat', [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${host}`], {
  stdio: 'ignore',
});
for (let i = 0; !(existsSync(device) && existsSync(host)); i++) {
  if (i > 500) throw new Error('socat did not create the pty pair');
  await new Promise((resolve) => setTimeout(resolve, 5));
}
const hostFd = openSync(host, 'w');

const code = (i: number) => Buffer.from(`13${String(1_000_000_000_000_000 + i).slice(-16)}\r`, 'latin1');

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Writes `count` codes, waiting for each to arrive; returns the latencies (ms). */
async function measure(
  arrival: { next(): Promise<number> },
  count: number,
  offset: number,
): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const done = arrival.next();
    writeSync(hostFd, code(offset + i));
    const written = performance.now();
    latencies.push((await done) - written);
  }
  return latencies;
}

/** A one-slot arrival: the listener records performance.now() the moment a code completes. */
function arrivals() {
  let resolveNext: ((at: number) => void) | undefined;
  return {
    next: () =>
      new Promise<number>((resolve) => {
        resolveNext = resolve;
      }),
    arrived: () => {
      const at = performance.now();
      resolveNext?.(at);
      resolveNext = undefined;
    },
  };
}

/** Bare serialport read: the floor (kernel pty + libuv + serialport stream). */
async function bareRound(count: number, offset: number): Promise<number[]> {
  const bare = arrivals();
  const port = new SerialPort({ path: device, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  port.on('data', (chunk: Buffer) => {
    if (chunk.includes(0x0d)) bare.arrived();
  });
  await measure(bare, WARMUP, offset);
  const latencies = await measure(bare, count, offset);
  await new Promise<void>((resolve) => port.close(() => resolve()));
  return latencies;
}

const config = ScannerConfigSchema.parse({ kind: 'serial', path: device }) as SerialScannerConfig;
let codesSeen = 0;

/** The scanner source on the same pty. */
async function sourceRound(count: number, offset: number): Promise<number[]> {
  const source = new SerialPortScannerSource('serial:bench', config);
  const viaSource = arrivals();
  source.onScan(() => {
    codesSeen++;
    viaSource.arrived();
  });
  await source.start();
  while (source.status().state !== 'connected') await new Promise((resolve) => setTimeout(resolve, 5));
  await measure(viaSource, WARMUP, offset);
  const latencies = await measure(viaSource, count, offset);
  await source.stop();
  return latencies;
}

// Alternate rounds so both paths see the same background load (the machine is shared).
const ROUNDS = 10;
const bareLatencies: number[] = [];
const sourceLatencies: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const size = Math.ceil(COUNT / ROUNDS);
  bareLatencies.push(...(await bareRound(size, round * 2 * size)));
  sourceLatencies.push(...(await sourceRound(size, (round * 2 + 1) * size)));
}
bareLatencies.sort((a, b) => a - b);
sourceLatencies.sort((a, b) => a - b);
codesSeen -= ROUNDS * WARMUP;

closeSync(hostFd);
if (socat.pid !== undefined) process.kill(socat.pid, 'SIGTERM');
rmSync(dir, { recursive: true, force: true });

const row = (name: string, l: readonly number[]) =>
  `${name.padEnd(26)} ${percentile(l, 50).toFixed(3).padStart(8)} ${percentile(l, 99).toFixed(3).padStart(8)} ${l.at(-1)!.toFixed(3).padStart(8)}`;
const p99Gap = percentile(sourceLatencies, 99) - percentile(bareLatencies, 99);
console.log(`serial scan latency, ${COUNT} codes each (ms from last byte written to event)`);
console.log(`${'path'.padEnd(26)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`);
console.log(row('bare serialport data', bareLatencies));
console.log(row('SerialPortScannerSource', sourceLatencies));
console.log(
  `p99 difference: ${p99Gap.toFixed(3)} ms (target ≤ 1 ms: ${p99Gap <= 1 ? 'met' : 'NOT met'}); codes seen by source: ${codesSeen}`,
);
