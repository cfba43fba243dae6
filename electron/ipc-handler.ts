/**
 * The main-process end of the one IPC channel: checks the sender, validates the operation name and
 * its payload with the contract's zod schemas, calls the service and returns a `CallResult` (errors
 * are data, because Electron passes only a thrown error's message to the renderer).
 * Takes an ipcMain-like object so it is tested in Node without Electron.
 */
import {
  type CallResult,
  IPC_INVOKE_CHANNEL,
  isOperationName,
  type OperationName,
  type ScanPayApi,
} from '../core/common/contract/api-contract.ts';
import { OPERATION_SCHEMAS } from '../core/common/contract/operation-schemas.ts';
import { toErrorShape } from '../core/common/errors.ts';
import { type IpcSenderLike, isTrustedSender, type TrustedRenderer } from './sender-policy.ts';

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface IpcHandlerOptions {
  readonly ipcMain: IpcMainLike;
  readonly api: ScanPayApi;
  /** Read on every call: the window (and its webContents id) can be recreated. */
  readonly trusted: () => TrustedRenderer | null;
  /** Told about refused senders; never given the payload (it may hold a PIN or a payment code). */
  readonly onRefused?: (reason: string) => void;
  /** A second, read-only sender (the customer screen) and the only operations it may call. */
  readonly readOnly?: {
    readonly trusted: () => TrustedRenderer | null;
    readonly operations: readonly OperationName[];
  };
}

const MAX_ISSUES = 10;

/** Validate and run one call. Exported so the headless bridge and tests can share the exact rules. */
export async function invokeOperation(
  api: ScanPayApi,
  name: unknown,
  request: unknown,
): Promise<CallResult<unknown>> {
  if (!isOperationName(name)) {
    return {
      ok: false,
      error: {
        code: 'validation_unknown_operation',
        message: `unknown operation: ${typeof name === 'string' ? name.slice(0, 64) : typeof name}`,
      },
    };
  }
  const parsed = OPERATION_SCHEMAS[name].safeParse(request ?? {});
  if (!parsed.success) {
    // Paths and messages only: zod's messages name fields and limits, not the submitted values.
    const issues = parsed.error.issues
      .slice(0, MAX_ISSUES)
      .map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
    return {
      ok: false,
      error: {
        code: 'validation_bad_request',
        message: `invalid request for ${name}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
        details: { operation: name, issues },
      },
    };
  }
  try {
    // The schema table is keyed by the same names as ScanPayApi; the parsed value has that operation's shape.
    const method = api[name] as (request: unknown) => Promise<unknown>;
    const value = await method.call(api, parsed.data);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: toErrorShape(error) };
  }
}

/** Registers the invoke handler; returns the disposer that removes it. */
export function registerIpcHandler(options: IpcHandlerOptions): () => void {
  const { ipcMain, api, trusted, onRefused, readOnly } = options;
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, name, request) => {
    const viewer =
      readOnly !== undefined &&
      isTrustedSender(event, readOnly.trusted()) &&
      readOnly.operations.includes(name as OperationName);
    if (!viewer && !isTrustedSender(event, trusted())) {
      onRefused?.(`IPC from an untrusted sender (webContents ${event.sender.id}) refused`);
      return {
        ok: false,
        error: { code: 'auth_untrusted_sender', message: 'this page may not call the payment service' },
      } satisfies CallResult<never>;
    }
    return invokeOperation(api, name, request);
  });
  return () => ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
}
