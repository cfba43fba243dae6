/**
 * Network awareness: which providers can be reached right now. Every gateway call reports through
 * a decorator (a network failure, timeout or 5xx means down; any answer the provider signed means
 * up), and while a provider is down a cheap probe (a query for an order that does not exist) runs on
 * a back-off. When a provider comes back, work that gave up waiting for it resumes.
 * While providers look up, a heartbeat probes any that no call has heard from within its interval,
 * so a cut line shows as down within seconds instead of at the next customer's payment.
 */
import type { ProblemView, ProviderHealthView, Reachability, Wallet } from '../common/contract/views.ts';
import { backoffMs, PROVIDER_PROBE_BACKOFF } from '../domain/timing.ts';
import type { Clock } from '../ports/clock.ts';
import type { PaymentGateway, Provider, UnknownReason } from '../ports/payment-gateway.ts';

/** The heartbeat's interval: how late, at most, an idle till notices a cut line (plus the probe's own timeout). */
export const PROVIDER_HEARTBEAT_MS = 5_000;

/**
 * When the start-up probe of every provider runs, after the service is up: not on the start path,
 * where it competes with the first requests for the one event loop (with the built-in sandbox its
 * replies are signed on that loop too: the first healthy answer came 14–28 ms later; issue 20,
 * docs/benchmarks.md). A second is less than the UI takes to load, and readiness never waited for it.
 */
export const FIRST_PROBE_AFTER_MS = 1_000;

/**
 * Providers the heartbeat leaves alone while they look up: PAYJS blacklists callers that check often
 * (docs/protocols.md §5), and a till checks through the same account, so PAYJS is probed only after a
 * real call failed (the down-probe's back-off).
 */
const NO_HEARTBEAT: ReadonlySet<string> = new Set(['payjs']);

const NETWORK_REASONS: ReadonlySet<UnknownReason> = new Set(['timeout', 'network', 'http_status']);

interface Entry {
  pid: string;
  gateway: PaymentGateway;
  reachability: Reachability;
  checkedAt: number | null;
  detail: string | null;
  /** Why the last judged reply said our clock is off (reason clock_skew), until one is trusted. */
  clockSkew: string | null;
}

