// @vitest-environment jsdom
/**
 * The till's design rules that markup can show (the fit at three sizes is checked in Chromium,
 * test/e2e/till-layout.test.ts): each outcome carries its colour, the status bar is icons with the
 * words in tooltips, and a disabled button says why in its tooltip and a visible line.
 */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { StatusBar } from '../../../renderer/src/components/status-bar.tsx';
import { HistoryScreen } from '../../../renderer/src/screens/history-screen.tsx';
import { SaleScreen } from '../../../renderer/src/screens/sale-screen.tsx';
import { SettingsScreen } from '../../../renderer/src/screens/settings-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { aHealth, anAttempt, anOrder, aProvider, aSale, someSettings } from '../fixtures/views.ts';

afterEach(cleanup);

/** A disabled button's reason: its tooltip, which must also be the visible line under it. */
function reasonOf(button: HTMLElement): string {
  expect((button as HTMLButtonElement).disabled).toBe(true);
  const visible = button.parentElement?.querySelector('.disabled-reason')?.textContent ?? null;
  expect(button.title).not.toBe('');
  expect(visible).toBe(button.title);
  return button.title;
}

const polling = () =>
  aSale({
    state: 'charging',
    order: anOrder(),
    attempt: anAttempt({ phase: 'polling', deadline_at: Date.now() + 30_000 }),
  });

describe('outcome colours', () => {
  it('charging is neutral while the line is up and amber once the outcome is in doubt', () => {
    const { bridge } = renderWithStores(<SaleScreen />);
    act(() => bridge.emit({ kind: 'sale', sale: polling() }));
    expect(screen.getByTestId('charging').classList.contains('tone-doubt')).toBe(false);
    act(() =>
      bridge.emit({ kind: 'health', health: aHealth({ providers: [aProvider({ reachability: 'down' })] }) }),
    );
    expect(screen.getByTestId('charging').classList.contains('tone-doubt')).toBe(true);
  });

  it('a declined try turns the waiting sale red; paid is green; needs attention is amber', () => {
    const { bridge } = renderWithStores(<SaleScreen />);
    act(() =>
      bridge.emit({
        kind: 'sale',
        sale: aSale({
          state: 'awaiting_scan',
          order: anOrder(),
          attempt: anAttempt({
            phase: 'failed',
            failure: { code: 'NOTENOUGH', message: 'balance', reason: 'insufficient_funds' },
          }),
        }),
      }),
    );
    expect(document.querySelector('.sale-scan')?.classList.contains('tone-err')).toBe(true);
    act(() =>
      bridge.emit({
        kind: 'sale',
        sale: aSale({
          state: 'done',
          order: anOrder({ status: 1 }),
          attempt: anAttempt({ phase: 'paid', transaction_id: '4200001' }),
        }),
      }),
    );
    expect(screen.getByTestId('outcome').classList.contains('tone-ok')).toBe(true);
  });
});

describe('status bar', () => {
  it('shows a provider as its name and a state icon, with the state in words in the tooltip', async () => {
    const { stores } = renderWithStores(<StatusBar />);
    await act(async () =>
      stores.connection
        .getState()
        .applyHealth(
          aHealth({ providers: [aProvider({ reachability: 'down', detail: 'connect ECONNREFUSED' })] }),
        ),
    );
    const pill = screen.getByTestId('provider-wxpay');
    expect(pill.getAttribute('title')).toBe('WeChat Pay: unreachable — connect ECONNREFUSED');
    expect(pill.querySelectorAll('svg').length).toBeGreaterThan(0);
    // No text glyph stands in for an icon (a box on machines without an emoji font).
    expect(document.querySelector('.status-bar')?.textContent).not.toMatch(/[●✕⚠…▣🔒]/u);
  });
});

describe('disabled buttons say why', () => {
  it('the new-PIN save button names the PIN rule until the PIN follows it', async () => {
    const bridge = defaultBridge()
      .on('getSettings', () => someSettings({ pin_set: false }))
      .on('verifyPin', () => ({ ok: true }));
    const { stores } = renderWithStores(<SettingsScreen />, { bridge });
    await act(async () => stores.settings.getState().load());
    fireEvent.change(screen.getByTestId('settings-pin'), { target: { value: '0000' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Unlock' })));
    fireEvent.change(screen.getByTestId('settings-new-pin'), { target: { value: '1234' } });
    expect(reasonOf(screen.getByRole('button', { name: 'Save' }))).toMatch(/6–12 digits/);
    expect(reasonOf(screen.getByRole('button', { name: /English/ }))).toMatch(/Set a new supervisor PIN/);
  });

  it('history paging says it is on the first and the last page', async () => {
    const { stores } = renderWithStores(<HistoryScreen />);
    await act(async () => stores.history.getState().load());
    expect(reasonOf(screen.getByRole('button', { name: /Previous|上一页/ }))).toMatch(/first page/);
    expect(reasonOf(screen.getByRole('button', { name: /Next|下一页/ }))).toMatch(/last page/);
  });
});
