/**
 * The half of a ScannerSource that is the same for every transport: an id, a SourceEmitter, and the
 * status/subscription methods that delegate to it. Each adapter adds only start and stop, and
 * reports through `this.events`.
 */
import type { Disposer, ScannerSource, ScannerStatus, ScannerTransport } from '../../ports/scanner-source.ts';
import { SourceEmitter } from './source-emitter.ts';

export abstract class EmittingScannerSource implements ScannerSource {
  readonly id: string;
  readonly transport: ScannerTransport;
  protected readonly events: SourceEmitter;

  constructor(id: string, transport: ScannerTransport) {
    this.id = id;
    this.transport = transport;
    this.events = new SourceEmitter(id, transport);
  }

  status(): ScannerStatus {
    return this.events.status();
  }
  onScan(listener: Parameters<SourceEmitter['onScan']>[0]): Disposer {
    return this.events.onScan(listener);
  }
  onStatus(listener: Parameters<SourceEmitter['onStatus']>[0]): Disposer {
    return this.events.onStatus(listener);
  }
  onReject(listener: Parameters<SourceEmitter['onReject']>[0]): Disposer {
    return this.events.onReject(listener);
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
}
