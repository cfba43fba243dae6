/** A ScannerSource driven by the test: emit scans, rejects and statuses at will. */
import type { Clock } from '../../../core/ports/clock.ts';
import type { ScannerSource, ScannerStatus, ScannerTransport } from '../../../core/ports/scanner-source.ts';
import { SourceEmitter } from '../../../core/scanners/shared/source-emitter.ts';

export class FakeScannerSource implements ScannerSource {
  readonly id: string;
  readonly transport: ScannerTransport;
  readonly events: SourceEmitter;
  started = 0;
  stopped = 0;
  failStart: Error | undefined;

  constructor(id: string, transport: ScannerTransport = 'serial') {
    this.id = id;
    this.transport = transport;
    this.events = new SourceEmitter(id, transport);
  }
  status(): ScannerStatus {
    return this.events.status();
  }
  onScan = (l: Parameters<SourceEmitter['onScan']>[0]) => this.events.onScan(l);
  onStatus = (l: Parameters<SourceEmitter['onStatus']>[0]) => this.events.onStatus(l);
  onReject = (l: Parameters<SourceEmitter['onReject']>[0]) => this.events.onReject(l);
  async start(): Promise<void> {
    this.started++;
    if (this.failStart) throw this.failStart;
    this.events.setStatus({ state: 'connected' }, 0);
  }
  async stop(): Promise<void> {
    this.stopped++;
    this.events.setStatus({ state: 'disconnected', reason: 'stopped' }, 0);
  }
}

export class ManualClock implements Clock {
  t: number;
  constructor(t = 1_700_000_000_000) {
    this.t = t;
  }
  now(): number {
    return this.t;
  }
  async sleep(): Promise<void> {}
}
