/**
 * Captures the journal calls an engine makes (a Proxy that passes every call through and notes
 * method + arguments), and replays them on another journal with the keys swapped for fresh ones.
 * That gives the raw cost of exactly the SQLite work of one attempt, without the engine around it.
 */
import type { Journal } from '../../core/ports/journal.ts';

export interface JournalCall {
  readonly method: keyof Journal;
  readonly args: readonly unknown[];
}

export interface Recorder {
  readonly journal: Journal;
  readonly calls: JournalCall[];
}

export function recordingJournal(target: Journal): Recorder {
  const calls: JournalCall[] = [];
  const journal = new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push({ method: property as keyof Journal, args: structuredClone(args) });
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
  return { journal, calls };
}

/** Deep copy of `value` with every occurrence of each `from` string (also inside longer strings) replaced. */
export function swapKeys(value: unknown, swaps: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    let text = value;
    for (const [from, to] of swaps) text = text.split(from).join(to);
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => swapKeys(item, swaps));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, swapKeys(v, swaps)]));
  }
  return value;
}

/** Runs the recorded calls once on `journal`, with the arguments already re-keyed by the caller. */
export function replay(journal: Journal, calls: readonly JournalCall[]): void {
  for (const call of calls) {
    (journal[call.method] as (...a: unknown[]) => unknown).apply(journal, call.args as unknown[]);
  }
}

/** Reads do not change the database; writes are what durability costs. */
const READS: ReadonlySet<string> = new Set([
  'getOrder',
  'findOrder',
  'getAttempt',
  'attemptsOf',
  'unresolvedAttempts',
  'attemptWithCodeSince',
  'timeline',
  'listOrders',
  'refundsOf',
  'getRefund',
  'pendingRefunds',
  'getCallback',
  'owedCallbacks',
]);

export function isRead(call: JournalCall): boolean {
  return READS.has(call.method);
}
