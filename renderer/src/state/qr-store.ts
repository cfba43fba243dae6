/** IoT QR display: the service owns the state (qrState on load, `qr` events after), so a reload resumes it. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { QrStartRequest } from '../../../core/common/contract/api-schemas.ts';
import type { QrDisplayView } from '../../../core/common/contract/views.ts';
import type { ErrorShape } from '../../../core/common/errors.ts';
import type { RendererBridge } from '../bridge/renderer-bridge.ts';
import { busyAction } from './busy-action.ts';

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
    const busy = busyAction(get, set);
    /** Every QR action answers with the service's QrDisplayView, which the screen then shows. */
    const run = (action: () => Promise<QrDisplayView>) => busy(async () => get().applyQr(await action()));
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
