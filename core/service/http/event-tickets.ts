/**
 * Short-lived, single-use tickets for the event stream. EventSource cannot send headers, and a token
 * in a URL ends up in proxy logs and browser history; so a client that holds a token or key asks for a
 * ticket (POST /api/eventsTicket, with the header) and opens /api/events?ticket=… within a minute.
 */
import { randomBytes } from 'node:crypto';
import type { Caller } from '../api/access-policy.ts';

export const TICKET_TTL_MS = 60_000;
const MAX_TICKETS = 256;

export class EventTickets {
  private readonly tickets = new Map<string, { caller: Caller; expiresAt: number }>();

  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  issue(caller: Caller): { ticket: string; expires_in_ms: number } {
    this.prune();
    while (this.tickets.size >= MAX_TICKETS) {
      const oldest = this.tickets.keys().next().value;
      if (oldest === undefined) break;
      this.tickets.delete(oldest);
    }
    const ticket = randomBytes(24).toString('base64url');
    this.tickets.set(ticket, { caller, expiresAt: this.now() + TICKET_TTL_MS });
    return { ticket, expires_in_ms: TICKET_TTL_MS };
  }

  /** The caller the ticket was issued to, once; null when unknown, used or expired. */
  redeem(ticket: string): Caller | null {
    const entry = this.tickets.get(ticket);
    if (!entry) return null;
    this.tickets.delete(ticket);
    return entry.expiresAt > this.now() ? entry.caller : null;
  }

  private prune(): void {
    const now = this.now();
    for (const [ticket, entry] of this.tickets) if (entry.expiresAt <= now) this.tickets.delete(ticket);
  }
}
