/**
 * The main-process end of the one IPC channel: checks the sender, then hands the call to the
 * service's one operation invoker (core/service/api/operation-invoker.ts) as the console, the cashier
 * UI on this terminal; validation, the access policy and errors-as-data are the invoker's, so IPC and
 * HTTP cannot drift. Returns a `CallResult` (Electron passes only a thrown error's message across).
 * Takes an ipcMain-like object so it is tested in Node without Electron.
 */
import {
  type CallResult,
  IPC_INVOKE_CHANNEL,
  type OperationName,
} from '../core/common/contract/api-contract.ts';
import { CONSOLE_CALLER } from '../core/service/api/access-policy.ts';
import { type OperationInvoker, toCallResult } from '../core/service/api/operation-invoker.ts';
import { type IpcSenderLike, isTrustedSender, type TrustedRenderer } from './sender-policy.ts';

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface IpcHandlerOptions {
  readonly ipcMain: IpcMainLike;
  /** The kiosk service's invoker (`service.invoke`). */
  readonly invoke: OperationInvoker;
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

/** Registers the invoke handler; returns the disposer that removes it. */
export function registerIpcHandler(options: IpcHandlerOptions): () => void {
  const { ipcMain, invoke, trusted, onRefused, readOnly } = options;
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
    return toCallResult(await invoke(CONSOLE_CALLER, name, request));
  });
  return () => ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
}
