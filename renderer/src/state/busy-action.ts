/**
 * A store's single-flight action: one at a time (a second tap while busy does nothing), `busy` set
 * while it runs, and its error kept for the screen rather than thrown into a click handler.
 */
import type { ErrorShape } from '../../../core/common/errors.ts';
import { toProblem } from './call-error.ts';

export function busyAction(
  get: () => { readonly busy: boolean },
  set: (patch: { busy?: boolean; error?: ErrorShape | null }) => void,
): (action: () => Promise<void>) => Promise<void> {
  return async (action) => {
    if (get().busy) return;
    set({ busy: true, error: null });
    try {
      await action();
    } catch (error) {
      set({ error: toProblem(error) });
    } finally {
      set({ busy: false });
    }
  };
}
