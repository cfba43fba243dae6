/**
 * The rule for booking a paid reply (core/gateways/shared/paid-outcome.ts), held in every adapter:
 * a correctly signed reply that says "paid" but does not name our out_trade_no, or carries no
 * transaction id, is `unknown` (the engine queries, then reverses), never `paid`. Each case runs
 * through the whole adapter (signed reply from a canned server → transport → mapping), for the
 * charge and for the query, next to the complete reply that is paid, so the test can fail.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAlipayGateway } from '../../core/gateways/alipay/alipay-gateway.ts';
import { parsePayjsConfig } from '../../core/gateways/payjs/payjs-config.ts';
import { createPayjsGateway } from '../../core/gateways/payjs/payjs-gateway.ts';
import { paidOutcome } from '../../core/gateways/shared/paid-outcome.ts';
import { v2Sign } from '../../core/gateways/shared/v2-sign.ts';
import { createWxpayGateway } from '../../core/gateways/wxpay/wxpay-gateway.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import { alipayTestConfig, signedAlipayReply } from './alipay-fixtures.ts';
import { type CannedServer, startCannedServer } from './canned-server.ts';
import { signedWxReply, wxpayTestConfig } from './wxpay-fixtures.ts';

const PAYJS_KEY = 'payjs-test-key-0000000000000000';

let server: CannedServer;
beforeAll(async () => {
  server = await startCannedServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

function answer(body: string) {
  server.answer = () => ({ kind: 'reply', body });
}

interface AdapterCase {
  readonly name: string;
  readonly gateway: () => PaymentGateway;
  readonly outTradeNo: string;
  readonly totalFee: number;
  readonly authCode: string;
  /** The transaction-id field of this provider's paid reply. */
  readonly transactionField: string;
  /** A signed paid reply to the charge / to the query, with the given fields removed. */
  readonly chargeReply: (without: readonly string[]) => string;
  readonly queryReply: (without: readonly string[]) => string;
}

function omit<T extends Record<string, unknown>>(fields: T, without: readonly string[]): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !without.includes(name))) as Partial<T>;
}

const wxPaid = {
  result_code: 'SUCCESS',
  out_trade_no: 'W200',
  transaction_id: '4200000002',
  total_fee: '990',
  time_end: '20261123173000',
  trade_state: 'SUCCESS',
};
const aliPaid = {
  code: '10000',
  msg: 'Success',
  out_trade_no: 'A200',
  trade_no: '2026112322002',
  total_amount: '9.90',
  trade_status: 'TRADE_SUCCESS',
};
const payjsPaid = {
  return_code: 1,
  return_msg: 'SUCCESS',
  payjs_order_id: 'PJ2',
  out_trade_no: 'P200',
  total_fee: 990,
  status: 1,
  transaction_id: '4200000003',
};
const payjsSigned = (fields: Record<string, unknown>) =>
  JSON.stringify({ ...fields, sign: v2Sign(fields as Record<string, string>, PAYJS_KEY, 'MD5') });

const adapters: readonly AdapterCase[] = [
  {
    name: 'wxpay',
    gateway: () => createWxpayGateway(wxpayTestConfig(`${server.url}/wxpay`)),
    outTradeNo: 'W200',
    totalFee: 990,
    authCode: '134567890123456789',
    transactionField: 'transaction_id',
    chargeReply: (without) => signedWxReply(omit(wxPaid, without) as Record<string, string>),
    queryReply: (without) => signedWxReply(omit(wxPaid, without) as Record<string, string>),
  },
  {
    name: 'alipay',
    gateway: () => createAlipayGateway(alipayTestConfig(`${server.url}/alipay/gateway.do`)),
    outTradeNo: 'A200',
    totalFee: 990,
    authCode: '284567890123456789',
    transactionField: 'trade_no',
    chargeReply: (without) => signedAlipayReply('alipay.trade.pay', omit(aliPaid, without)),
    queryReply: (without) => signedAlipayReply('alipay.trade.query', omit(aliPaid, without)),
  },
  {
    name: 'payjs',
    gateway: () =>
      createPayjsGateway(
        parsePayjsConfig({
          provider: 'payjs',
          mchid: '1500000001',
          key: PAYJS_KEY,
          base_url: `${server.url}/payjs/api`,
          check_min_interval_ms: 0,
          timeouts: { micropay_ms: 400, other_ms: 400 },
        }),
      ),
    outTradeNo: 'P200',
    totalFee: 990,
    authCode: '134567890123456789',
    transactionField: 'payjs_order_id',
    chargeReply: (without) => payjsSigned(omit(payjsPaid, without)),
    queryReply: (without) => payjsSigned(omit(payjsPaid, without)),
  },
];

