/** core/common/errors.ts: a stable code per error, the HTTP status per kind, and nothing leaked from unknown errors. */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode } from '../../core/common/error-codes.ts';
import {
  AuthError,
  assertNever,
  ConfigError,
  ConflictError,
  GatewayError,
  httpStatusFor,
  NotFoundError,
  RecognitionError,
  receivedError,
  ScanPayError,
  toErrorShape,
  UnavailableError,
  ValidationError,
} from '../../core/common/errors.ts';

describe('typed errors', () => {
  it.each([
    [ValidationError, 'validation', 400],
    [RecognitionError, 'recognition', 400],
    [ConfigError, 'config', 400],
    [AuthError, 'auth', 401],
    [NotFoundError, 'not_found', 404],
    [ConflictError, 'conflict', 409],
    [GatewayError, 'gateway', 502],
    [UnavailableError, 'unavailable', 503],
    [ScanPayError, 'internal', 500],
  ] as const)('%o is kind %s, HTTP %i', (Kind, kind, status) => {
    const error = new Kind('amount_invalid', 'what happened');
    expect(error).toBeInstanceOf(ScanPayError);
    expect(error).toBeInstanceOf(Error);
    expect(error.kind).toBe(kind);
    expect(error.name).toBe(Kind.name);
    expect(error.code).toBe('amount_invalid');
    expect(httpStatusFor(error)).toBe(status);
  });

  it('takes only a code from the union (the type check fails on any other)', () => {
    // @ts-expect-error: 'no_such_code' is not an ErrorCode, so `npm run typecheck` fails if this compiles
    const error = new ValidationError('no_such_code', 'what happened');
    expect(isErrorCode(error.code)).toBe(false);
    expect(isErrorCode('amount_invalid')).toBe(true);
    expect(ERROR_CODES).toContain('amount_invalid');
  });

  it('keeps a received code from another release as it came, for the UI to show its message', () => {
    const error = receivedError({
      code: 'added_later',
      message: 'a newer service said so',
      details: { a: 1 },
    });
    expect(error).toBeInstanceOf(ScanPayError);
    expect(error.toJSON()).toEqual({
      code: 'added_later',
      message: 'a newer service said so',
      details: { a: 1 },
    });
  });

  it('anything that is not a ScanPayError is HTTP 500', () => {
    expect(httpStatusFor(new Error('boom'))).toBe(500);
    expect(httpStatusFor('boom')).toBe(500);
    expect(httpStatusFor(undefined)).toBe(500);
  });

  it('serialises to {code, message} and adds details only when there are some', () => {
    expect(JSON.parse(JSON.stringify(new ConflictError('order_closed', 'closed')))).toEqual({
      code: 'order_closed',
      message: 'closed',
    });
    expect(toErrorShape(new ValidationError('amount_invalid', 'bad', { field: 'total_fee' }))).toEqual({
      code: 'amount_invalid',
      message: 'bad',
      details: { field: 'total_fee' },
    });
  });

  it('keeps the cause for logs without putting it in the shape', () => {
    const cause = new Error('ECONNRESET');
    const error = new GatewayError('provider_unreachable', 'unreachable', undefined, { cause });
    expect(error.cause).toBe(cause);
    expect(JSON.stringify(toErrorShape(error))).not.toContain('ECONNRESET');
  });

  it('an unknown error becomes internal_error without its text (it may hold a secret or a path)', () => {
    const shape = toErrorShape(new Error('open /etc/scanpay/wx.key: key=192006250b4c'));
    expect(shape).toEqual({ code: 'internal_error', message: 'internal error' });
    expect(toErrorShape({ code: 'forged', message: 'not ours' })).toEqual({
      code: 'internal_error',
      message: 'internal error',
    });
  });

  it('assertNever throws an internal error naming the value', () => {
    expect(() => assertNever('odd' as never, 'phase')).toThrow('unexpected phase: "odd"');
  });
});
