/**
 * Where key events enter the keyboard-wedge scanner source. The Electron main process pushes each
 * `before-input-event` key and calls `event.preventDefault()` when the verdict says capture; in
 * headless mode the browser UI runs its own WedgeDetector and pushes finished codes with `pushCode`.
 * With no source attached, keys pass through untouched.
 */
import type { Disposer, WedgeKey, WedgeVerdict } from './wedge-detector.ts';

export interface WedgeSink {
  key(event: WedgeKey): WedgeVerdict;
  code(code: string, at: number): void;
}

const PASS: WedgeVerdict = { capture: false };

export class WedgeFeed {
  #sink: WedgeSink | undefined;

  pushKey(event: WedgeKey): WedgeVerdict {
    return this.#sink ? this.#sink.key(event) : PASS;
  }

  pushCode(code: string, at: number): void {
    this.#sink?.code(code, at);
  }

  /** One wedge source per feed: attaching replaces the previous sink. */
  attach(sink: WedgeSink): Disposer {
    this.#sink = sink;
    return () => {
      if (this.#sink === sink) this.#sink = undefined;
    };
  }
}
