/**
 * Wraps a journal so the "process dies" right after its k-th write: that write is durable, then
 * every later call throws, as if the power went. Counting writes first (k = Infinity) tells a test
 * how many crash points an attempt has. With `during`, the power goes while the k-th write is under
 * way: it never becomes durable (and throws), though the work before it (a paid callback's
 * handler) did happen.
 */
import type { Journal } from '../../core/ports/journal.ts';

const WRITES = new Set([
  'createAttempt',
  'insertOrder',
  'recordIntent',
  'recordOutcome',
  'recordOutcomeWithRefund',
  'patchOrder',
  'putRefund',
  'putCallback',
  'putCallbacks',
  'recordCallbackDecision',
]);

export class SimulatedCrash extends Error {
  constructor() {
    super('simulated crash');
  }
}

export function crashingJournal(
  inner: Journal,
  crashAfterWrites: number,
  when: 'after' | 'during' = 'after',
): { journal: Journal; writes: () => number; crashed: () => boolean } {
  let writes = 0;
  let dead = false;
  const journal = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'close') return value;
      return (...args: unknown[]) => {
        if (dead) throw new SimulatedCrash();
        const isWrite = WRITES.has(String(property));
        if (isWrite && when === 'during' && writes + 1 >= crashAfterWrites) {
          dead = true;
          throw new SimulatedCrash();
        }
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (isWrite) {
          writes++;
          if (writes >= crashAfterWrites) dead = true;
        }
        return result;
      };
    },
  });
  return { journal, writes: () => writes, crashed: () => dead };
}
