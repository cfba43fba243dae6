/**
 * The one way an operation is run, for the HTTP API and Electron IPC alike: the name must be an
 * operation, the request must pass the contract's schema (before anything is journaled), the caller
 * must be allowed by the access policy, and only then does the service run it. Errors come back as
 * data (`CallResult`) with a stable code and the HTTP status their kind maps to; an error that is not
 * a typed ScanPayError is reported to `onInternalError` (for the log) and answered as `internal_error`.
 */
import type { CallResult, OperationName, ScanPayApi } from '../../common/contract/api-contract.ts';
import { isOperationName, OPERATION_SCHEMAS } from '../../common/contract/operation-schemas.ts';
import {
  type ErrorShape,
  httpStatusFor,
  NotFoundError,
  ScanPayError,
  toErrorShape,
  ValidationError,
} from '../../common/errors.ts';
import type { AccessPolicy, Caller } from './access-policy.ts';

/** A CallResult whose failure also says which HTTP status it maps to (IPC drops it). */
export type Invocation =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: ErrorShape; readonly status: number };

export type OperationInvoker = (caller: Caller, name: unknown, request: unknown) => Promise<Invocation>;

export interface OperationInvokerDeps {
  readonly api: ScanPayApi;
  readonly policy: AccessPolicy;
  /** An untyped error: a bug or an environment failure. Logged by the caller, never sent out. */
  readonly onInternalError: (operation: string, error: unknown) => void;
}

const MAX_ISSUES = 10;

export function createOperationInvoker(deps: OperationInvokerDeps): OperationInvoker {
  return async (caller, name, request) => {
    if (!isOperationName(name)) {
      const shown = typeof name === 'string' ? name.slice(0, 64) : typeof name;
      return failure(404, new NotFoundError('operation_unknown', `no operation ${shown}`).toJSON());
    }
    const parsed = OPERATION_SCHEMAS[name].safeParse(request ?? {});
    if (!parsed.success) {
      // Paths and messages only: zod's messages name fields and limits, not the submitted values.
      const issues = parsed.error.issues
        .slice(0, MAX_ISSUES)
        .map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
      const message = `invalid request for ${name}: ${issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; ')}`;
      return failure(
        400,
        new ValidationError('validation_failed', message, { operation: name, issues }).toJSON(),
      );
    }
    try {
      deps.policy.authorize(caller, name, parsed.data as never);
      const operation = deps.api[name as OperationName] as (request: unknown) => Promise<unknown>;
      return { ok: true, value: await operation.call(deps.api, parsed.data) };
    } catch (error) {
      if (!(error instanceof ScanPayError)) deps.onInternalError(name, error);
      return failure(httpStatusFor(error), toErrorShape(error));
    }
  };
}

function failure(status: number, error: ErrorShape): Invocation {
  return { ok: false, error, status };
}

/** The IPC form: the same result without the HTTP status. */
export function toCallResult(invocation: Invocation): CallResult<unknown> {
  return invocation.ok ? invocation : { ok: false, error: invocation.error };
}