export class ProviderHealth {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(view: ProviderHealthView, previous: Reachability) => void>();
  private readonly clock: Clock;
  private probeTimer: AbortController | null = null;
  private heartbeat: AbortController | null = null;
  private stopped = false;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  onChange(listener: (view: ProviderHealthView, previous: Reachability) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  views(): ProviderHealthView[] {
    return [...this.entries.values()].map(toView);
  }

  /** Wraps a merchant's gateway so every reply updates its provider's reachability. */
  track(pid: string, gateway: PaymentGateway): PaymentGateway {
    const key = `${pid}/${gateway.provider}`;
    const entry: Entry = {
      pid,
      gateway,
      reachability: 'unknown',
      checkedAt: null,
      detail: null,
      clockSkew: null,
    };
    this.entries.set(key, entry);
    const observe = <T extends { kind: string; reason?: UnknownReason; detail?: string }>(result: T): T => {
      this.noteClock(entry, result);
      if (result.kind === 'unknown' && result.reason && NETWORK_REASONS.has(result.reason)) {
        this.set(entry, 'down', result.detail ?? result.reason);
      } else {
        this.set(entry, 'up', null);
      }
      return result;
    };
    const wrapped: PaymentGateway = {
      provider: gateway.provider,
      wallets: gateway.wallets,
      qrWallet: gateway.qrWallet,
      micropay: (r) => gateway.micropay(r).then(observe),
      query: (r) => gateway.query(r).then(observe),
      reverse: (r) => gateway.reverse(r).then(observe),
      close: (r) => gateway.close(r).then(observe),
      refund: (r) => gateway.refund(r).then(observe),
      queryRefund: (r) => gateway.queryRefund(r).then(observe),
      precreate: (r) => gateway.precreate(r).then(observe),
    };
    return wrapped;
  }

  /** The status's clock warning: the first provider whose signed replies say our clock is off. */
  clockWarning(): ProblemView | null {
    for (const entry of this.entries.values()) {
      if (entry.clockSkew !== null)
        return { code: 'clock_skew', message: `${entry.pid}/${entry.gateway.provider}: ${entry.clockSkew}` };
    }
    return null;
  }

  /**
   * A provider notification's word on our clock (core/service/notify): a well-signed one too far from
   * our clock sets the warning like a skewed reply; one verified on time clears it.
   */
  noteNotifyClock(pid: string, provider: string, detail: string | null): void {
    const entry = this.entries.get(`${pid}/${provider}`);
    if (entry) entry.clockSkew = detail === null ? null : detail.slice(0, 160);
  }

  /** A clock_skew reply sets the warning; only a trusted reply (not unknown) clears it. */
  private noteClock(entry: Entry, result: { kind: string; reason?: UnknownReason; detail?: string }): void {
    if (result.kind !== 'unknown') entry.clockSkew = null;
    else if (result.reason === 'clock_skew') entry.clockSkew = (result.detail ?? 'clock skew').slice(0, 160);
  }

  isDown(pid: string, provider: Provider): boolean {
    return this.entries.get(`${pid}/${provider}`)?.reachability === 'down';
  }

  private set(entry: Entry, reachability: Reachability, detail: string | null): void {
    const previous = entry.reachability;
    entry.checkedAt = this.clock.now();
    entry.detail = detail ? detail.slice(0, 120) : null;
    if (previous === reachability) return;
    entry.reachability = reachability;
    for (const listener of this.listeners) listener(toView(entry), previous);
    if (reachability === 'down') this.ensureProbing();
  }

  /** Probes every provider once (at start-up) so the UI knows before the first sale. */
  async probeAll(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => this.probe(entry)));
  }

  private async probe(entry: Entry): Promise<void> {
    const result = await entry.gateway
      .query({ outTradeNo: `PROBE${this.clock.now().toString(36).toUpperCase()}` })
      .catch((error: unknown) => ({
        kind: 'unknown' as const,
        reason: 'network' as const,
        detail: String(error),
      }));
    this.noteClock(entry, result);
    if (result.kind === 'unknown' && NETWORK_REASONS.has(result.reason))
      this.set(entry, 'down', result.detail);
    else this.set(entry, 'up', null);
  }

  private ensureProbing(): void {
    if (this.probeTimer || this.stopped) return;
    const abort = new AbortController();
    this.probeTimer = abort;
    void (async () => {
      let round = 1;
      // Bounded per outage by the back-off cap; ends as soon as everything is up or the service stops.
      while (!abort.signal.aborted && [...this.entries.values()].some((e) => e.reachability === 'down')) {
        await this.clock.sleep(backoffMs(PROVIDER_PROBE_BACKOFF, round), abort.signal);
        if (abort.signal.aborted) break;
        await Promise.all(
          [...this.entries.values()].filter((e) => e.reachability === 'down').map((e) => this.probe(e)),
        );
        round++;
      }
      if (this.probeTimer === abort) this.probeTimer = null;
    })();
  }

  /**
   * Probes, every interval, each provider not known to be down that nothing was heard from within the
   * interval (a down one has its own back-off probe). Runs until stop(), like the service itself.
   */
  startHeartbeat(intervalMs: number = PROVIDER_HEARTBEAT_MS): void {
    if (this.heartbeat || this.stopped) return;
    const abort = new AbortController();
    this.heartbeat = abort;
    void (async () => {
      while (!abort.signal.aborted) {
        await this.clock.sleep(intervalMs, abort.signal);
        if (abort.signal.aborted) break;
        const now = this.clock.now();
        const quiet = [...this.entries.values()].filter(
          (e) =>
            !NO_HEARTBEAT.has(e.gateway.provider) &&
            e.reachability !== 'down' &&
            (e.checkedAt === null || now - e.checkedAt >= intervalMs),
        );
        await Promise.all(quiet.map((e) => this.probe(e)));
      }
    })();
  }

  stop(): void {
    this.stopped = true;
    this.probeTimer?.abort();
    this.heartbeat?.abort();
  }
}

function toView(entry: Entry): ProviderHealthView {
  return {
    pid: entry.pid,
    provider: entry.gateway.provider,
    wallets: entry.gateway.wallets as readonly Wallet[],
    reachability: entry.reachability,
    checked_at: entry.checkedAt,
    detail: entry.detail,
  };
}
