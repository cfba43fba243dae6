/**
 * Keeps each provider's poll schedule fitted to this terminal's customers (core/domain/poll-learning.ts):
 * observations come from the journal at start-up and from every payment-code attempt that ends;
 * the schedule is re-solved every REFIT_EVERY new observations. Only a merchant on the default
 * schedule gets the learned one: a schedule set in the configuration is the merchant's choice.
 * A recovered attempt resumes on its merchant's configured policy; only new charges use the learned
 * schedule, whose span (and so every deadline) is the default's. Learning never stands in a
 * payment's way: the journal is read for it in small steps after recover(), and a fault while learning only
 * leaves the default schedule in place.
 */
import type { ProviderName } from '../common/contract/views.ts';
import { type AttemptState, isFinal } from '../domain/attempt-state.ts';
import { confirmationOf, LEARNING, type LearnedSchedule, learnSchedule } from '../domain/poll-learning.ts';
import { DEFAULT_POLL_POLICIES, type PollPolicy } from '../domain/poll-policy.ts';
import type { Journal } from '../ports/journal.ts';
import type { EngineLogger } from './engine-deps.ts';

/** New observations between two fits (a fit takes a few ms). */
const REFIT_EVERY = 50;
/** Observations added (each with its timeline read) per turn of the event loop at start-up. */
const SEED_CHUNK = 100;

function sameDelays(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((ms, i) => ms === b[i]);
}

export class PollTuner {
  private readonly samples = new Map<ProviderName, number[]>();
  private readonly unfitted = new Map<ProviderName, number>();
  private readonly learned = new Map<ProviderName, LearnedSchedule>();
  private readonly journal: Journal;
  private readonly logger: EngineLogger;
  private readonly enabled: boolean;
  private seeding: Promise<void> | null = null;

  constructor(journal: Journal, logger: EngineLogger, enabled: boolean) {
    this.journal = journal;
    this.logger = logger;
    this.enabled = enabled;
  }

  /**
   * Start-up: reads the observations of the LEARNING.maxSamples most recent orders from the journal
   * (one query: only the attempts that polled, picked out by SQLite, so the start over a long
   * history neither parses nor keeps the rest: docs/benchmarks.md, issue 20), then adds SEED_CHUNK
   * of them per turn of the event loop, each with its timeline, so recover() and the first requests
   * are not held up, and fits every provider. Until it is done new charges use what is known (the
   * default at first). Resolves when done.
   */
  seedSoon(): Promise<void> {
    if (!this.enabled || this.seeding) return this.seeding ?? Promise.resolve();
    const done = Promise.withResolvers<void>();
    let attempts: AttemptState[] = [];
    const step = (from: number) =>
      setImmediate(() => {
        const read = this.safely(() => {
          // Newest first from the journal: add oldest first, so the ring keeps the most recent.
          if (from === 0) attempts = this.journal.recentPolledAttempts(LEARNING.maxSamples).reverse();
          for (const attempt of attempts.slice(from, from + SEED_CHUNK)) this.add(attempt);
        });
        if (read && from + SEED_CHUNK < attempts.length) return step(from + SEED_CHUNK);
        // A journal fault while reading: no learned schedule (the default stays), one warning.
        if (read)
          this.safely(() => {
            for (const provider of this.samples.keys()) this.fit(provider);
          });
        done.resolve();
      });
    step(0);
    this.seeding = done.promise;
    return this.seeding;
  }

  /** Learning must never disturb a payment: a journal fault here costs the learned schedule, nothing else. */
  private safely(work: () => void): boolean {
    try {
      work();
      return true;
    } catch (error) {
      this.logger.warn('poll schedule not learned', { error: String(error) });
      return false;
    }
  }

  /** An attempt changed (journaled): a finished payment-code attempt is one more observation. */
  observe(attempt: AttemptState): void {
    if (!this.enabled || !isFinal(attempt)) return;
    this.safely(() => {
      if (!this.add(attempt)) return;
      const pending = (this.unfitted.get(attempt.provider) ?? 0) + 1;
      this.unfitted.set(attempt.provider, pending);
      if (pending >= REFIT_EVERY) this.fit(attempt.provider);
    });
  }

  /** The policy a new charge through `provider` is driven with. */
  policyFor(provider: ProviderName, configured: PollPolicy): PollPolicy {
    const learned = this.learned.get(provider);
    if (!learned || !sameDelays(configured.queryDelaysMs, DEFAULT_POLL_POLICIES[provider].queryDelaysMs))
      return configured;
    return { ...configured, queryDelaysMs: learned.queryDelaysMs };
  }

  /** The schedule learned for a provider, if any (diagnostics, tests). */
  learnedFor(provider: ProviderName): LearnedSchedule | undefined {
    return this.learned.get(provider);
  }

  private add(attempt: AttemptState): boolean {
    if (attempt.mode !== 'micropay' || attempt.queryCount === 0) return false;
    const confirmation = confirmationOf(attempt, this.journal.timeline(attempt.orderNo));
    if (confirmation === undefined) return false;
    const ring = this.samples.get(attempt.provider) ?? [];
    ring.push(confirmation);
    if (ring.length > LEARNING.maxSamples) ring.splice(0, ring.length - LEARNING.maxSamples);
    this.samples.set(attempt.provider, ring);
    return true;
  }

  private fit(provider: ProviderName): void {
    this.unfitted.set(provider, 0);
    const learned = learnSchedule(
      provider,
      this.samples.get(provider) ?? [],
      DEFAULT_POLL_POLICIES[provider],
    );
    if (learned) {
      this.learned.set(provider, learned);
      this.logger.info('poll schedule learned', {
        provider,
        samples: learned.samples,
        mean_delay_ms: Math.round(learned.meanDelayMs),
        default_mean_delay_ms: Math.round(learned.defaultMeanDelayMs),
        queries_per_payment: Math.round(learned.queriesPerPayment * 100) / 100,
      });
    } else {
      this.learned.delete(provider);
    }
  }
}