describe.each(adapters)('$name: a signed paid reply is booked only when complete', (adapter) => {
  const charge = (gateway: PaymentGateway) =>
    gateway.micropay({
      outTradeNo: adapter.outTradeNo,
      authCode: adapter.authCode,
      totalFee: adapter.totalFee,
      subject: 'Tea',
    });
  const query = (gateway: PaymentGateway) => gateway.query({ outTradeNo: adapter.outTradeNo });

  it('the complete reply is paid (charge and query)', async () => {
    const gateway = adapter.gateway();
    answer(adapter.chargeReply([]));
    expect(await charge(gateway)).toMatchObject({ kind: 'paid', totalFee: adapter.totalFee });
    answer(adapter.queryReply([]));
    expect(await query(gateway)).toMatchObject({ kind: 'paid', totalFee: adapter.totalFee });
  });

  it('without out_trade_no it is unknown (mismatch), for the charge and the query', async () => {
    const gateway = adapter.gateway();
    answer(adapter.chargeReply(['out_trade_no']));
    expect(await charge(gateway)).toMatchObject({ kind: 'unknown', reason: 'mismatch' });
    answer(adapter.queryReply(['out_trade_no']));
    expect(await query(gateway)).toMatchObject({ kind: 'unknown', reason: 'mismatch' });
  });

  it('without the transaction id it is unknown (unparseable), for the charge and the query', async () => {
    const gateway = adapter.gateway();
    answer(adapter.chargeReply([adapter.transactionField]));
    expect(await charge(gateway)).toMatchObject({ kind: 'unknown', reason: 'unparseable' });
    answer(adapter.queryReply([adapter.transactionField]));
    expect(await query(gateway)).toMatchObject({ kind: 'unknown', reason: 'unparseable' });
  });
});

describe('alipay: an amount the adapter cannot read', () => {
  it('a signed success with total_amount "9.9.0" is unknown, and micropay resolves rather than throws', async () => {
    const gateway = createAlipayGateway(alipayTestConfig(`${server.url}/alipay/gateway.do`));
    answer(signedAlipayReply('alipay.trade.pay', { ...aliPaid, total_amount: '9.9.0' }));
    const outcome = await gateway.micropay({
      outTradeNo: 'A200',
      authCode: '284567890123456789',
      totalFee: 990,
      subject: 'Tea',
    });
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'unparseable' });
  });
});

describe('paidOutcome, the shared rule', () => {
  const complete = {
    outTradeNo: 'X1',
    transactionId: 'T1',
    totalFee: 100,
    paidAt: undefined,
    buyerId: undefined,
    fieldNames: 'total_fee/transaction_id',
  };
  it.each([
    ['no out_trade_no', { outTradeNo: undefined }, 'mismatch'],
    ['another out_trade_no', { outTradeNo: 'X2' }, 'mismatch'],
    ['no transaction id', { transactionId: undefined }, 'unparseable'],
    ['an empty transaction id', { transactionId: '' }, 'unparseable'],
    ['no amount', { totalFee: undefined }, 'unparseable'],
    ['another amount', { totalFee: 99 }, 'mismatch'],
  ] as const)('%s → unknown (%s)', (_what, patch, reason) => {
    expect(paidOutcome({ ...complete, ...patch }, 'X1', 100)).toMatchObject({ kind: 'unknown', reason });
  });

  it('names the missing fields in the provider’s words', () => {
    expect(paidOutcome({ ...complete, transactionId: undefined }, 'X1', 100)).toMatchObject({
      detail: 'paid reply lacks total_fee/transaction_id',
    });
  });

  it('a complete reply is paid; without an expected amount (a query) any readable amount passes', () => {
    expect(paidOutcome(complete, 'X1', 100)).toEqual({ kind: 'paid', transactionId: 'T1', totalFee: 100 });
    expect(paidOutcome({ ...complete, totalFee: 7 }, 'X1', undefined)).toMatchObject({
      kind: 'paid',
      totalFee: 7,
    });
  });
});
