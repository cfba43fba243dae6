/**
 * WeChat's backup domain (docs/protocols.md §2, "Backup domain"): when the main domain cannot be
 * reached, a call goes to backup_base_url (api2.mch.weixin.qq.com by default) only if WeChat cannot
 * have received it (connection refused, DNS failure: not one byte sent) or if it is a query, which
 * changes nothing. A charge whose outcome is unknown (timeout, reset, 5xx) is never resent: the engine
 * queries and reverses it instead.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseWxpayConfig } from '../../core/gateways/wxpay/wxpay-config.ts';
import { createWxpayGateway } from '../../core/gateways/wxpay/wxpay-gateway.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import { type CannedServer, startCannedServer } from './canned-server.ts';
import { fixture, signedWxReply, WX_KEY, wxpayTestConfig } from './wxpay-fixtures.ts';

let primary: CannedServer;
let backup: CannedServer;
let refusedUrl: string;

/** A loopback port nothing listens on: connecting to it is refused before any byte is sent. */
async function refusedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  primary = await startCannedServer();
  backup = await startCannedServer();
  refusedUrl = await refusedPort();
});
afterAll(async () => {
  await primary.close();
  await backup.close();
});
beforeEach(() => {
  primary.requests.length = 0;
  backup.requests.length = 0;
  backup.answer = () => ({ kind: 'reply', body: signedWxReply(PAID), contentType: 'text/xml' });
});

const PAID = {
  result_code: 'SUCCESS',
  out_trade_no: 'B100',
  transaction_id: '4200000009',
  total_fee: '500',
  time_end: '20261130120000',
  trade_state: 'SUCCESS',
};
const charge = { outTradeNo: 'B100', authCode: '134567890123456789', totalFee: 500, subject: 'Tea' };

function gatewayWith(primaryUrl: string): PaymentGateway {
  return createWxpayGateway(
    wxpayTestConfig(`${primaryUrl}/wxpay`, { backup_base_url: `${backup.url}/wxpay` }),
  );
}

describe('WeChat backup domain', () => {
  it('sends a charge to the backup when the main domain refuses the connection', async () => {
    const outcome = await gatewayWith(refusedUrl).micropay(charge);
    expect(outcome).toMatchObject({ kind: 'paid', transactionId: '4200000009' });
    expect(backup.requests.map((r) => r.path)).toEqual(['/wxpay/pay/micropay']);
  });

  it('sends a reverse (client certificate call) to the backup when the main domain refuses', async () => {
    backup.answer = () => ({
      kind: 'reply',
      body: signedWxReply({ result_code: 'SUCCESS', recall: 'N' }),
      contentType: 'text/xml',
    });
    expect(await gatewayWith(refusedUrl).reverse({ outTradeNo: 'B100' })).toEqual({ kind: 'reversed' });
    expect(backup.requests.map((r) => r.path)).toEqual(['/wxpay/secapi/pay/reverse']);
  });

  it.each([
    ['times out', { kind: 'hang' } as const, 'timeout'],
    ['resets the connection', { kind: 'reset' } as const, 'network'],
    ['answers 502', { kind: 'reply', status: 502, body: 'bad gateway' } as const, 'http_status'],
  ])(
    'never resends a charge when the main domain %s: unknown, backup untouched',
    async (_n, answer, reason) => {
      primary.answer = () => answer;
      const outcome = await gatewayWith(primary.url).micropay(charge);
      expect(outcome).toMatchObject({ kind: 'unknown', reason });
      expect(primary.requests).toHaveLength(1);
      expect(backup.requests).toHaveLength(0);
    },
  );

  it.each([
    ['times out', { kind: 'hang' } as const],
    ['resets the connection', { kind: 'reset' } as const],
    ['answers 502', { kind: 'reply', status: 502, body: 'bad gateway' } as const],
  ])('asks the backup when a query to the main domain %s', async (_n, answer) => {
    primary.answer = () => answer;
    expect(await gatewayWith(primary.url).query({ outTradeNo: 'B100' })).toMatchObject({ kind: 'paid' });
    expect(backup.requests.map((r) => r.path)).toEqual(['/wxpay/pay/orderquery']);
  });

  it('a query the main domain answers does not touch the backup', async () => {
    primary.answer = () => ({ kind: 'reply', body: signedWxReply(PAID), contentType: 'text/xml' });
    expect(await gatewayWith(primary.url).query({ outTradeNo: 'B100' })).toMatchObject({ kind: 'paid' });
    expect(backup.requests).toHaveLength(0);
  });

  it('with both domains refusing, the charge is unknown (network), tried once on each', async () => {
    const gateway = createWxpayGateway(
      wxpayTestConfig(`${refusedUrl}/wxpay`, { backup_base_url: `${refusedUrl}/wx2` }),
    );
    expect(await gateway.micropay(charge)).toMatchObject({ kind: 'unknown', reason: 'network' });
  });
});

describe('backup domain configuration', () => {
  const base = {
    provider: 'wxpay',
    appid: 'wx2421b1c4370ec43b',
    mch_id: '10000100',
    key: WX_KEY,
    cert_pem: fixture('client-cert.pem'),
    key_pem: fixture('client-key.pem'),
  };

  it("defaults to api2.mch.weixin.qq.com for WeChat's own domain, for plain and certificate calls", () => {
    expect(parseWxpayConfig(base)).toMatchObject({
      base_url: 'https://api.mch.weixin.qq.com',
      backup_base_url: 'https://api2.mch.weixin.qq.com',
      secapi_backup_base_url: 'https://api2.mch.weixin.qq.com',
    });
  });

  it('has no backup for another base_url unless one is configured', () => {
    const own = parseWxpayConfig({ ...base, base_url: 'https://proxy.example.com/wx' });
    expect(own.backup_base_url).toBeUndefined();
    const withBackup = parseWxpayConfig({
      ...base,
      base_url: 'https://proxy.example.com/wx',
      backup_base_url: 'https://proxy2.example.com/wx/',
    });
    expect(withBackup.backup_base_url).toBe('https://proxy2.example.com/wx');
  });
});
