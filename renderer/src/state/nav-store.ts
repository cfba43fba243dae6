/** Which cashier screen is open; scans are routed by it (the refund screen takes a scan as an order lookup). */
import { createStore, type StoreApi } from 'zustand/vanilla';

export const ROUTES = ['sale', 'attention', 'refund', 'history', 'reconcile', 'shift', 'settings'] as const;
export type Route = (typeof ROUTES)[number];
/**
 * The tab bar. 对账 is reached from the History screen instead: a seventh tab wraps the bar onto a
 * second line at 800×480, taking room from every screen for one used once a day.
 */
export const TAB_ROUTES: readonly Route[] = ROUTES.filter((r) => r !== 'reconcile');

export interface NavState {
  readonly route: Route;
  go(route: Route): void;
}

export type NavStore = StoreApi<NavState>;

export function createNavStore(route: Route = 'sale'): NavStore {
  return createStore<NavState>()((set) => ({ route, go: (next) => set({ route: next }) }));
}
