/** The contract's bridge plus the one thing the UI needs beyond it: whether the event link is up. */
import type { Disposer, ScanPayBridge } from '../../../core/common/contract/api-contract.ts';

export type LinkState = 'connecting' | 'open' | 'lost';

export interface RendererBridge extends ScanPayBridge {
  /** Called with the event link's state now and on every change; 'open' after 'lost' means events may have been missed. */
  onLinkChange(listener: (state: LinkState) => void): Disposer;
}
