/**
 * Settings behind the supervisor PIN, and the display language (zh-CN unless settings or `?lang=`
 * say otherwise; the header switch changes it for this screen without needing the PIN). While the
 * service reports `pin_set: false` (the default 0000) the screen asks for a new PIN first: the service
 * refuses every other supervisor action with `pin_change_required` until then.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { UpdateSettingsRequest } from '../../../core/common/contract/api-schemas.ts';
import type { SettingsView } from '../../../core/common/contract/views.ts';
import type { ErrorShape } from '../../../core/common/errors.ts';
import type { RendererBridge } from '../bridge/renderer-bridge.ts';
import type { Language } from '../i18n/catalog.ts';
import { toProblem } from './call-error.ts';

export interface SettingsState {
  readonly settings: SettingsView | null;
  readonly language: Language;
  /** Set when the cashier chose a language here: the service's setting no longer overrides it. */
  readonly languagePinned: boolean;
  /** The verified PIN, kept only while unlocked (updateSettings needs it). */
  readonly pin: string | null;
  readonly busy: boolean;
  readonly saved: boolean;
  readonly error: ErrorShape | null;
}

export interface SettingsActions {
  load(): Promise<void>;
  setLanguage(language: Language): void;
  unlock(pin: string): Promise<void>;
  lock(): void;
  save(patch: Omit<UpdateSettingsRequest, 'pin'>): Promise<void>;
}

export type SettingsStore = StoreApi<SettingsState & SettingsActions>;

export function createSettingsStore(
  bridge: RendererBridge,
  initialLanguage: Language | null = null,
): SettingsStore {
  return createStore<SettingsState & SettingsActions>()((set, get) => ({
    settings: null,
    language: initialLanguage ?? 'zh-CN',
    languagePinned: initialLanguage !== null,
    pin: null,
    busy: false,
    saved: false,
    error: null,
    async load() {
      try {
        const settings = await bridge.call('getSettings', {});
        set((s) => ({ settings, language: s.languagePinned ? s.language : settings.language }));
      } catch (error) {
        set({ error: toProblem(error) });
      }
    },
    setLanguage(language) {
      set({ language, languagePinned: true });
    },
    async unlock(pin) {
      if (get().busy) return;
      set({ busy: true, error: null });
      try {
        const { ok } = await bridge.call('verifyPin', { pin });
        if (ok) set({ pin });
        else set({ error: { code: 'pin_invalid', message: 'wrong PIN' } });
      } catch (error) {
        set({ error: toProblem(error) });
      } finally {
        set({ busy: false });
      }
    },
    lock() {
      set({ pin: null, saved: false, error: null });
    },
    async save(patch) {
      const pin = get().pin;
      if (pin === null || get().busy) return;
      set({ busy: true, error: null, saved: false });
      try {
        const settings = await bridge.call('updateSettings', { ...patch, pin });
        // After a PIN change the screen stays unlocked with the new PIN (the old one no longer works).
        set({
          settings,
          saved: true,
          language: patch.language ?? get().language,
          pin: patch.new_pin ?? pin,
        });
      } catch (error) {
        set({ error: toProblem(error) });
      } finally {
        set({ busy: false });
      }
    },
  }));
}
