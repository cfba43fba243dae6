/** ipcMain / ipcRenderer stand-ins: record handlers and listeners, let a test play the other side. */
import type { IpcMainLike } from '../../../electron/ipc-handler.ts';
import type { IpcSenderLike } from '../../../electron/sender-policy.ts';

type Handler = (event: IpcSenderLike, ...args: unknown[]) => Promise<unknown>;

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: IpcSenderLike, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`no handler for ${channel}`);
    return handler(event, ...args);
  }
}

export const RENDERER_URL = 'file:///opt/ScanPay%20Kiosk/resources/app.asar/dist/renderer/index.html';
export const WINDOW_ID = 7;

export function senderEvent(
  overrides: { id?: number; url?: string; subFrame?: boolean; noFrame?: boolean } = {},
): IpcSenderLike {
  const top = { url: overrides.url ?? RENDERER_URL, parent: null };
  const frame = overrides.subFrame ? { url: overrides.url ?? RENDERER_URL, parent: top } : top;
  return { sender: { id: overrides.id ?? WINDOW_ID }, senderFrame: overrides.noFrame ? null : frame };
}
