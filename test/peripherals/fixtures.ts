/** A paid WeChat sale as the service publishes it, for receipts and peripherals tests. */
import type { OrderView } from '../../core/common/contract/views.ts';

export function paidOrder(overrides: Partial<OrderView> = {}): OrderView {
  return {
    out_trade_no: 'T01-20261130-000123',
    pid: 'shop',
    total_fee: 1288,
    subject: '珍珠奶茶 大杯',
    type: 'sale',
    custom: null,
    status: 1,
    tender: 'wxpay',
    provider: 'wxpay',
    transaction_id: '4200001234202611301234567890',
    paid_out_trade_no: 'T01-20261130-000123-1',
    paid_at: Date.UTC(2026, 10, 30, 15, 9, 44),
    refunded_fee: 0,
    refunds: [],
    callback: null,
    cashier: '张三',
    shift_id: 'S1',
    note: null,
    created_at: Date.UTC(2026, 10, 30, 15, 9, 30),
    updated_at: Date.UTC(2026, 10, 30, 15, 9, 44),
    live_attempt: null,
    ...overrides,
  };
}
