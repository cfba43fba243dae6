import { describe, expect, it, vi } from 'vitest';
import {
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  type ServiceEvent,
} from '../../core/common/contract/api-contract.ts';
import { createPreloadApi, type IpcRendererLike } from '../../electron/preload-api.ts';

function fakeIpcRenderer() {
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const ipc = {
    invoke: vi.fn(async () => ({ ok: true, value: 'pong' })),
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    },
    removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void) {
      listeners.get(channel)?.delete(listener);
    },
  } satisfies IpcRendererLike;
  const emit = (channel: string, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l({ sender: 'ipc-event-object' }, payload);
  };
  return { ipc, emit, count: (channel: string) => listeners.get(channel)?.size ?? 0 };
}

describe('preload API (window.scanpay)', () => {
  it('exposes exactly invoke and onEvent', () => {
    const api = createPreloadApi(fakeIpcRenderer().ipc);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'onEvent']);
  });

  it('invokes on the contract channel with the operation name and request', async () => {
    const { ipc } = fakeIpcRenderer();
    const result = await createPreloadApi(ipc).invoke('health', {});
    expect(ipc.invoke).toHaveBeenCalledWith(IPC_INVOKE_CHANNEL, 'health', {});
    expect(result).toEqual({ ok: true, value: 'pong' });
  });

  it('relays only the service event to listeners (never the IPC event object) and unsubscribes', () => {
    const { ipc, emit, count } = fakeIpcRenderer();
    const seen: unknown[][] = [];
    const dispose = createPreloadApi(ipc).onEvent((...args) => seen.push(args));
    const event: ServiceEvent = { kind: 'shift', shift: null };
    emit(IPC_EVENT_CHANNEL, event);
    expect(seen).toEqual([[event]]);
    dispose();
    expect(count(IPC_EVENT_CHANNEL)).toBe(0);
    emit(IPC_EVENT_CHANNEL, event);
    expect(seen).toHaveLength(1);
  });
});
