/**
 * The customer-facing window with a fake screen and fake windows: opened full screen on the second
 * monitor only, moved or closed as monitors change, never focusable, and a read-only IPC sender.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { type CallResult, IPC_INVOKE_CHANNEL } from '../../core/common/contract/api-contract.ts';
import { AccessPolicy } from '../../core/service/api/access-policy.ts';
import { createOperationInvoker } from '../../core/service/api/operation-invoker.ts';
import { PinAttempts } from '../../core/service/api/pin-attempts.ts';
import {
  CUSTOMER_OPERATIONS,
  type CustomerWindowLike,
  type DisplayLike,
  pickCustomerDisplay,
  startCustomerScreen,
} from '../../electron/customer-window.ts';
import { registerIpcHandler } from '../../electron/ipc-handler.ts';
import { fakeApi } from './fakes/fake-api.ts';
import { FakeIpcMain, RENDERER_URL, senderEvent, WINDOW_ID } from './fakes/fake-ipc.ts';

const primary: DisplayLike = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
const pole: DisplayLike = { id: 2, bounds: { x: 1920, y: 0, width: 800, height: 480 } };
const other: DisplayLike = { id: 3, bounds: { x: 1920, y: 0, width: 1024, height: 600 } };

class FakeScreen {
  displays: DisplayLike[] = [primary];
  private readonly listeners = new Map<string, (() => void)[]>();
  getAllDisplays() {
    return this.displays;
  }
  getPrimaryDisplay() {
    return primary;
  }
  on(event: string, listener: () => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }
  change(displays: DisplayLike[], event: 'display-added' | 'display-removed') {
    this.displays = displays;
    for (const l of this.listeners.get(event) ?? []) l();
  }
}

class FakeWindow implements CustomerWindowLike {
  static nextId = 100;
  readonly webContents = { id: FakeWindow.nextId++, isDestroyed: () => this.destroyed, send: () => {} };
  destroyed = false;
  shownInactive = false;
  loaded: string | null = null;
  private readyListener: (() => void) | null = null;
  readonly options: BrowserWindowConstructorOptions;
  constructor(options: BrowserWindowConstructorOptions) {
    this.options = options;
  }
  isDestroyed() {
    return this.destroyed;
  }
  async loadURL(url: string) {
    this.loaded = url;
    this.readyListener?.();
  }
  close() {
    this.destroyed = true;
  }
  once(_event: 'ready-to-show', listener: () => void) {
    this.readyListener = listener;
  }
  on() {}
  showInactive() {
    this.shownInactive = true;
  }
}

function setup() {
  const screen = new FakeScreen();
  const windows: FakeWindow[] = [];
  const guarded: FakeWindow[] = [];
  const customer = startCustomerScreen({
    screen,
    createWindow: (options) => {
      const w = new FakeWindow(options);
      windows.push(w);
      return w;
    },
    rendererUrl: RENDERER_URL,
    preloadPath: '/app/preload.cjs',
    guard: (w) => guarded.push(w as FakeWindow),
    log: () => {},
  });
  return { screen, windows, guarded, customer };
}

describe('customer window', () => {
  it('picks the first monitor that is not the primary', () => {
    expect(pickCustomerDisplay([primary], primary)).toBeNull();
    expect(pickCustomerDisplay([primary, pole, other], primary)).toBe(pole);
  });

  it('with one monitor there is no customer window', () => {
    const { windows, customer } = setup();
    expect(windows).toEqual([]);
    expect(customer.contents()).toBeNull();
    expect(customer.trusted()).toBeNull();
  });

  it('a second monitor gets the ?mode=customer page full screen, fenced, unfocusable, shown without focus', async () => {
    const { screen, windows, guarded, customer } = setup();
    screen.change([primary, pole], 'display-added');
    expect(windows).toHaveLength(1);
    const w = windows[0]!;
    await Promise.resolve();
    expect(w.loaded).toBe(`${RENDERER_URL}?mode=customer`);
    expect(w.options).toMatchObject({
      x: 1920,
      y: 0,
      width: 800,
      height: 480,
      fullscreen: true,
      focusable: false,
      frame: false,
    });
    expect(w.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      devTools: false,
      preload: '/app/preload.cjs',
    });
    expect(guarded).toEqual([w]);
    expect(w.shownInactive).toBe(true);
    expect(customer.trusted()).toEqual({ webContentsId: w.webContents.id, rendererUrl: RENDERER_URL });
  });

  it('closes when the monitor is unplugged, and reopens on the new one', () => {
    const { screen, windows, customer } = setup();
    screen.change([primary, pole], 'display-added');
    screen.change([primary], 'display-removed');
    expect(windows[0]!.destroyed).toBe(true);
    expect(customer.contents()).toBeNull();
    screen.change([primary, other], 'display-added');
    expect(windows).toHaveLength(2);
    expect(windows[1]!.options).toMatchObject({ width: 1024, height: 600 });
    customer.close();
    expect(windows[1]!.destroyed).toBe(true);
    screen.change([primary, pole], 'display-added');
    expect(windows).toHaveLength(2); // closed for good with the app
  });
});

describe('the customer window over IPC is read-only', () => {
  const CUSTOMER_ID = 42;
  function setupIpc() {
    const ipcMain = new FakeIpcMain();
    const api = fakeApi();
    registerIpcHandler({
      ipcMain,
      // The service's real invoker, so a refusal here is the shell's, not the policy's.
      invoke: createOperationInvoker({
        api,
        policy: new AccessPolicy({
          pin: { matches: () => true, isDefault: false },
          attempts: new PinAttempts(),
          clock: { now: () => 0 } as never,
        }),
        onInternalError: () => {},
      }),
      trusted: () => ({ webContentsId: WINDOW_ID, rendererUrl: RENDERER_URL }),
      readOnly: {
        trusted: () => ({ webContentsId: CUSTOMER_ID, rendererUrl: RENDERER_URL }),
        operations: CUSTOMER_OPERATIONS,
      },
    });
    const call = (name: string, request: unknown, id: number) =>
      ipcMain.invoke(IPC_INVOKE_CHANNEL, senderEvent({ id }), name, request) as Promise<CallResult<unknown>>;
    return { api, call };
  }

  it('may read the till', async () => {
    const { api, call } = setupIpc();
    expect((await call('getSale', {}, CUSTOMER_ID)).ok).toBe(true);
    expect(api.getSale).toHaveBeenCalledTimes(1);
  });

  it.each(['createPayment', 'refund', 'openDrawer', 'submitScan', 'updateSettings'])(
    'may not call %s',
    async (name) => {
      const { api, call } = setupIpc();
      const result = await call(name, {}, CUSTOMER_ID);
      expect(result).toMatchObject({ ok: false, error: { code: 'auth_untrusted_sender' } });
      for (const fn of Object.values(api)) expect(fn).not.toHaveBeenCalled();
    },
  );

  it('the till window keeps every operation', async () => {
    const { api, call } = setupIpc();
    await call('submitScan', { code: '134567890123456789' }, WINDOW_ID);
    expect(api.submitScan).toHaveBeenCalledTimes(1);
  });
});
