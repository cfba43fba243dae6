/** Entry: pick the bridge, build the stores, subscribe to events, load, attach the browser wedge detector, render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { chooseBridge } from './bridge/choose-bridge.ts';
import { isLanguage } from './i18n/catalog.ts';
import { attachBrowserWedge } from './scan/browser-wedge.ts';
import { connectStores, createAppStores, loadAll } from './state/app-stores.ts';
import { StoresProvider } from './state/stores-context.tsx';
import { createBrowserVoiceOutput } from './voice/browser-voice-output.ts';

const params = new URLSearchParams(window.location.search);
const modeParam = params.get('mode');
const forcedMode =
  modeParam === 'qr' || modeParam === 'cashier' || modeParam === 'customer' ? modeParam : null;
/** The customer screen follows the till, so it loads what the cashier's window loads. */
const loadMode = forcedMode === 'qr' ? 'qr' : 'cashier';
const lang = params.get('lang');

const bridge = chooseBridge(window);
const stores = createAppStores(bridge, {
  language: isLanguage(lang) ? lang : null,
  // One window speaks: the customer screen (a second window on the same till) stays silent.
  ...(forcedMode === 'customer' ? {} : { voiceOutput: createBrowserVoiceOutput() }),
});
connectStores(stores, { mode: loadMode });
void loadAll(stores, loadMode).then(() => {
  // settings.ui_mode may say qr although the URL did not.
  if (!forcedMode && stores.settings.getState().settings?.ui_mode === 'qr') void stores.qr.getState().load();
});

if (!bridge.capturesWedgeInMain && forcedMode !== 'customer') {
  attachBrowserWedge(window, stores);
}

const root = document.getElementById('root');
if (root) {
  document.documentElement.lang = stores.settings.getState().language;
  stores.settings.subscribe((s) => {
    document.documentElement.lang = s.language;
  });
  createRoot(root).render(
    <StrictMode>
      <StoresProvider stores={stores}>
        <App forcedMode={forcedMode} />
      </StoresProvider>
    </StrictMode>,
  );
}
