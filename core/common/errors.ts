/**
 * Typed errors with a stable `code` (for programs and for the UI's text catalog) and a human
 * message (for logs and integrators), shaped like stripe-node's: one base class, a few kinds,
 * optional `details` and `cause`. Messages never contain secrets: callers pass field names,
 * never credential values. A code must be one of ERROR_CODES (error-codes.ts), which both UI
 * catalogs key their texts by.
 */
import type { ErrorCode } from './error-codes.ts';

export { ACCESS_ERROR_CODES, type ErrorCode } from './error-codes.ts';

export type ErrorKind =
  | 'validation'
  | 'recognition'
  | 'conflict'
  | 'not_found'
  | 'gateway'
  | 'config'
  | 'auth'
  | 'forbidden'
  | 'too_many'
  | 'unavailable'
  | 'internal';

/** The wire shape: a code from another release may be outside this one's union, so it is a string here. */
export interface ErrorShape {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export class ScanPayError extends Error {
  readonly kind: ErrorKind = 'internal';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.details = details;
    this.name = new.target.name;
  }

  toJSON(): ErrorShape {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

/**
 * An error the service answered, raised again on the caller's side (renderer bridges). Its code
 * is kept as it came, even one a newer service release added that this union does not know: the
 * UI then shows the service's own message rather than a wrong text.
 */
export function receivedError(shape: ErrorShape): ScanPayError {
  const details = shape.details ? { ...shape.details } : undefined;
  return new ScanPayError(shape.code as ErrorCode, shape.message, details);
}

/**
 * The base of each kind's class: `kind` fixed to one literal, so `instanceof` and `kind` agree and a
 * switch on `kind` narrows. Each kind below is then a named class of one line.
 */
function kindedError<const K extends Exclude<ErrorKind, 'internal'>>(kind: K) {
  return class extends ScanPayError {
    override readonly kind: K = kind;
  };
}

/** Bad input from a caller (amount, field, body). Nothing was written. */
export class ValidationError extends kindedError('validation') {}
/** A scanned string that is not a usable payment code. */
export class RecognitionError extends kindedError('recognition') {}
/** The request conflicts with current state (an attempt is still unresolved, a refund exceeds the paid amount). */
export class ConflictError extends kindedError('conflict') {}
export class NotFoundError extends kindedError('not_found') {}
/** A provider answered something definite that we must surface (or could not be reached). */
export class GatewayError extends kindedError('gateway') {}
/** Malformed or incomplete configuration: says which key and what is wrong. */
export class ConfigError extends kindedError('config') {}
export class AuthError extends kindedError('auth') {}
/** The caller is known but may not do this (a plain loopback call asking for a refund, a key without the permission). */
export class ForbiddenError extends kindedError('forbidden') {}
/** Too many tries (wrong supervisor PINs): `details.retry_after_ms` says when the next one is checked. */
export class TooManyTriesError extends kindedError('too_many') {}
/** The service is shutting down, recovering, or a provider is unreachable. */
export class UnavailableError extends kindedError('unavailable') {}

/** HTTP status for an error kind (local API). */
export function httpStatusFor(error: unknown): number {
  if (!(error instanceof ScanPayError)) return 500;
  switch (error.kind) {
    case 'validation':
    case 'recognition':
    case 'config':
      return 400;
    case 'auth':
      return 401;
    case 'forbidden':
      return 403;
    case 'too_many':
      return 429;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'gateway':
      return 502;
    case 'unavailable':
      return 503;
    case 'internal':
      return 500;
  }
}

/** Any thrown value → the `{code, message}` the API and IPC return. Unknown errors do not leak their text. */
export function toErrorShape(error: unknown): ErrorShape {
  if (error instanceof ScanPayError) return error.toJSON();
  return { code: 'internal_error', message: 'internal error' };
}

export function assertNever(value: never, what = 'value'): never {
  throw new ScanPayError('internal_error', `unexpected ${what}: ${JSON.stringify(value)}`);
}
