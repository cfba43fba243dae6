/** Which cashier screen is open; scans are routed by it (the refund screen takes a scan as an order lookup). */
import { createStore, type StoreApi } from 'zustand/vanilla';

export const ROUTES = ['sale', 'attention', 'refund', 'history', 'reconcile', 'shift', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

export interface NavState {
  readonly route: Route;
  go(route: Route): void;
}

export type NavStore = StoreApi<NavState>;

export function createNavStore(route: Route = 'sale'): NavStore {
  return createStore<NavState>()((set) => ({ route, go: (next) => set({ route: next }) }));
}
