import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxProviderConfigs } from '../../core/sandbox/sandbox-provider-configs.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { aliCall } from './helpers/alipay-client.ts';
import { payjsCall } from './helpers/payjs-client.ts';
import { issueCode, orderNo } from './helpers/sandbox-http.ts';
import { micropayFields, wxCall } from './helpers/wxpay-client.ts';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});

describe('sandboxProviderConfigs', () => {
  it('gives base URLs under which the documented provider paths answer', async () => {
    const configs = sandboxProviderConfigs(sandbox);
    const wxBase = configs.wxpay.base_url.slice(sandbox.url.length);
    const wx = await wxCall(
      sandbox.url,
      `${wxBase}/pay/micropay`,
      sandbox.credentials,
      micropayFields(orderNo(), await issueCode(sandbox.url, 'wxpay')),
    );
    expect(wx.params.result_code).toBe('SUCCESS');
    const secapi = await wxCall(
      sandbox.url,
      '/secapi/pay/reverse',
      sandbox.credentials,
      { out_trade_no: 'none' },
      {
        tls: {
          url: configs.wxpay.secapi_base_url,
          cert: configs.wxpay.cert_pem,
          key: configs.wxpay.key_pem,
          ca: configs.wxpay.ca_pem,
        },
      },
    );
    expect(secapi.params).toMatchObject({ return_code: 'SUCCESS', err_code: 'ORDERNOTEXIST' });
    expect(configs.alipay.base_url).toBe(`${sandbox.url}/alipay/gateway.do`);
    expect(
      (await aliCall(sandbox.url, sandbox.credentials, 'alipay.trade.query', { out_trade_no: 'none' }))
        .signOk,
    ).toBe(true);
    const payjsPath = configs.payjs.base_url.slice(sandbox.url.length);
    expect(payjsPath).toBe('/payjs/api');
    expect(
      (await payjsCall(sandbox.url, sandbox.credentials, 'check', { out_trade_no: 'none' })).json.return_code,
    ).toBe(0);
  });
});
