// @vitest-environment jsdom
/** The till's status bar shows the hub: changes waiting, up to date, and why forwarding fails. */
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { HubPill } from '../../renderer/src/components/hub-pill.tsx';
import { defaultBridge, renderWithStores } from '../renderer/fixtures/render-app.tsx';
import { aHealth } from '../renderer/fixtures/views.ts';

afterEach(cleanup);

describe('hub on the status bar', () => {
  it('says how many changes wait and why, in both languages, and follows health events', async () => {
    const bridge = defaultBridge().on('health', () =>
      aHealth({ hub: { waiting: 12, problem: 'unreachable', last_delivered_at: null } }),
    );
    const { bridge: live, stores } = renderWithStores(<HubPill />, { bridge });
    await act(async () => stores.connection.getState().refreshHealth());
    const pill = screen.getByTestId('hub-status');
    expect(pill.textContent).toBe('⚠ Hub: 12 changes waiting');
    expect(pill.title).toContain('Cannot reach the store hub');
    act(() =>
      live.emit({
        kind: 'health',
        health: aHealth({ hub: { waiting: 0, problem: null, last_delivered_at: 1 } }),
      }),
    );
    expect(screen.getByTestId('hub-status').textContent).toBe('● Hub: up to date');
    cleanup();
    const zh = renderWithStores(<HubPill />, { bridge, language: 'zh-CN' });
    await act(async () => zh.stores.connection.getState().refreshHealth());
    expect(screen.getByTestId('hub-status').textContent).toBe('⚠ 总店: 12 条变更待上传');
  });

  it('shows nothing on a till that does not forward to a hub', async () => {
    const { stores } = renderWithStores(<HubPill />);
    await act(async () => {
      await stores.connection.getState().refreshHealth();
    });
    expect(screen.queryByTestId('hub-status')).toBeNull();
  });
});
