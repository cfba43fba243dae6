/**
 * Owns the configured scanner sources: starts and stops them, forwards each scan with its
 * recognition result, keeps the latest status of every source, and drops the same code seen again
 * within `duplicateWindowMs` (a scanner re-reading the customer's screen). The window slides: a
 * code re-read continuously stays suppressed until it has been absent for the whole window.
 */
import { type Classification, classifyPaymentCode } from '../common/recognition/classify-payment-code.ts';
import { normaliseScan } from '../common/recognition/normalise-scan.ts';
import type { Clock } from '../ports/clock.ts';
import { systemClock } from '../ports/clock.ts';
import type {
  Disposer,
  ScanEvent,
  ScannerSource,
  ScannerStatusEvent,
  ScanRejectEvent,
} from '../ports/scanner-source.ts';

export type RecognisedScan = ScanEvent & { readonly classification: Classification };

/** A source's rejected input, or a duplicate the manager suppressed. */
export type ManagerReject = ScanRejectEvent & { readonly kind: 'input' | 'duplicate' };

export interface ScannerManagerOptions {
  readonly sources: readonly ScannerSource[];
  readonly clock?: Clock;
  readonly duplicateWindowMs?: number;
}

/** Bound on remembered codes: far more than distinct codes scanned within any sane window. */
const MAX_REMEMBERED = 256;

export class ScannerManager {
  readonly #sources: readonly ScannerSource[];
  readonly #clock: Clock;
  readonly #windowMs: number;
  readonly #scanListeners = new Set<(scan: RecognisedScan) => void>();
  readonly #statusListeners = new Set<(status: ScannerStatusEvent) => void>();
  readonly #rejectListeners = new Set<(reject: ManagerReject) => void>();
  readonly #statuses = new Map<string, ScannerStatusEvent>();
  /** normalised code → when it was last seen (ms, clock time). */
  readonly #lastSeen = new Map<string, number>();
  #subscriptions: Disposer[] = [];

  constructor(opts: ScannerManagerOptions) {
    this.#sources = opts.sources;
    this.#clock = opts.clock ?? systemClock;
    this.#windowMs = opts.duplicateWindowMs ?? 2000;
    const now = this.#clock.now();
    for (const source of this.#sources) {
      this.#statuses.set(source.id, {
        source: source.id,
        transport: source.transport,
        status: source.status(),
        at: now,
      });
    }
  }

  async start(): Promise<void> {
    if (this.#subscriptions.length > 0) return;
    for (const source of this.#sources) {
      this.#subscriptions.push(
        source.onScan((scan) => this.#onScan(scan)),
        source.onStatus((status) => this.#onStatus(status)),
      );
      if (source.onReject) {
        this.#subscriptions.push(
          source.onReject((reject) =>
            this.#emit<ManagerReject>(this.#rejectListeners, { ...reject, kind: 'input' }),
          ),
        );
      }
    }
    const results = await Promise.allSettled(this.#sources.map((source) => source.start()));
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      const source = this.#sources[i]!;
      this.#onStatus({
        source: source.id,
        transport: source.transport,
        status: {
          state: 'error',
          code: 'scanner_start_failed',
          reason: String((result.reason as Error)?.message ?? result.reason),
        },
        at: this.#clock.now(),
      });
    });
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.#sources.map((source) => source.stop()));
    for (const dispose of this.#subscriptions.splice(0)) dispose();
  }

  onScan(listener: (scan: RecognisedScan) => void): Disposer {
    return subscribe(this.#scanListeners, listener);
  }
  onStatus(listener: (status: ScannerStatusEvent) => void): Disposer {
    return subscribe(this.#statusListeners, listener);
  }
  onReject(listener: (reject: ManagerReject) => void): Disposer {
    return subscribe(this.#rejectListeners, listener);
  }

  statuses(): ScannerStatusEvent[] {
    return [...this.#statuses.values()];
  }

  #onStatus(status: ScannerStatusEvent): void {
    this.#statuses.set(status.source, status);
    this.#emit(this.#statusListeners, status);
  }

  #onScan(scan: ScanEvent): void {
    const now = this.#clock.now();
    const key = normaliseScan(scan.code).text;
    const previous = this.#lastSeen.get(key);
    this.#remember(key, now);
    if (previous !== undefined && now - previous < this.#windowMs) {
      this.#emit<ManagerReject>(this.#rejectListeners, {
        kind: 'duplicate',
        source: scan.source,
        reason: `same code again after ${now - previous} ms: ignored as a re-read`,
        at: scan.at,
      });
      return;
    }
    this.#emit(this.#scanListeners, { ...scan, classification: classifyPaymentCode(scan.code) });
  }

  #remember(key: string, now: number): void {
    this.#lastSeen.delete(key);
    this.#lastSeen.set(key, now);
    for (const [code, at] of this.#lastSeen) {
      if (now - at < this.#windowMs && this.#lastSeen.size <= MAX_REMEMBERED) break;
      this.#lastSeen.delete(code);
    }
  }

  #emit<T>(listeners: ReadonlySet<(value: T) => void>, value: T): void {
    for (const listener of [...listeners]) {
      try {
        listener(value);
      } catch (error) {
        console.error('scanner manager listener threw', error);
      }
    }
  }
}

function subscribe<T>(set: Set<(value: T) => void>, listener: (value: T) => void): Disposer {
  const entry = (value: T) => listener(value);
  set.add(entry);
  return () => {
    set.delete(entry);
  };
}
