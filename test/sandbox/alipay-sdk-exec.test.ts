/**
 * An outside witness for the sandbox's Alipay: the official alipay-sdk client, unchanged, calling
 * exec(method, { bizContent }, { validateSign: true }) for pay, query, cancel and refund, in
 * public-key mode and in certificate mode (公钥证书模式). If the sandbox signed anything but the raw
 * response text, or named certificates the SDK does not derive, these calls would throw.
 */
import { createPublicKey } from 'node:crypto';
import { AlipaySdk, type AlipaySdkConfig } from 'alipay-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { issueCode, orderNo, tradeOf } from './helpers/sandbox-http.ts';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

type Mode = 'public key' | 'certificate';

function sdkFor(mode: Mode, overrides: Partial<AlipaySdkConfig> = {}): AlipaySdk {
  const ali = sandbox.credentials.alipay;
  const verifying: Partial<AlipaySdkConfig> =
    mode === 'certificate'
      ? {
          appCertContent: ali.app_cert,
          alipayPublicCertContent: ali.alipay_public_cert,
          alipayRootCertContent: ali.alipay_root_cert,
        }
      : { alipayPublicKey: ali.alipay_public_key };
  return new AlipaySdk({
    appId: ali.app_id,
    privateKey: ali.app_private_key,
    keyType: 'PKCS8',
    gateway: `${sandbox.url}/alipay/gateway.do`,
    timeout: 5000,
    camelcase: false,
    ...verifying,
    ...overrides,
  });
}

describe.each<Mode>(['public key', 'certificate'])(
  'alipay-sdk exec() against the sandbox, %s mode',
  (mode) => {
    it('pay, query, refund and cancel verify and say what the ledger holds', async () => {
      const sdk = sdkFor(mode);
      const no = orderNo();
      const pay = await sdk.exec(
        'alipay.trade.pay',
        {
          bizContent: {
            out_trade_no: no,
            scene: 'bar_code',
            auth_code: await issueCode(sandbox.url, 'alipay'),
            subject: 'sdk witness',
            total_amount: '6.60',
          },
        },
        { validateSign: true },
      );
      expect(pay).toMatchObject({ code: '10000', out_trade_no: no, total_amount: '6.60' });

      const query = await sdk.exec(
        'alipay.trade.query',
        { bizContent: { out_trade_no: no } },
        { validateSign: true },
      );
      expect(query).toMatchObject({ code: '10000', trade_status: 'TRADE_SUCCESS', trade_no: pay.trade_no });

      const refund = await sdk.exec(
        'alipay.trade.refund',
        { bizContent: { out_trade_no: no, refund_amount: '1.60', out_request_no: `${no}R` } },
        { validateSign: true },
      );
      expect(refund).toMatchObject({ code: '10000', fund_change: 'Y', refund_fee: '1.60' });

      const cancel = await sdk.exec(
        'alipay.trade.cancel',
        { bizContent: { out_trade_no: no } },
        { validateSign: true },
      );
      expect(cancel).toMatchObject({ code: '10000', action: 'refund', retry_flag: 'N' });
      expect(await tradeOf(sandbox.url, 'alipay', no)).toMatchObject({
        captured_fen: 660,
        refunded_fen: 660,
      });
    });

    it('a client holding another Alipay key refuses the sandbox reply (the check is real)', async () => {
      const ali = sandbox.credentials.alipay;
      // The app's own key / certificate: real, well-formed, but not what the sandbox signs with.
      const appPublicKey = createPublicKey(ali.app_private_key)
        .export({ type: 'spki', format: 'pem' })
        .toString();
      const wrong =
        mode === 'certificate'
          ? { alipayPublicCertContent: ali.app_cert }
          : { alipayPublicKey: appPublicKey };
      const sdk = sdkFor(mode, wrong);
      await expect(
        sdk.exec('alipay.trade.query', { bizContent: { out_trade_no: orderNo() } }, { validateSign: true }),
      ).rejects.toThrow(/验签失败/);
    });
  },
);
