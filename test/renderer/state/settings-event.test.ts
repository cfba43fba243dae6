/**
 * A store config applied live at the service announces itself with a `settings` event: the till
 * reads its settings again and its language follows, unless the cashier chose one on this screen.
 */
import { describe, expect, it } from 'vitest';
import { createAppStores, dispatchEvent } from '../../../renderer/src/state/app-stores.ts';
import { defaultBridge } from '../fixtures/render-app.tsx';
import { someSettings } from '../fixtures/views.ts';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the settings event', () => {
  it('reloads the settings and follows their language', async () => {
    const bridge = defaultBridge().on('getSettings', () => someSettings({ language: 'en' }));
    const stores = createAppStores(bridge, { language: null });
    expect(stores.settings.getState().language).toBe('zh-CN');
    dispatchEvent(stores, { kind: 'settings' });
    await settle();
    expect(bridge.callsOf('getSettings')).toHaveLength(1);
    expect(stores.settings.getState().language).toBe('en');
  });

  it('keeps the language the cashier chose here', async () => {
    const bridge = defaultBridge().on('getSettings', () => someSettings({ language: 'en' }));
    const stores = createAppStores(bridge, { language: null });
    stores.settings.getState().setLanguage('zh-CN');
    dispatchEvent(stores, { kind: 'settings' });
    await settle();
    expect(bridge.callsOf('getSettings')).toHaveLength(1);
    expect(stores.settings.getState().language).toBe('zh-CN');
  });
});
