/**
 * Electron mode: the preload exposes `window.scanpay` (PreloadApi). Results cross IPC as CallResult
 * data, so a typed error keeps its code; here it becomes a ScanPayError again.
 */
import type {
  OperationName,
  OperationRequest,
  OperationResult,
  PreloadApi,
  ServiceEvent,
} from '../../../core/common/contract/api-contract.ts';
import { receivedError } from '../../../core/common/errors.ts';
import type { RendererBridge } from './renderer-bridge.ts';

export function createElectronBridge(preload: PreloadApi): RendererBridge {
  return {
    capturesWedgeInMain: true,
    async call<K extends OperationName>(name: K, request: OperationRequest<K>): Promise<OperationResult<K>> {
      const result = await preload.invoke(name, request);
      if (result.ok) return result.value as OperationResult<K>;
      throw receivedError(result.error);
    },
    subscribe(listener: (event: ServiceEvent) => void) {
      return preload.onEvent(listener);
    },
    // IPC is in-process: the link is up as long as the window lives.
    onLinkChange(listener) {
      listener('open');
      return () => {};
    },
  };
}
