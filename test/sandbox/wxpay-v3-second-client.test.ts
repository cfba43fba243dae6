/**
 * A second, independent APIv3 client against the sandbox: wechatpay-axios-plugin signs its requests
 * and verifies the sandbox's replies with its own code (not core/gateways/shared/v3-sign.ts), so the
 * sandbox's protocol is checked against a client the field uses, not only against our adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wechatpay } from 'wechatpay-axios-plugin';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { issueCode, nextOutTradeNo } from '../gateways/sandbox-helpers.ts';

let sandbox: RunningSandbox;
let client: InstanceType<typeof Wechatpay>;

interface Reply {
  readonly status: number;
  readonly data: Record<string, unknown>;
}
/** The plugin's chained endpoints, typed only as far as these tests use them. */
interface Endpoints {
  readonly codepay: { post(data: object): Promise<Reply> };
  readonly byOutTradeNo: { get(config: object): Promise<Reply> };
}
/** The service-provider (partner) twins of the same endpoints. */
function partnerEndpoints(c: InstanceType<typeof Wechatpay>): Endpoints {
  const chained = c as unknown as {
    v3: {
      pay: {
        partner: {
          transactions: {
            codepay: Endpoints['codepay'];
            outTradeNo: { _out_trade_no_: Endpoints['byOutTradeNo'] };
          };
        };
      };
    };
  };
  const transactions = chained.v3.pay.partner.transactions;
  return { codepay: transactions.codepay, byOutTradeNo: transactions.outTradeNo._out_trade_no_ };
}
function endpoints(c: InstanceType<typeof Wechatpay>): Endpoints {
  const chained = c as unknown as {
    v3: {
      pay: {
        transactions: {
          codepay: Endpoints['codepay'];
          outTradeNo: { _out_trade_no_: Endpoints['byOutTradeNo'] };
        };
      };
    };
  };
  return {
    codepay: chained.v3.pay.transactions.codepay,
    byOutTradeNo: chained.v3.pay.transactions.outTradeNo._out_trade_no_,
  };
}

beforeAll(async () => {
  sandbox = await startSandbox();
  const v3 = sandbox.credentials.wxpay_v3;
  client = new Wechatpay({
    mchid: v3.mchid,
    serial: v3.serial_no,
    privateKey: v3.private_key,
    certs: { [v3.public_key_id]: v3.public_key },
    baseURL: `${sandbox.url}/wxpay/`,
  });
});
afterAll(() => sandbox.close());

describe('wechatpay-axios-plugin against the sandbox', () => {
  it('codepay is paid, and query by out_trade_no reads the same trade', async () => {
    const v3 = sandbox.credentials.wxpay_v3;
    const outTradeNo = nextOutTradeNo('AX');
    const authCode = await issueCode(sandbox, 'wxpay', 'instant');
    const paid = await endpoints(client).codepay.post({
      appid: v3.appid,
      mchid: v3.mchid,
      description: 'second client',
      out_trade_no: outTradeNo,
      payer: { auth_code: authCode },
      amount: { total: 321, currency: 'CNY' },
      scene_info: { device_ip: '127.0.0.1' },
    });
    expect(paid.status).toBe(200);
    expect(paid.data).toMatchObject({
      trade_state: 'SUCCESS',
      out_trade_no: outTradeNo,
      amount: { total: 321 },
    });

    const queried = await endpoints(client).byOutTradeNo.get({
      params: { mchid: v3.mchid },
      out_trade_no: outTradeNo,
    });
    expect(queried.data).toMatchObject({ trade_state: 'SUCCESS', transaction_id: paid.data.transaction_id });
  });

  it('a client holding the wrong WeChat Pay public key refuses a 200 reply the right key accepts', async () => {
    const v3 = sandbox.credentials.wxpay_v3;
    const outTradeNo = nextOutTradeNo('AXW');
    await endpoints(client).codepay.post({
      appid: v3.appid,
      mchid: v3.mchid,
      description: 'second client',
      out_trade_no: outTradeNo,
      payer: { auth_code: await issueCode(sandbox, 'wxpay', 'instant') },
      amount: { total: 5, currency: 'CNY' },
    });
    const { generateKeyPairSync } = await import('node:crypto');
    const wrong = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const distrustful = new Wechatpay({
      mchid: v3.mchid,
      serial: v3.serial_no,
      privateKey: v3.private_key,
      certs: { [v3.public_key_id]: wrong },
      baseURL: `${sandbox.url}/wxpay/`,
    });
    const query = { params: { mchid: v3.mchid }, out_trade_no: outTradeNo };
    expect((await endpoints(client).byOutTradeNo.get(query)).status).toBe(200);
    await expect(endpoints(distrustful).byOutTradeNo.get(query)).rejects.toThrow(/verif|signature/i);
  });

  it('partner codepay for the sub-merchant is paid and the partner query reads it; a stranger sub_mchid is refused', async () => {
    const v3 = sandbox.credentials.wxpay_v3;
    const outTradeNo = nextOutTradeNo('AXP');
    const account = { sp_appid: v3.sp_appid, sp_mchid: v3.mchid, sub_mchid: v3.sub_mchid };
    const paid = await partnerEndpoints(client).codepay.post({
      ...account,
      description: 'second client, partner',
      out_trade_no: outTradeNo,
      payer: { auth_code: await issueCode(sandbox, 'wxpay', 'instant') },
      amount: { total: 654, currency: 'CNY' },
      scene_info: { device_ip: '127.0.0.1' },
    });
    expect(paid.status).toBe(200);
    expect(paid.data).toMatchObject({ ...account, trade_state: 'SUCCESS', amount: { total: 654 } });
    expect(paid.data).not.toHaveProperty('mchid');
    const queried = await partnerEndpoints(client).byOutTradeNo.get({
      params: { sp_mchid: v3.mchid, sub_mchid: v3.sub_mchid },
      out_trade_no: outTradeNo,
    });
    expect(queried.data).toMatchObject({
      ...account,
      trade_state: 'SUCCESS',
      transaction_id: paid.data.transaction_id,
    });
    await expect(
      partnerEndpoints(client).codepay.post({
        ...account,
        sub_mchid: '19999999',
        description: 'not our sub-merchant',
        out_trade_no: nextOutTradeNo('AXS'),
        payer: { auth_code: await issueCode(sandbox, 'wxpay', 'instant') },
        amount: { total: 1, currency: 'CNY' },
        scene_info: { device_ip: '127.0.0.1' },
      }),
    ).rejects.toMatchObject({ response: { status: 403, data: { code: 'NO_AUTH' } } });
  });
});
