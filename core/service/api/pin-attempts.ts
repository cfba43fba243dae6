/**
 * Wrong supervisor PINs, counted per client: after a few free tries each further wrong PIN doubles
 * that client's wait before its next PIN is checked at all. The old global five-tries lock let anyone
 * keep the supervisor out; here a guesser only slows itself, and the terminal's own console is another
 * client whose wait is capped low (it is never locked out). Hand-written: a few lines of arithmetic on
 * a bounded map, which no rate-limit library does more simply for an in-process check.
 */
export interface PinAttemptsPolicy {
  /** Wrong tries without any wait. */
  readonly freeTries: number;
  /** Wait after the first wrong try beyond the free ones; doubled for each further one. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The console's cap: a cashier who mistypes is slowed, never locked out. */
  readonly consoleMaxDelayMs: number;
  /** Clients remembered; the oldest is forgotten first. */
  readonly maxClients: number;
}

export const DEFAULT_PIN_ATTEMPTS: PinAttemptsPolicy = {
  freeTries: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  consoleMaxDelayMs: 30_000,
  maxClients: 1_000,
};

interface ClientRecord {
  failures: number;
  notBefore: number;
}

export class PinAttempts {
  private readonly clients = new Map<string, ClientRecord>();
  private readonly policy: PinAttemptsPolicy;

  constructor(policy: PinAttemptsPolicy = DEFAULT_PIN_ATTEMPTS) {
    this.policy = policy;
  }

  /** How long `client` must still wait before its next PIN is checked (0: now). */
  waitMs(client: string, now: number): number {
    const record = this.clients.get(client);
    return record ? Math.max(0, record.notBefore - now) : 0;
  }

  failed(client: string, now: number, isConsole: boolean): void {
    const record = this.clients.get(client) ?? { failures: 0, notBefore: 0 };
    record.failures++;
    const beyond = record.failures - this.policy.freeTries;
    if (beyond > 0) {
      const cap = isConsole ? this.policy.consoleMaxDelayMs : this.policy.maxDelayMs;
      record.notBefore = now + Math.min(cap, this.policy.baseDelayMs * 2 ** Math.min(beyond - 1, 30));
    }
    this.clients.delete(client); // re-inserted last: Map order is the eviction order
    this.clients.set(client, record);
    while (this.clients.size > this.policy.maxClients) {
      const oldest = this.clients.keys().next().value;
      if (oldest === undefined) break;
      this.clients.delete(oldest);
    }
  }

  succeeded(client: string): void {
    this.clients.delete(client);
  }
}
