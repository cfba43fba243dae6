/**
 * The listener bookkeeping every ScannerSource adapter shares: scans, rejects and status changes,
 * each subscription returning a disposer. A throwing listener is logged and isolated: it must not
 * stop a read loop and lose the scans that follow.
 */
import type {
  Disposer,
  ScanEvent,
  ScannerStatus,
  ScannerStatusEvent,
  ScannerTransport,
  ScanRejectCode,
  ScanRejectEvent,
} from '../../ports/scanner-source.ts';

function subscribe<T>(set: Set<(value: T) => void>, listener: (value: T) => void): Disposer {
  // Wrap so the same function subscribed twice gets two independent subscriptions.
  const entry = (value: T) => listener(value);
  set.add(entry);
  return () => {
    set.delete(entry);
  };
}

function dispatch<T>(set: ReadonlySet<(value: T) => void>, value: T): void {
  for (const listener of [...set]) {
    try {
      listener(value);
    } catch (error) {
      console.error('scanner listener threw', error);
    }
  }
}

function sameStatus(a: ScannerStatus, b: ScannerStatus): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class SourceEmitter {
  readonly source: string;
  readonly transport: ScannerTransport;
  #current: ScannerStatus = { state: 'disconnected', reason: 'not started' };
  readonly #scans = new Set<(scan: ScanEvent) => void>();
  readonly #statuses = new Set<(status: ScannerStatusEvent) => void>();
  readonly #rejects = new Set<(reject: ScanRejectEvent) => void>();

  constructor(source: string, transport: ScannerTransport) {
    this.source = source;
    this.transport = transport;
  }

  status(): ScannerStatus {
    return this.#current;
  }

  /** Emits only real changes, so a retry loop that fails the same way does not flood listeners. */
  setStatus(status: ScannerStatus, at: number): void {
    if (sameStatus(status, this.#current)) return;
    this.#current = status;
    dispatch(this.#statuses, { source: this.source, transport: this.transport, status, at });
  }

  scan(code: string, at: number): void {
    dispatch(this.#scans, { code, source: this.source, at });
  }

  reject(reason: string, at: number, code?: ScanRejectCode): void {
    dispatch(this.#rejects, { source: this.source, reason, at, ...(code && { code }) });
  }

  onScan(listener: (scan: ScanEvent) => void): Disposer {
    return subscribe(this.#scans, listener);
  }
  onStatus(listener: (status: ScannerStatusEvent) => void): Disposer {
    return subscribe(this.#statuses, listener);
  }
  onReject(listener: (reject: ScanRejectEvent) => void): Disposer {
    return subscribe(this.#rejects, listener);
  }
}
