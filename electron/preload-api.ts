/**
 * The object the preload exposes as `window.scanpay`: the typed contract and nothing else. The page
 * never gets ipcRenderer, an IPC event object (which carries `sender`) or a free channel name.
 */
import {
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  type PreloadApi,
  type ServiceEvent,
} from '../core/common/contract/api-contract.ts';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createPreloadApi(ipcRenderer: IpcRendererLike): PreloadApi {
  return {
    invoke: (name, request) =>
      ipcRenderer.invoke(IPC_INVOKE_CHANNEL, name, request) as ReturnType<PreloadApi['invoke']>,
    onEvent: (listener) => {
      const relay = (_event: unknown, payload: unknown): void => listener(payload as ServiceEvent);
      ipcRenderer.on(IPC_EVENT_CHANNEL, relay);
      return () => {
        ipcRenderer.removeListener(IPC_EVENT_CHANNEL, relay);
      };
    },
  };
}
