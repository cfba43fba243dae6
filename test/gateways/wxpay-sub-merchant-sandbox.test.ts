/**
 * WeChat Pay v2 service-provider mode against the sandbox (docs/protocols.md §2): the sandbox's
 * mch_id is also a service provider with one sub-merchant (`sub_mch_id` on the first line). Every
 * call carries sub_mch_id; the sandbox refuses a sub-merchant the provider does not serve (NOAUTH,
 * final: nothing is charged), and the reply names the sub-merchant, which the adapter checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWxpayBillSource } from '../../core/gateways/wxpay/wxpay-bill-source.ts';
import { parseWxpayConfig } from '../../core/gateways/wxpay/wxpay-config.ts';
import { createWxpayGateway } from '../../core/gateways/wxpay/wxpay-gateway.ts';
import { createWxpayNotifyVerifier } from '../../core/gateways/wxpay/wxpay-notify.ts';
import { buildNotification } from '../../core/sandbox/notifications.ts';
import { loadSandboxKeys } from '../../core/sandbox/sandbox-credentials.ts';
import { sandboxProviderConfigs } from '../../core/sandbox/sandbox-provider-configs.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { chargeFreshCode, nextOutTradeNo } from './sandbox-helpers.ts';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

const gatewayFor = (subMchId: string) =>
  createWxpayGateway(parseWxpayConfig({ ...sandboxProviderConfigs(sandbox).wxpay, sub_mch_id: subMchId }));
const charge = (gw: ReturnType<typeof gatewayFor>, fee: number) =>
  chargeFreshCode(sandbox, gw, { wallet: 'wxpay', prefix: 'V2S', subject: 'sub' }, 'instant', fee);

describe('wxpay v2 sub-merchant against the sandbox', () => {
  it('the sub-merchant is paid, queried and refunded, and the trade is booked to it', async () => {
    const sub = sandbox.credentials.wxpay.sub_mch_id;
    const gateway = gatewayFor(sub);
    const { outTradeNo, outcome } = await charge(gateway, 800);
    expect(outcome).toMatchObject({ kind: 'paid', totalFee: 800 });
    expect(sandbox.ledger.find('wxpay', outTradeNo)?.echo.sub_mch_id).toBe(sub);
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'paid' });
    const outRefundNo = nextOutTradeNo('V2SR');
    expect(await gateway.refund({ outTradeNo, outRefundNo, totalFee: 800, refundFee: 100 })).toMatchObject({
      kind: 'processing',
    });
  });

  it('a sub_mch_id the service provider does not serve is refused (NOAUTH) and nothing is charged', async () => {
    const { outTradeNo, outcome } = await charge(gatewayFor('19999999'), 100);
    expect(outcome).toMatchObject({ kind: 'failed', providerCode: 'NOAUTH', decline: 'request_refused' });
    expect(sandbox.ledger.find('wxpay', outTradeNo)).toBeUndefined();
  });

  it("the paid notification names the sub-merchant: its config accepts it, the provider's own config does not", async () => {
    const sub = sandbox.credentials.wxpay.sub_mch_id;
    const { outTradeNo } = await charge(gatewayFor(sub), 321);
    const { credentials, serverKeys } = loadSandboxKeys();
    const trade = sandbox.ledger.find('wxpay', outTradeNo)!;
    const note = buildNotification(trade, credentials, serverKeys.alipayPlatformPrivateKey);
    const subConfig = parseWxpayConfig({ ...sandboxProviderConfigs(sandbox).wxpay, sub_mch_id: sub });
    expect(createWxpayNotifyVerifier(subConfig).read(note.body)).toMatchObject({
      kind: 'paid',
      totalFee: 321,
    });
    const own = parseWxpayConfig(sandboxProviderConfigs(sandbox).wxpay);
    expect(createWxpayNotifyVerifier(own).read(note.body)).toMatchObject({
      kind: 'rejected',
      reason: expect.stringMatching(/sub_mch_id/),
    });
  });

  it("the sub-merchant's bill holds its trades only; the provider's own bill not those", async () => {
    const sub = sandbox.credentials.wxpay.sub_mch_id;
    const subs = await charge(gatewayFor(sub), 650);
    const owns = await chargeFreshCode(
      sandbox,
      createWxpayGateway(parseWxpayConfig(sandboxProviderConfigs(sandbox).wxpay)),
      { wallet: 'wxpay', prefix: 'V2O', subject: 'own' },
      'instant',
      560,
    );
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const read = async (subMchId: string | undefined) => {
      const config = parseWxpayConfig({ ...sandboxProviderConfigs(sandbox).wxpay, sub_mch_id: subMchId });
      const bill = await createWxpayBillSource(config).fetchBill(today);
      if (bill.kind !== 'bill') throw new Error(bill.kind);
      const numbers: string[] = [];
      for await (const row of bill.rows) numbers.push(row.outTradeNo);
      return numbers;
    };
    const subBill = await read(sub);
    expect(subBill).toContain(subs.outTradeNo);
    expect(subBill).not.toContain(owns.outTradeNo);
    const ownBill = await read(undefined);
    expect(ownBill).toContain(owns.outTradeNo);
    expect(ownBill).not.toContain(subs.outTradeNo);
  });
});
