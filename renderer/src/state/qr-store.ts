/** IoT QR display: the service owns the state (qrState on load, `qr` events after), so a reload resumes it. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { QrStartRequest } from '../../../core/common/contract/api-schemas.ts';
import type { QrDisplayView } from '../../../core/common/contract/views.ts';
import type { ErrorShape } from '../../../core/common/errors.ts';
import type { RendererBridge } from '../bridge/renderer-bridge.ts';
import { toProblem } from './call-error.ts';

export interface QrState {
  readonly qr: QrDisplayView | null;
  readonly busy: boolean;
  readonly error: ErrorShape | null;
}

export interface QrActions {
  load(): Promise<void>;
  start(request?: QrStartRequest): Promise<void>;
  cancel(): Promise<void>;
  applyQr(qr: QrDisplayView): void;
}

export type QrStore = StoreApi<QrState & QrActions>;

export function createQrStore(bridge: RendererBridge): QrStore {
  return createStore<QrState & QrActions>()((set, get) => {
    const run = async (action: () => Promise<QrDisplayView>) => {
      if (get().busy) return;
      set({ busy: true, error: null });
      try {
        get().applyQr(await action());
      } catch (error) {
        set({ error: toProblem(error) });
      } finally {
        set({ busy: false });
      }
    };
    return {
      qr: null,
      busy: false,
      error: null,
      load: () => run(() => bridge.call('qrState', {})),
      start: (request = {}) => run(() => bridge.call('qrStart', request)),
      cancel: () => run(() => bridge.call('qrCancel', {})),
      applyQr(qr) {
        set({ qr });
      },
    };
  });
}
