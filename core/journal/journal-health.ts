/**
 * The journal's health at run time: a storage fault (disk full, I/O error, corruption, …) makes it
 * unhealthy until the service restarts; the service shows it (ready:false, journal_error) and no
 * new charge is started meanwhile. SQLite's result codes: https://sqlite.org/rescode.html
 */
import { JournalError } from './journal-errors.ts';

/** A storage fault seen at run time: the journal stays unhealthy until the service restarts. */
export interface JournalFault {
  readonly code: 'journal_unavailable';
  /** SQLite's primary result code name (SQLITE_FULL, SQLITE_IOERR, …). */
  readonly sqlite: string;
  readonly message: string;
  readonly at: number;
  readonly error: unknown;
}

export interface JournalHealth {
  readonly ok: boolean;
  readonly fault: JournalFault | null;
}

/** SQLite primary result codes that mean the storage itself failed (https://sqlite.org/rescode.html). */
const STORAGE_FAULTS: Readonly<Record<number, string>> = {
  8: 'SQLITE_READONLY',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  26: 'SQLITE_NOTADB',
};

/** The SQLite result-code name when `error` is a storage fault, else null (constraint errors, busy, bugs). */
export function storageFaultOf(error: unknown): string | null {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  if (typeof errcode !== 'number') return null;
  return STORAGE_FAULTS[errcode & 0xff] ?? null;
}

/** Watches the journal's operations for storage faults; the first one makes it unhealthy for good. */
export class FaultWatch {
  private fault: JournalFault | null = null;
  private readonly listeners = new Set<(fault: JournalFault) => void>();

  health(): JournalHealth {
    return { ok: this.fault === null, fault: this.fault };
  }

  /** Called once, at the first storage fault. */
  onFault(listener: (fault: JournalFault) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs a journal operation; a storage fault marks the journal unhealthy and surfaces typed. */
  guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      const sqlite = storageFaultOf(error);
      if (!sqlite) throw error;
      this.raise(
        sqlite,
        `the journal could not be written or read (${sqlite}): new charges are stopped`,
        error,
      );
      throw new JournalError('journal_unavailable', this.fault!.message, { sqlite }, { cause: error });
    }
  }

  /**
   * A fault found outside the journal's own operations: the full integrity check the running
   * service runs apart (core/service/journal-watch.ts) found damage, which SQLite reports only when
   * a damaged page is read. Same consequences as a fault seen in a write.
   */
  report(sqlite: string, message: string, error: unknown): void {
    this.raise(sqlite, message, error);
  }

  private raise(sqlite: string, message: string, error: unknown): void {
    if (this.fault) return;
    this.fault = { code: 'journal_unavailable', sqlite, message, at: Date.now(), error };
    for (const listener of this.listeners) listener(this.fault);
  }

  /** Before a new charge's intent: with a faulty journal its outcome could not be recorded, so no charge. */
  refuseNewCharge(): void {
    if (this.fault)
      throw new JournalError(
        'journal_unavailable',
        `${this.fault.message}; take cash, fix the storage and restart the service`,
        { sqlite: this.fault.sqlite },
      );
  }
}
