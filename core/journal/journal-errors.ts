/**
 * The journal's typed errors. Opening: a journal that is missing, empty, damaged, from a newer
 * release or not recognised refuses to start (the service must never start on an empty journal
 * when money may be recorded in the lost one). Running: a storage fault (disk full, I/O error,
 * corruption) stops new charges until the operator has fixed it and restarted.
 */
import type { JournalErrorCode } from '../common/error-codes.ts';
import { UnavailableError } from '../common/errors.ts';

/**
 * Opening: journal_missing (the data dir held a journal, marker or backups, but journal.sqlite is
 * gone), journal_empty (zero bytes), journal_damaged (not SQLite, or quick_check found damage),
 * journal_inaccessible (permissions, not a regular file), journal_too_new (user_version above what
 * this release knows), journal_unrecognised (tables without a schema version that are not release
 * 0.1.0's). Running: journal_unavailable (a storage fault; no new charge until fixed and restarted).
 * The list itself: JOURNAL_ERROR_CODES in core/common/error-codes.ts.
 */
export type { JournalErrorCode };

export class JournalError extends UnavailableError {
  override readonly code: JournalErrorCode;

  constructor(
    code: JournalErrorCode,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(code, message, details, options);
    this.code = code;
  }
}

/**
 * Exit status after a refused journal, for `scanpay serve` and the desktop app alike: sysexits.h
 * EX_CONFIG. build/linux/scanpay-serve.service names it in RestartPreventExitStatus, so a service
 * manager does not restart into the same refusal.
 */
export const EXIT_JOURNAL_REFUSED = 78;

/** The errors that stop `scanpay serve` from starting: the operator must restore, a restart cannot help. */
export function isJournalRefusal(error: unknown): error is JournalError {
  return error instanceof JournalError && error.code !== 'journal_unavailable';
}
