/** Any rejection from a bridge call → the `{code, message}` the stores keep for the UI's catalog lookup. */
import type { ErrorShape } from '../../../core/common/errors.ts';

export function toProblem(error: unknown): ErrorShape {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    const message = 'message' in error && typeof error.message === 'string' ? error.message : '';
    return { code: error.code, message };
  }
  return { code: 'internal_error', message: 'unexpected error' };
}
