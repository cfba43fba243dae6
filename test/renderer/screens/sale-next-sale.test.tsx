// @vitest-environment jsdom
/** After 收款成功 the till goes back to amount entry by itself, and typing on the paid screen starts the next sale. */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PAID_RETURN_MS } from '../../../renderer/src/screens/sale-outcome.tsx';
import { SaleScreen } from '../../../renderer/src/screens/sale-screen.tsx';
import { renderWithStores } from '../fixtures/render-app.tsx';
import { anAttempt, anOrder, aSale } from '../fixtures/views.ts';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const paid = () =>
  aSale({ state: 'done', order: anOrder({ status: 1 }), attempt: anAttempt({ phase: 'paid' }) });
const attention = () =>
  aSale({ state: 'done', order: anOrder(), attempt: anAttempt({ phase: 'needs_attention' }) });

function screenKind(): string | null {
  return document.querySelector('.sale-screen')?.getAttribute('data-screen') ?? null;
}

describe('next sale', () => {
  it('returns from the paid outcome to amount entry by itself', () => {
    vi.useFakeTimers();
    const { bridge } = renderWithStores(<SaleScreen />);
    act(() => bridge.emit({ kind: 'sale', sale: paid() }));
    expect(screenKind()).toBe('outcome');
    act(() => vi.advanceTimersByTime(PAID_RETURN_MS - 1));
    expect(screenKind()).toBe('outcome');
    act(() => vi.advanceTimersByTime(1));
    expect(screenKind()).toBe('entry');
  });

  it('a digit typed on the paid outcome starts the next sale with that digit', () => {
    const { bridge } = renderWithStores(<SaleScreen />);
    act(() => bridge.emit({ kind: 'sale', sale: paid() }));
    act(() => {
      fireEvent.keyDown(window, { key: '8' });
    });
    expect(screenKind()).toBe('entry');
    expect(screen.getByTestId('amount').textContent).toBe('¥8');
  });

  it('an outcome that is not paid stays until the cashier moves on', () => {
    vi.useFakeTimers();
    const { bridge } = renderWithStores(<SaleScreen />);
    act(() => bridge.emit({ kind: 'sale', sale: attention() }));
    act(() => vi.advanceTimersByTime(PAID_RETURN_MS * 3));
    expect(screenKind()).toBe('outcome');
  });
});
