/**
 * The adapter against samples printed in WeChat Pay's APIv3 pages (test/fixtures/providers/wxpay-v3):
 * the service provider's reverse request carries exactly the documented body fields, and the
 * documented tradebill reply is read as a download_url plus a SHA1 the file must match.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWxpayV3BillSource } from '../../core/gateways/wxpay-v3/wxpay-v3-bill-source.ts';
import { parseWxpayV3Config } from '../../core/gateways/wxpay-v3/wxpay-v3-config.ts';
import { createWxpayV3Gateway } from '../../core/gateways/wxpay-v3/wxpay-v3-gateway.ts';
import type { BillRow } from '../../core/ports/bill-source.ts';
import { loadSandboxKeys } from '../../core/sandbox/sandbox-credentials.ts';
import { sandboxWxpayV3PartnerConfig } from '../../core/sandbox/sandbox-provider-configs.ts';
import { type CannedServer, startCannedServer } from './canned-server.ts';

function sample(name: string): Record<string, unknown> {
  const { _source, ...body } = JSON.parse(
    readFileSync(new URL(`../fixtures/providers/wxpay-v3/${name}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  expect(_source).toMatch(/^https:\/\/pay\.weixin\.qq\.com\//);
  return body;
}

let server: CannedServer;
beforeAll(async () => {
  server = await startCannedServer();
  server.answer = () => ({ kind: 'reply', status: 200, body: '{}', contentType: 'application/json' });
});
afterAll(() => server.close());

function partnerConfig() {
  const { credentials } = loadSandboxKeys();
  return parseWxpayV3Config({
    ...sandboxWxpayV3PartnerConfig({ url: server.url, secapiUrl: server.url, credentials }),
    base_url: server.url,
    sub_appid: 'wxd678efh567hg6787',
  });
}

describe('WeChat Pay APIv3 official samples', () => {
  it('the partner reverse body has exactly the documented fields, on the documented path', async () => {
    const official = sample('partner-reverse-request.official.json');
    const outcome = await createWxpayV3Gateway(partnerConfig()).reverse({ outTradeNo: 'SAMPLE1' });
    // The canned reply is unsigned: unknown, never reversed.
    expect(outcome.kind).toBe('unknown');
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe('/v3/pay/partner/transactions/out-trade-no/SAMPLE1/reverse');
    expect(Object.keys(JSON.parse(sent.body)).sort()).toEqual(Object.keys(official).sort());
  });

  it('the documented tradebill reply leads to its download_url, and a file not matching hash_value is refused', async () => {
    const official = sample('tradebill-reply.official.json');
    const downloads: { url: string; authorization: string | null }[] = [];
    const source = createWxpayV3BillSource(partnerConfig(), {
      transport: { call: async () => ({ kind: 'verified', status: 200, json: official }) },
      fetch: async (input, init) => {
        downloads.push({
          url: String(input),
          authorization: new Headers(init?.headers).get('authorization'),
        });
        return new Response('交易时间,商户订单号\n总交易单数,应结订单总金额\n`0,`0.00\n', { status: 200 });
      },
    });
    const bill = await source.fetchBill(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10));
    if (bill.kind !== 'bill') throw new Error(bill.kind);
    const rows: BillRow[] = [];
    await expect(
      (async () => {
        for await (const row of bill.rows) rows.push(row);
      })(),
    ).rejects.toThrow(/SHA1/);
    expect(downloads).toEqual([
      { url: official.download_url, authorization: expect.stringMatching(/^WECHATPAY2-SHA256-RSA2048 /) },
    ]);
  });
});
