// @vitest-environment jsdom
/**
 * The 待处理 screen lists paid actions held after a crash (order, amount, device, when) and lets a
 * supervisor run one again or mark it done, with who, why and the PIN; keyboard only.
 */
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { HeldPaidActionView } from '../../../core/common/contract/views.ts';
import { AttentionScreen } from '../../../renderer/src/screens/attention-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { anAttempt, T0 } from '../fixtures/views.ts';

afterEach(cleanup);

const held: HeldPaidActionView = {
  order_no: 'CHAIR42',
  subject: 'Massage 8 min',
  type: 'chair',
  total_fee: 1500,
  provider: 'wxpay',
  reason:
    'paid action interrupted by a restart: it may have run, so it is not repeated (serial /dev/ttyUSB0); check the device',
  device: 'serial /dev/ttyUSB0',
  cause: 'interrupted',
  min_total_fee: null,
  held_at: T0,
};

const input = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
const button = (testId: string) => screen.getByTestId(testId) as HTMLButtonElement;

function setup(language: 'en' | 'zh-CN' = 'en') {
  const bridge = defaultBridge()
    .on('listHeldPaidActions', () => [held])
    .on('resolveHeldPaidAction', () => held);
  renderWithStores(<AttentionScreen />, { bridge, language });
  return bridge;
}

describe('held paid actions on the 待处理 screen', () => {
  it('lists what is known: order, amount, device and when; the empty message is not shown', async () => {
    setup();
    await act(async () => {});
    const card = screen.getByTestId('held-action');
    expect(card.textContent).toMatch(/CHAIR42/);
    expect(card.textContent).toMatch(/¥15\.00/);
    expect(card.textContent).toMatch(/\/dev\/ttyUSB0/);
    expect(card.textContent).toMatch(/Massage 8 min/);
    expect(within(card).getByRole('heading').textContent).toMatch(/Paid action not confirmed/);
    expect(screen.queryByTestId('attention-empty')).toBeNull();
  });

  it('a payment below the action price says so, with both amounts, not that a restart cut it off', async () => {
    const cheap: HeldPaidActionView = {
      ...held,
      total_fee: 1,
      cause: 'below_floor',
      min_total_fee: 1500,
      reason:
        'paid 1 fen, below 1500 fen, the lowest price of this paid action (min_total_fee): not run; run it or refund (serial /dev/ttyUSB0)',
    };
    for (const [language, words] of [
      ['en', /¥0\.01.*below.*¥15\.00.*not run/],
      ['zh-CN', /¥0\.01.*低于.*¥15\.00.*未执行/],
    ] as const) {
      const bridge = defaultBridge()
        .on('listHeldPaidActions', () => [cheap])
        .on('resolveHeldPaidAction', () => cheap);
      renderWithStores(<AttentionScreen />, { bridge, language });
      await act(async () => {});
      const text = screen.getByTestId('held-action').textContent ?? '';
      expect(text).toMatch(words);
      expect(text).not.toMatch(/restart|重启/i);
      cleanup();
    }
  });

  it('in Chinese the card reads in Chinese', async () => {
    setup('zh-CN');
    await act(async () => {});
    expect(screen.getByTestId('held-action').textContent).toMatch(/付款后动作/);
  });

  it('both decisions stay disabled, saying why, until who, why and the PIN are entered', async () => {
    setup();
    await act(async () => {});
    for (const id of ['held-run_again', 'held-mark_done']) {
      expect(button(id).disabled).toBe(true);
      expect(button(id).title).toMatch(/who decides/i);
    }
  });

  it('"run it again" sends the decision with who, why and PIN, and the item leaves the list', async () => {
    const bridge = setup();
    await act(async () => {});
    input('held-by', 'Li');
    input('held-reason-input', 'the chair did not start');
    input('held-pin', '2468');
    expect(button('held-run_again').disabled).toBe(false);
    await act(async () => fireEvent.click(button('held-run_again')));
    expect(bridge.callsOf('resolveHeldPaidAction')).toEqual([
      {
        out_trade_no: 'CHAIR42',
        action: 'run_again',
        by: 'Li',
        reason: 'the chair did not start',
        pin: '2468',
      },
    ]);
    expect(screen.queryByTestId('held-action')).toBeNull();
  });

  it('a refused decision (wrong PIN) keeps the item and shows the error in words', async () => {
    const bridge = setup();
    bridge.fail('resolveHeldPaidAction', 'pin_invalid');
    await act(async () => {});
    input('held-by', 'Li');
    input('held-reason-input', 'customer got the massage');
    input('held-pin', '1111');
    await act(async () => fireEvent.click(button('held-mark_done')));
    expect(screen.getByTestId('held-action')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/Wrong supervisor PIN/);
    expect((screen.getByTestId('held-pin') as HTMLInputElement).value).toBe('');
    expect(bridge.callsOf('resolveHeldPaidAction')).toHaveLength(1);
  });

  it('is operable with the keyboard alone: the fields and buttons are reachable and named', async () => {
    setup();
    await act(async () => {});
    const card = screen.getByTestId('held-action');
    const focusable = within(card).getAllByRole('button').concat(within(card).getAllByRole('textbox'));
    for (const element of focusable) expect(element.getAttribute('tabindex')).not.toBe('-1');
    expect(within(card).getByRole('button', { name: /Run it again/ })).toBeTruthy();
    expect(within(card).getByRole('button', { name: /Mark done/ })).toBeTruthy();
  });

  it('a payment the provider confirmed after it ended cannot be retried, only settled', async () => {
    const bridge = defaultBridge().on('listUnresolved', () => [
      anAttempt({ phase: 'needs_attention', attention: { code: 'paid_after_final', message: 'x' } }),
    ]);
    bridge.on('listHeldPaidActions', () => []);
    renderWithStores(<AttentionScreen />, { bridge });
    await act(async () => {});
    const item = screen.getByTestId('attention-item');
    expect(item.textContent).toMatch(/provider confirms the customer paid/);
    const retry = within(item).getByRole('button', { name: /Retry/ }) as HTMLButtonElement;
    expect(retry.disabled).toBe(true);
    expect(retry.title).toMatch(/book it or refund it/);
  });
});
