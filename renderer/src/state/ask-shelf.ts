/**
 * Unanswered refund asks kept in the page's localStorage, per sale, so a page reload (or Electron
 * restarting the window) after a lost reply repeats the ask instead of sending a new number. The
 * service holds a pending refund too (refund-store.ts pendingAsk; refund_in_flight), but an ask it
 * already answered whose answer was lost, or one still queued at the store hub, is known only here.
 * Bounded: at most MAX_ASKS sales and MAX_AGE_MS old (the service and the hub answer the repeat of an
 * older one the same way, and an ask that old was followed up at the counter). Only what an ask is
 * (sale, amount, number) is stored: never the PIN. Written by hand: a dozen lines over the Storage
 * API, which no library would make shorter; a broken or unavailable storage only costs the reload case.
 */

const MAX_ASKS = 20;
const MAX_AGE_MS = 24 * 3600_000;

export interface AskShelf<Ask> {
  get(sale: string): Ask | null;
  put(sale: string, ask: Ask): void;
  drop(sale: string): void;
}

type Stored = Record<string, { readonly ask: unknown; readonly at: number }>;

/** The page's localStorage, or undefined where there is none (tests in node, storage disabled). */
function pageStorage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
}

/** `parse` checks a stored ask's shape (storage is outside the page's control); null drops it. */
export function askShelf<Ask>(
  name: string,
  parse: (value: unknown) => Ask | null,
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined = pageStorage(),
  now: () => number = Date.now,
): AskShelf<Ask> {
  const read = (): Stored => {
    try {
      const value: unknown = JSON.parse(storage?.getItem(name) ?? '{}');
      return value && typeof value === 'object' ? (value as Stored) : {};
    } catch {
      return {};
    }
  };
  const write = (asks: Stored) => {
    const kept = Object.entries(asks)
      .filter(([, entry]) => typeof entry?.at === 'number' && now() - entry.at < MAX_AGE_MS)
      .sort(([, a], [, b]) => b.at - a.at)
      .slice(0, MAX_ASKS);
    try {
      if (kept.length === 0) storage?.removeItem(name);
      else storage?.setItem(name, JSON.stringify(Object.fromEntries(kept)));
    } catch {
      // Full or disabled: the in-memory ask and the service's guard still hold.
    }
  };
  return {
    get(sale) {
      const entry = read()[sale];
      if (!entry || typeof entry.at !== 'number' || now() - entry.at >= MAX_AGE_MS) return null;
      return parse(entry.ask);
    },
    put(sale, ask) {
      write({ ...read(), [sale]: { ask, at: now() } });
    },
    drop(sale) {
      const asks = read();
      if (!(sale in asks)) return;
      delete asks[sale];
      write(asks);
    },
  };
}
