// @vitest-environment jsdom
/** A network cut mid-payment: the screen says so, counts down to the next step, and lets the next sale start. */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SaleScreen } from '../../../renderer/src/screens/sale-screen.tsx';
import { renderWithStores } from '../fixtures/render-app.tsx';
import { aHealth, anAttempt, anOrder, aProvider, aSale } from '../fixtures/views.ts';

afterEach(cleanup);

const far = Date.now() + 30_000;
const polling = (state: 'charging' | 'done') =>
  aSale({
    state,
    order: anOrder(),
    attempt: anAttempt({ phase: 'polling', deadline_at: far, next_action_at: Date.now() + 9_500 }),
  });

function screenKind(): string | null {
  return document.querySelector('.sale-screen')?.getAttribute('data-screen') ?? null;
}

describe('outage mid-payment', () => {
  it('says the line is cut and the result is being confirmed, not that the customer is typing a password', () => {
    const { bridge } = renderWithStores(<SaleScreen />);
    act(() =>
      bridge.emit({ kind: 'health', health: aHealth({ providers: [aProvider({ reachability: 'down' })] }) }),
    );
    act(() => bridge.emit({ kind: 'sale', sale: polling('done') }));
    const status = screen.getByTestId('charging-status').textContent ?? '';
    expect(status).toMatch(/Connection lost: confirming the result/);
    expect(status).not.toMatch(/password/);
    expect(screen.getByTestId('next-step').textContent).toMatch(/\d+ s/);
  });

  it('the cashier starts the next sale while the engine resolves the charge', () => {
    const { bridge } = renderWithStores(<SaleScreen />);
    act(() =>
      bridge.emit({ kind: 'health', health: aHealth({ providers: [aProvider({ reachability: 'down' })] }) }),
    );
    act(() => bridge.emit({ kind: 'sale', sale: polling('done') }));
    const next = screen.getByTestId('next-sale-now') as HTMLButtonElement;
    expect(next.disabled).toBe(false);
    fireEvent.click(next);
    expect(screenKind()).toBe('entry');
  });

  it('with the line up the charge holds the till, and the disabled button says why', () => {
    const { bridge } = renderWithStores(<SaleScreen />);
    act(() => bridge.emit({ kind: 'sale', sale: polling('charging') }));
    expect(screen.getByTestId('charging-status').textContent).toMatch(/password/);
    const next = screen.getByTestId('next-sale-now') as HTMLButtonElement;
    expect(next.disabled).toBe(true);
    expect(next.title).not.toBe('');
    expect(screen.getByTestId('next-sale-why').textContent).toBe(next.title);
  });

  it('Stop while reversing is disabled with its reason shown', () => {
    const { bridge } = renderWithStores(<SaleScreen />);
    act(() =>
      bridge.emit({
        kind: 'sale',
        sale: aSale({ state: 'charging', order: anOrder(), attempt: anAttempt({ phase: 'reversing' }) }),
      }),
    );
    const stop = screen.getByTestId('stop') as HTMLButtonElement;
    expect(stop.disabled).toBe(true);
    expect(stop.title).toMatch(/already being reversed/);
    expect(screen.getByTestId('stop-why').textContent).toBe(stop.title);
  });
});
