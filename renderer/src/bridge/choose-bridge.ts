/**
 * window.scanpay (Electron preload) present → IPC bridge; otherwise the page talks HTTP to the service
 * that served it, with the console session the page carries (meta `scanpay-session`) and, on a LAN
 * browser, the access token from the link's fragment (`#token=…`: a fragment is never sent to the
 * server, so the token stays out of request lines and proxy logs). The token is then kept in
 * sessionStorage (this tab only) and removed from the address bar.
 */
import { PRELOAD_GLOBAL, type PreloadApi } from '../../../core/common/contract/api-contract.ts';
import { createElectronBridge } from './electron-bridge.ts';
import { createHttpBridge } from './http-bridge.ts';
import type { RendererBridge } from './renderer-bridge.ts';

const TOKEN_KEY = 'scanpay.token';

function takeToken(win: Window & typeof globalThis): string | null {
  const url = new URL(win.location.href);
  const fromFragment = new URLSearchParams(url.hash.slice(1)).get('token');
  if (fromFragment) {
    try {
      win.sessionStorage.setItem(TOKEN_KEY, fromFragment);
    } catch {
      // storage disabled: the token lives for this page only
    }
    const rest = new URLSearchParams(url.hash.slice(1));
    rest.delete('token');
    url.hash = rest.toString();
    win.history.replaceState(win.history.state, '', url.toString());
    return fromFragment;
  }
  try {
    return win.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function chooseBridge(win: Window & typeof globalThis): RendererBridge {
  const preload = (win as unknown as Record<string, PreloadApi | undefined>)[PRELOAD_GLOBAL];
  if (preload && typeof preload.invoke === 'function') return createElectronBridge(preload);
  const session = win.document.querySelector('meta[name="scanpay-session"]')?.getAttribute('content') ?? null;
  return createHttpBridge({ baseUrl: new URL(win.location.href).origin, token: takeToken(win), session });
}
