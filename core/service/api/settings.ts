/**
 * The supervisor's settings (language, kiosk mode, PIN), the terminal's settings view (credentials
 * masked) and its health. Whether the caller may (the PIN, the default PIN, a key) is the access policy's.
 */
import type { ScanPayApi } from '../../common/contract/api-contract.ts';
import type { SettingsView, WedgeSettingsView } from '../../common/contract/views.ts';
import { wedgeSettingsView } from '../../common/wedge/wedge-settings.ts';
import type { ServiceConfig } from '../config/service-config.ts';
import type { ServiceParts } from './service-parts.ts';

type SettingsOperations = Pick<ScanPayApi, 'verifyPin' | 'getSettings' | 'updateSettings' | 'health'>;

export function settingsOperations(parts: ServiceParts): SettingsOperations {
  const { settings } = parts;
  const view = () => settingsView(parts);
  return {
    verifyPin: async (request) => ({ ok: settings.pinMatches(request.pin) }),
    getSettings: async () => view(),
    async updateSettings(request) {
      settings.update({
        ...(request.language ? { language: request.language } : {}),
        ...(request.kiosk !== undefined ? { kiosk: request.kiosk } : {}),
      });
      if (request.new_pin) settings.setPin(request.new_pin);
      return view();
    },
    health: async () => parts.healthView(),
  };
}

function settingsView({ settings, config, merchants, sandboxUrl }: ServiceParts): SettingsView {
  const stored = settings.get();
  return {
    terminal_id: config.terminal_id,
    store_id: config.store_id ?? null,
    language: stored.language ?? config.language,
    kiosk: stored.kiosk ?? config.ui.kiosk,
    ui_mode: config.ui.mode,
    merchants: merchants.all().map((m) => ({
      pid: m.pid,
      name: (config.merchants ?? []).find((c) => c.pid === m.pid)?.name ?? m.pid,
      provider: m.gateways[0]!.provider,
      wallets: [...new Set(m.gateways.flatMap((g) => g.wallets))],
      base_url: sandboxUrl && !config.merchants ? sandboxUrl : 'configured',
      credentials: Object.fromEntries(m.gateways.map((g) => [g.provider, 'set (hidden)'])),
    })),
    scanners: config.scanners.map((s, i) => ({
      id: s.id ?? `${s.kind}-${i + 1}`,
      kind: s.kind,
      summary: describeScanner(s),
    })),
    wedge: wedgeView(config.scanners),
    poll_schedules: Object.fromEntries(
      Object.entries(merchants.all()[0]!.policies).map(([provider, p]) => [
        provider,
        { query_delays_ms: p.queryDelaysMs, reverse_after_ms: p.reverseNotBeforeMs },
      ]),
    ),
    pin_set: settings.pinSet,
  };
}

/** The first wedge scanner's settings for the browser's detector (renderer/src/scan/browser-wedge.ts). */
export function wedgeView(scanners: ServiceConfig['scanners']): WedgeSettingsView | null {
  const wedge = scanners.find((s) => s.kind === 'wedge');
  return wedge ? wedgeSettingsView(wedge) : null;
}

function describeScanner(config: ServiceConfig['scanners'][number]): string {
  switch (config.kind) {
    case 'serial':
      return config.path ?? 'auto-discovered serial port';
    case 'hid':
      return `HID ${config.vendorId.toString(16).padStart(4, '0')}:${config.productId.toString(16).padStart(4, '0')} (${config.profile})`;
    case 'wedge':
      return 'keyboard wedge';
  }
}
