/** The window: cashier screens with a tab bar and status bar, or the full-screen QR display. */
import {
  Languages,
  type LucideIcon,
  ReceiptText,
  Scale,
  Settings,
  ShoppingCart,
  TriangleExclamationPoint,
  Undo2,
  UserRound,
} from 'lucide-react';
import type { ReactNode } from 'react';
import { StatusBar } from './components/status-bar.tsx';
import { useWindowKeydown } from './components/use-window-keydown.ts';
import { useI18n } from './i18n/use-i18n.ts';
import { AttentionScreen } from './screens/attention-screen.tsx';
import { CustomerDisplay } from './screens/customer-display.tsx';
import { HistoryScreen } from './screens/history-screen.tsx';
import { QrDisplay } from './screens/qr-display.tsx';
import { ReconcileScreen } from './screens/reconcile-screen.tsx';
import { RefundScreen } from './screens/refund-screen.tsx';
import { SaleScreen } from './screens/sale-screen.tsx';
import { SettingsScreen } from './screens/settings-screen.tsx';
import { ShiftScreen } from './screens/shift-screen.tsx';
import { type Route, TAB_ROUTES } from './state/nav-store.ts';
import { useApp, useStores } from './state/stores-context.tsx';

const SCREENS: Readonly<Record<Route, () => ReactNode>> = {
  sale: () => <SaleScreen />,
  attention: () => <AttentionScreen />,
  refund: () => <RefundScreen />,
  history: () => <HistoryScreen />,
  reconcile: () => <ReconcileScreen />,
  shift: () => <ShiftScreen />,
  settings: () => <SettingsScreen />,
};

const TAB_ICONS: Readonly<Record<Route, LucideIcon>> = {
  sale: ShoppingCart,
  attention: TriangleExclamationPoint,
  refund: Undo2,
  history: ReceiptText,
  reconcile: Scale,
  shift: UserRound,
  settings: Settings,
};

/** `forcedMode` comes from `?mode=qr` / `?mode=customer`; otherwise the service's settings.ui_mode decides. */
export function App({ forcedMode }: { forcedMode: 'cashier' | 'qr' | 'customer' | null }) {
  const settingsMode = useApp('settings', (s) => s.settings?.ui_mode ?? null);
  const mode = forcedMode ?? settingsMode ?? 'cashier';
  if (mode === 'customer') return <CustomerDisplay />;
  if (mode === 'qr') return <QrDisplay />;
  return <Cashier />;
}

function Cashier() {
  const { t, lang } = useI18n();
  const stores = useStores();
  const route = useApp('nav', (s) => s.route);
  // Held paid actions wait for a person too: they count on the 待处理 tab.
  const attention = useApp('attempts', (s) => s.items.length + s.held.length);
  // F3 退款 from anywhere in the till (F1 扫码 and F2 现金 belong to the amount entry).
  useWindowKeydown((event) => {
    if (event.key !== 'F3' || event.defaultPrevented) return;
    event.preventDefault();
    stores.nav.getState().go('refund');
  });
  return (
    <div className="app">
      <header className="top-bar no-print">
        <nav className="tabs" aria-label={t('app.title')}>
          {TAB_ROUTES.map((r) => {
            const Icon = TAB_ICONS[r];
            return (
              <button
                key={r}
                type="button"
                className={`tab${r === route ? ' tab-active' : ''}`}
                aria-current={r === route ? 'page' : undefined}
                data-testid={`nav-${r}`}
                onClick={() => stores.nav.getState().go(r)}
              >
                <Icon />
                {t(`nav.${r}`)}
                {r === 'attention' && attention > 0 && (
                  <span className="tab-count" data-testid="attention-count">
                    {attention}
                  </span>
                )}
                {r === 'refund' && <kbd>F3</kbd>}
              </button>
            );
          })}
        </nav>
        <button
          type="button"
          className="lang-switch"
          data-testid="lang-switch"
          onClick={() => stores.settings.getState().setLanguage(lang === 'en' ? 'zh-CN' : 'en')}
        >
          <Languages />
          {t('lang.switch')}
        </button>
      </header>
      <main className="content">{SCREENS[route]()}</main>
      <StatusBar />
    </div>
  );
}
