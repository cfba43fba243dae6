/**
 * Where key events enter the keyboard-wedge scanner source. The Electron main process pushes each
 * `before-input-event` key and calls `event.preventDefault()` when the verdict says capture; in
 * headless mode the browser UI runs its own WedgeDetector and pushes finished codes with `pushCode`.
 * With no source attached, keys pass through untouched. Keys the detector held back and then found
 * to be typing come back through `onRelease`, for the host to replay into the page.
 */
import type { Disposer, WedgeKey, WedgeVerdict } from './wedge-detector.ts';

export interface WedgeSink {
  key(event: WedgeKey): WedgeVerdict;
  code(code: string, at: number): void;
}

const PASS: WedgeVerdict = { capture: false };

export class WedgeFeed {
  #sink: WedgeSink | undefined;
  readonly #releaseListeners = new Set<(keys: readonly WedgeKey[]) => void>();

  pushKey(event: WedgeKey): WedgeVerdict {
    return this.#sink ? this.#sink.key(event) : PASS;
  }

  pushCode(code: string, at: number): void {
    this.#sink?.code(code, at);
  }

  /** The attached source hands back held keys that were typing, not a scan. */
  release(keys: readonly WedgeKey[]): void {
    for (const listener of [...this.#releaseListeners]) listener(keys);
  }

  /** The host (Electron main) replays released keys into the page. */
  onRelease(listener: (keys: readonly WedgeKey[]) => void): Disposer {
    const entry = (keys: readonly WedgeKey[]) => listener(keys);
    this.#releaseListeners.add(entry);
    return () => {
      this.#releaseListeners.delete(entry);
    };
  }

  /** One wedge source per feed: attaching replaces the previous sink. */
  attach(sink: WedgeSink): Disposer {
    this.#sink = sink;
    return () => {
      if (this.#sink === sink) this.#sink = undefined;
    };
  }
}
