/** Components reach the stores through this context (tests pass their own), always with a selector. */
import { createContext, type ReactNode, useContext } from 'react';
import { type StoreApi, useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { AppStores } from './app-stores.ts';

const StoresContext = createContext<AppStores | null>(null);

export function StoresProvider({ stores, children }: { stores: AppStores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

export function useStores(): AppStores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('StoresProvider is missing');
  return stores;
}

type StateOf<S> = S extends StoreApi<infer T> ? T : never;

/** `useApp('sale', (s) => s.entry)`: one store, one selector. */
export function useApp<K extends Exclude<keyof AppStores, 'bridge'>, R>(
  key: K,
  selector: (state: StateOf<AppStores[K]>) => R,
): R {
  const store = useStores()[key] as unknown as StoreApi<StateOf<AppStores[K]>>;
  return useStore<StoreApi<StateOf<AppStores[K]>>, R>(store, selector);
}

/**
 * `useAppFields('history', ['orders', 'total'])`: several fields of one store as one object, re-rendering
 * only when one of them changes (zustand's useShallow). Screens reading many fields use it instead of a
 * useApp line per field.
 */
export function useAppFields<
  K extends Exclude<keyof AppStores, 'bridge'>,
  const F extends readonly (keyof StateOf<AppStores[K]>)[],
>(key: K, fields: F): Pick<StateOf<AppStores[K]>, F[number]> {
  return useApp(
    key,
    useShallow((state) => {
      const picked = {} as Pick<StateOf<AppStores[K]>, F[number]>;
      for (const field of fields) picked[field] = state[field];
      return picked;
    }),
  );
}
