/**
 * The customer-facing window: the renderer's `?mode=customer` page, full screen on the second
 * monitor when there is one, opened and closed as monitors come and go. It is a read-only viewer:
 * it never takes focus (so the keyboard wedge and the cashier's typing stay in the till window),
 * has no DevTools, and may call only the read operations it needs (CUSTOMER_OPERATIONS, enforced by
 * ipc-handler.ts). Electron-free (types only), so tests drive it with fakes.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import type { OperationName } from '../core/common/contract/api-contract.ts';
import type { EventTargetLike } from './event-forwarder.ts';
import type { TrustedRenderer } from './sender-policy.ts';
import { isolatedWebPreferences } from './window-policy.ts';

/** What the customer screen loads (the till's view, the shop name, the peripherals) and nothing else. */
export const CUSTOMER_OPERATIONS: readonly OperationName[] = [
  'getSale',
  'getSettings',
  'health',
  'currentShift',
  'listUnresolved',
  'getPeripherals',
];

export interface DisplayLike {
  readonly id: number;
  readonly bounds: {
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
  };
}

export interface ScreenLike {
  getAllDisplays(): DisplayLike[];
  getPrimaryDisplay(): DisplayLike;
  on(event: 'display-added' | 'display-removed' | 'display-metrics-changed', listener: () => void): unknown;
}

export interface CustomerWindowLike {
  readonly webContents: EventTargetLike & { readonly id: number };
  isDestroyed(): boolean;
  loadURL(url: string): Promise<void>;
  close(): void;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  showInactive(): void;
}

/** The first monitor that is not the primary one (where the till's window is), or null. */
export function pickCustomerDisplay(
  displays: readonly DisplayLike[],
  primary: DisplayLike,
): DisplayLike | null {
  return displays.find((d) => d.id !== primary.id) ?? null;
}

export function customerWindowOptions(
  display: DisplayLike,
  preloadPath: string,
): BrowserWindowConstructorOptions {
  const { x, y, width, height } = display.bounds;
  return {
    show: false,
    x,
    y,
    width,
    height,
    fullscreen: true,
    frame: false,
    focusable: false,
    minimizable: false,
    skipTaskbar: true,
    autoHideMenuBar: true,
    backgroundColor: '#0f172a',
    title: 'ScanPay Kiosk — customer',
    webPreferences: isolatedWebPreferences(preloadPath, false),
  };
}

export interface CustomerScreen {
  /** Where service events go (null while no customer window is open). */
  contents(): EventTargetLike | null;
  /** The customer window as a (read-only) IPC sender, or null. */
  trusted(): TrustedRenderer | null;
  close(): void;
}

export function startCustomerScreen(deps: {
  readonly screen: ScreenLike;
  readonly createWindow: (options: BrowserWindowConstructorOptions) => CustomerWindowLike;
  readonly rendererUrl: string;
  readonly preloadPath: string;
  /** Fences navigation like the till's window (window-policy.ts guardNavigation). */
  readonly guard: (window: CustomerWindowLike) => void;
  readonly log: (line: string) => void;
}): CustomerScreen {
  let window: CustomerWindowLike | null = null;
  let shownOn: number | null = null;
  let closing = false;
  const live = () => (window !== null && !window.isDestroyed() ? window : null);
  const sync = () => {
    if (closing) return;
    const display = pickCustomerDisplay(deps.screen.getAllDisplays(), deps.screen.getPrimaryDisplay());
    if (display?.id === shownOn && live()) return;
    live()?.close();
    window = null;
    shownOn = null;
    if (!display) return;
    const created = deps.createWindow(customerWindowOptions(display, deps.preloadPath));
    window = created;
    shownOn = display.id;
    deps.guard(created);
    created.once('ready-to-show', () => created.showInactive());
    created.on('closed', () => {
      if (window === created) {
        window = null;
        shownOn = null;
      }
    });
    deps.log(`customer screen on display ${display.id}`);
    void created.loadURL(`${deps.rendererUrl}?mode=customer`).catch((error: Error) => {
      deps.log(`customer screen did not load: ${error.message}`);
    });
  };
  deps.screen.on('display-added', sync);
  deps.screen.on('display-removed', sync);
  deps.screen.on('display-metrics-changed', sync);
  sync();
  return {
    contents: () => live()?.webContents ?? null,
    trusted: () => {
      const current = live();
      return current ? { webContentsId: current.webContents.id, rendererUrl: deps.rendererUrl } : null;
    },
    close() {
      closing = true;
      live()?.close();
      window = null;
    },
  };
}
