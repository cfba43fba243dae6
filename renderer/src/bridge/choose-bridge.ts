/** window.scanpay (Electron preload) present → IPC bridge; otherwise the page talks HTTP to the service that served it. */
import { PRELOAD_GLOBAL, type PreloadApi } from '../../../core/common/contract/api-contract.ts';
import { createElectronBridge } from './electron-bridge.ts';
import { createHttpBridge } from './http-bridge.ts';
import type { RendererBridge } from './renderer-bridge.ts';

export function chooseBridge(win: Window & typeof globalThis): RendererBridge {
  const preload = (win as unknown as Record<string, PreloadApi | undefined>)[PRELOAD_GLOBAL];
  if (preload && typeof preload.invoke === 'function') return createElectronBridge(preload);
  const url = new URL(win.location.href);
  return createHttpBridge({ baseUrl: url.origin, token: url.searchParams.get('token') });
}
