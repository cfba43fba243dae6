/**
 * Timeline entries in the UI language. The summaries are produced by the engine's own summarise()
 * and the journal's intent format, so a change of format there fails here instead of leaking English.
 */
import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../../core/common/contract/views.ts';
import type { AttemptEvent } from '../../../core/domain/attempt-events.ts';
import { summarise } from '../../../core/engine/gateway-call.ts';
import { translate } from '../../../renderer/src/i18n/catalog.ts';
import { describeTimelineEntry } from '../../../renderer/src/i18n/timeline-text.ts';

const providerName = (p: string) => translate('zh-CN', `provider.${p}` as 'provider.wxpay');

function shown(entry: Partial<TimelineEntry>, lang: 'zh-CN' | 'en' = 'zh-CN') {
  const full: TimelineEntry = {
    at: 1,
    out_trade_no: 'SO1-1',
    step: 'outcome',
    op: 'query',
    summary: '',
    ...entry,
  };
  const text = describeTimelineEntry(full, providerName);
  return { headline: translate(lang, text.key, text.params), detail: text.detail };
}

const outcome = (op: string, event: AttemptEvent) => shown({ op, summary: summarise(event) });

describe('timeline entries in the UI language', () => {
  it('a charge intent names the wallet and the amount in yuan, not "wxpay 8800 fen"', () => {
    expect(shown({ step: 'intent', op: 'charge', summary: 'wxpay 8800 fen' })).toEqual({
      headline: '发起收款：微信支付 ¥88.00',
      detail: null,
    });
    expect(shown({ step: 'intent', op: 'precreate', summary: 'alipay 1500 fen' }).headline).toBe(
      '生成收款码：支付宝 ¥15.00',
    );
    expect(shown({ step: 'intent', op: 'query' }).headline).toBe('查询支付结果');
    expect(shown({ step: 'intent', op: 'reverse' }, 'en').headline).toBe('Reversing the order');
  });

  it('"pending: USERPAYING" reads as waiting for the password, the raw code in the detail', () => {
    const text = outcome('charge', {
      kind: 'charge_replied',
      outcome: { kind: 'pending', providerCode: 'USERPAYING' },
    });
    expect(text).toEqual({ headline: '等待顾客输入支付密码', detail: 'pending: USERPAYING' });
  });

  it('a paid reply shows the amount; the transaction id stays in the detail', () => {
    const text = outcome('query', {
      kind: 'query_replied',
      outcome: { kind: 'paid', totalFee: 880, transactionId: '4200001', paidAt: 1 } as never,
    });
    expect(text.headline).toBe('支付成功 ¥8.80');
    expect(text.detail).toContain('4200001');
  });

  it('a provider decline is in the UI language, with its code and message in the detail', () => {
    const event = {
      kind: 'charge_replied',
      outcome: {
        kind: 'failed',
        providerCode: 'NOTENOUGH',
        message: '余额不足',
        reason: 'insufficient_funds',
      },
    } as unknown as AttemptEvent;
    const zh = outcome('charge', event);
    expect(zh).toEqual({ headline: '支付失败', detail: 'failed: NOTENOUGH 余额不足' });
    expect(shown({ op: 'charge', summary: summarise(event) }, 'en').headline).toBe('Payment failed');
  });

  it('every unknown reason has its own words', () => {
    for (const reason of ['timeout', 'network', 'http_status', 'unparseable', 'bad_signature'] as const) {
      const text = outcome('query', {
        kind: 'query_replied',
        outcome: { kind: 'unknown', reason, detail: 'x' },
      });
      expect(text.headline).toMatch(/^结果未知：/);
    }
  });

  it('reverse, close, stop and settlement steps', () => {
    expect(outcome('reverse', { kind: 'reverse_replied', outcome: { kind: 'reversed' } }).headline).toBe(
      '已撤销，未扣款',
    );
    expect(
      outcome('reverse', { kind: 'reverse_replied', outcome: { kind: 'retry', providerCode: 'RECALL' } })
        .headline,
    ).toBe('支付平台要求再次撤销');
    expect(outcome('close', { kind: 'close_replied', outcome: { kind: 'closed' } }).headline).toBe(
      '订单已关闭',
    );
    expect(outcome('stop_requested', { kind: 'stop_requested' }).headline).toBe('收银员停止收款');
    expect(
      outcome('precreate', { kind: 'precreate_replied', outcome: { kind: 'created', qrCode: 'q' } }).headline,
    ).toBe('收款码已生成');
    const settled = shown({ op: 'settle_book_paid', summary: '主管: 已核实 (provider: paid)' }, 'en');
    expect(settled).toEqual({
      headline: 'Supervisor: booked as paid',
      detail: '主管: 已核实 (provider: paid)',
    });
    expect(shown({ op: 'paid_action_run_again', summary: '李: 没有启动 (held: …)' }, 'en').headline).toBe(
      'Supervisor: paid action run again',
    );
    expect(shown({ op: 'paid_action_mark_done', summary: '李: 已按摩 (held: …)' }).headline).toBe(
      '店长处理：付款后动作标记为已完成',
    );
    const closed = shown(
      {
        op: 'settle_close_refund',
        summary: '李: 现金退给顾客 (refund R1 refused by the provider, NOTENOUGH: …)',
      },
      'en',
    );
    expect(closed.headline).toBe('Supervisor: refund refused by the provider, refunded another way');
    expect(closed.detail).toMatch(/现金退给顾客.*NOTENOUGH/);
    expect(shown({ op: 'settle_close_refund', summary: '李: 现金' }).headline).toBe(
      '主管处理：退款被拒，已另行退款',
    );
    const late = shown({ op: 'paid_after_final', summary: 'notify: paid after the attempt ended closed' });
    expect(late).toEqual({
      headline: '订单结束后支付平台确认已付款：待店长处理',
      detail: 'notify: paid after the attempt ended closed',
    });
  });

  it('a step of a shape it does not know still gets a translated label and keeps its words', () => {
    expect(shown({ op: 'future_op', summary: 'something new' })).toEqual({
      headline: '处理步骤：future_op',
      detail: 'something new',
    });
  });
});
