// @vitest-environment jsdom
/** The status bar's clock-skew pill (issue 15): shown while the status carries clock_warning. */
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { StatusBar } from '../../renderer/src/components/status-bar.tsx';
import { renderWithStores } from './fixtures/render-app.tsx';
import { aHealth } from './fixtures/views.ts';

afterEach(cleanup);

describe('status bar clock warning', () => {
  it('appears with the clock_skew text when the status says our clock is off, and goes when it clears', async () => {
    const { stores } = renderWithStores(<StatusBar />);
    expect(screen.queryByTestId('clock-skew')).toBeNull();
    const warning = { code: 'clock_skew', message: 'shop/wxpay_v3: timestamp 7 min ahead of our clock' };
    await act(async () => stores.connection.getState().applyHealth(aHealth({ clock_warning: warning })));
    const pill = screen.getByTestId('clock-skew');
    expect(pill.textContent).toMatch(/clock is wrong/i);
    expect(pill.getAttribute('title')).toMatch(/more than 5 minutes/);
    await act(async () => stores.connection.getState().applyHealth(aHealth({ clock_warning: null })));
    expect(screen.queryByTestId('clock-skew')).toBeNull();
  });
});
