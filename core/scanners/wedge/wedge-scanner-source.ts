/**
 * The keyboard-wedge scanner as a ScannerSource: a WedgeDetector fed by a WedgeFeed. It cannot
 * know whether a keyboard scanner is plugged in, so "connected" means "listening to key events".
 */
import { WedgeDetector } from '../../common/wedge/wedge-detector.ts';
import type { WedgeFeed } from '../../common/wedge/wedge-feed.ts';
import type { Clock } from '../../ports/clock.ts';
import { systemClock } from '../../ports/clock.ts';
import type { Disposer } from '../../ports/scanner-source.ts';
import type { WedgeScannerConfig } from '../scanner-config.ts';
import { EmittingScannerSource } from '../shared/emitting-source.ts';

export class WedgeScannerSource extends EmittingScannerSource {
  override readonly transport = 'wedge' as const;
  readonly #config: WedgeScannerConfig;
  readonly #feed: WedgeFeed | undefined;
  readonly #clock: Clock;
  #detach: Disposer | undefined;

  constructor(
    id: string,
    config: WedgeScannerConfig,
    deps: { readonly feed?: WedgeFeed; readonly clock?: Clock } = {},
  ) {
    super(id, 'wedge');
    this.#config = config;
    this.#feed = deps.feed;
    this.#clock = deps.clock ?? systemClock;
  }

  async start(): Promise<void> {
    if (this.#detach) return;
    if (!this.#feed) {
      this.events.setStatus(
        {
          state: 'unavailable',
          code: 'wedge_no_feed',
          reason: 'no key events: a keyboard-wedge scanner is read by the Electron window or the browser UI',
        },
        this.#clock.now(),
      );
      return;
    }
    const { maxKeyGapMs, endTimeoutMs, minLength, requireSuffix } = this.#config;
    const detector = new WedgeDetector({ maxKeyGapMs, endTimeoutMs, minLength, requireSuffix });
    const stopScans = detector.onScan((code, at) => this.events.scan(code, at));
    const stopRejects = detector.onReject((code, reason, at) => this.events.reject(reason, at, code));
    const feed = this.#feed;
    const stopReleases = detector.onRelease((keys) => feed.release(keys));
    const detachFeed = this.#feed.attach({
      key: (event) => detector.feed(event),
      code: (code, at) => this.events.scan(code, at),
    });
    this.#detach = () => {
      detachFeed();
      stopScans();
      detector.reset(); // held keys go back to the page before we stop listening
      stopReleases();
      stopRejects();
    };
    this.events.setStatus({ state: 'connected', detail: 'listening to key events' }, this.#clock.now());
  }

  async stop(): Promise<void> {
    this.#detach?.();
    this.#detach = undefined;
    this.events.setStatus({ state: 'disconnected', reason: 'stopped' }, this.#clock.now());
  }
}
