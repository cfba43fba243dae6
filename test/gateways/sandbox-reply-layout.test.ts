/**
 * Layout fuzzer over every kind of reply the sandbox sends: each reply is captured as it crossed the
 * wire, then re-laid by fast-check (member order, whitespace; for Alipay the `…_response` text is
 * rewritten and signed again with the sandbox's Alipay key, since Alipay signs the raw text) and
 * read again. The adapter's outcome must not change: the layout is the server's business.
 */

import { createSign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlipayConfig } from '../../core/gateways/alipay/alipay-config.ts';
import { createAlipayGateway } from '../../core/gateways/alipay/alipay-gateway.ts';
import {
  mapCancelReply,
  mapCloseReply,
  mapPayReply,
  mapPrecreateReply,
  mapQueryReply,
  mapRefundQueryReply,
  mapRefundReply,
} from '../../core/gateways/alipay/alipay-outcomes.ts';
import { type AlipayReply, verifyAlipayReply } from '../../core/gateways/alipay/alipay-transport.ts';
import { parsePayjsConfig } from '../../core/gateways/payjs/payjs-config.ts';
import { createPayjsGateway } from '../../core/gateways/payjs/payjs-gateway.ts';
import {
  mapCheckReply,
  mapMicropayReply,
  mapCloseReply as mapPayjsCloseReply,
  mapPrecreateReply as mapPayjsPrecreateReply,
  mapRefundReply as mapPayjsRefundReply,
  mapReverseReply,
} from '../../core/gateways/payjs/payjs-outcomes.ts';
import { type PayjsReply, verifyPayjsReply } from '../../core/gateways/payjs/payjs-transport.ts';
import { loadSandboxKeys } from '../../core/sandbox/sandbox-credentials.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { objectOf, relayout, seededRng } from './json-layout.ts';
import { confirmPassword, issueCode, nextOutTradeNo } from './sandbox-helpers.ts';

interface Captured {
  readonly path: string;
  readonly form: URLSearchParams;
  readonly body: string;
}

/** A pass-through to the sandbox that keeps every reply body as it came. */
async function capturingRelay(target: string): Promise<{ url: string; seen: Captured[]; server: Server }> {
  const seen: Captured[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const sent = Buffer.concat(chunks).toString('utf8');
    const upstream = await fetch(`${target}${req.url}`, {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type']) },
      body: sent,
    });
    const body = await upstream.text();
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({
      path: url.pathname,
      form: new URLSearchParams([...url.searchParams, ...new URLSearchParams(sent)]),
      body,
    });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? '' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

let sandbox: RunningSandbox;
let relay: Awaited<ReturnType<typeof capturingRelay>>;
beforeAll(async () => {
  sandbox = await startSandbox();
  relay = await capturingRelay(sandbox.url);
});
afterAll(async () => {
  await new Promise<void>((resolve) => relay.server.close(() => resolve()));
  await sandbox.close();
});

describe('alipay: every sandbox reply, re-laid and re-signed, reads the same', () => {
  const platformKey = loadSandboxKeys().serverKeys.alipayPlatformPrivateKey;
  const configFor = (base: string) => {
    const ali = sandbox.credentials.alipay;
    return parseAlipayConfig({
      provider: 'alipay',
      app_id: ali.app_id,
      app_private_key: ali.app_private_key,
      alipay_public_key: ali.alipay_public_key,
      base_url: `${base}/alipay/gateway.do`,
    });
  };

  function outcomeOf(captured: Captured, reply: AlipayReply): unknown {
    const biz = JSON.parse(captured.form.get('biz_content') ?? '{}') as Record<string, string>;
    const no = biz.out_trade_no ?? '';
    switch (captured.form.get('method')) {
      case 'alipay.trade.pay':
        return mapPayReply(reply, no, Math.round(Number(biz.total_amount) * 100));
      case 'alipay.trade.query':
        return mapQueryReply(reply, no);
      case 'alipay.trade.cancel':
        return mapCancelReply(reply, no);
      case 'alipay.trade.close':
        return mapCloseReply(reply, no);
      case 'alipay.trade.refund':
        return mapRefundReply(reply, { outTradeNo: no, outRefundNo: biz.out_request_no ?? '' });
      case 'alipay.trade.fastpay.refund.query':
        return mapRefundQueryReply(reply, { outTradeNo: no, outRefundNo: biz.out_request_no ?? '' });
      case 'alipay.trade.precreate':
        return mapPrecreateReply(reply, no);
      default:
        throw new Error('unexpected method');
    }
  }

  it('pay (paid, pending, refused, unknown), query, cancel, close, refund, refund query, precreate', async () => {
    relay.seen.length = 0;
    const gateway = createAlipayGateway(configFor(relay.url));
    const pay = async (behavior: Parameters<typeof issueCode>[2]) => {
      const outTradeNo = nextOutTradeNo('LA');
      const authCode = await issueCode(sandbox, 'alipay', behavior);
      await gateway.micropay({ outTradeNo, authCode, totalFee: 1234, subject: '茶 Tea' });
      return { outTradeNo, authCode };
    };
    const paid = await pay('instant');
    const waiting = await pay('password');
    await pay('insufficient_funds');
    await pay('system_error');
    await gateway.query(paid);
    await gateway.query(waiting);
    await gateway.query({ outTradeNo: nextOutTradeNo('NONE') });
    const refund = { ...paid, outRefundNo: `${paid.outTradeNo}R`, totalFee: 1234, refundFee: 234 };
    await gateway.refund(refund);
    await gateway.queryRefund(refund);
    await gateway.queryRefund({ ...refund, outRefundNo: 'NOSUCHREFUND' });
    await gateway.reverse(waiting);
    await gateway.reverse({ outTradeNo: nextOutTradeNo('NONE') });
    const qr = { outTradeNo: nextOutTradeNo('LQ'), totalFee: 500, subject: 'QR' };
    await gateway.precreate(qr);
    await gateway.close(qr);
    await confirmPassword(sandbox, waiting.authCode).catch(() => undefined);

    const config = configFor(sandbox.url);
    const captured = relay.seen.filter((c) => c.path === '/alipay/gateway.do');
    expect(captured.length).toBeGreaterThanOrEqual(14);
    const kinds = new Set<string>();
    for (const c of captured) {
      const method = c.form.get('method') ?? '';
      const responseKey = `${method.replaceAll('.', '_')}_response`;
      const original = outcomeOf(c, verifyAlipayReply(config, method, c.body));
      kinds.add((original as { kind: string }).kind);
      const response = (JSON.parse(c.body) as Record<string, unknown>)[responseKey];
      fc.assert(
        fc.property(fc.integer(), (seed) => {
          const rng = seededRng(seed);
          const text = relayout(response, rng);
          const sign = createSign('RSA-SHA256').update(text, 'utf8').sign(platformKey, 'base64');
          const body = objectOf(
            [
              [responseKey, text],
              ['sign', JSON.stringify(sign)],
            ],
            rng,
          );
          expect(outcomeOf(c, verifyAlipayReply(config, method, body))).toEqual(original);
        }),
        { numRuns: 25 },
      );
    }
    // The capture covered the outcomes that matter, not only successes.
    for (const kind of [
      'paid',
      'pending',
      'failed',
      'unknown',
      'not_found',
      'reversed',
      'succeeded',
      'created',
      'closed',
    ])
      expect(kinds).toContain(kind);
  });
});

describe('payjs: every sandbox reply, re-laid, reads the same', () => {
  function outcomeOf(captured: Captured, reply: PayjsReply): unknown {
    const no =
      captured.form.get('out_trade_no') ??
      (JSON.parse(captured.body) as Record<string, string>).out_trade_no ??
      '';
    switch (captured.path) {
      case '/payjs/api/micropay':
        return mapMicropayReply(reply, no, Number(captured.form.get('total_fee')));
      case '/payjs/api/check':
        return mapCheckReply(reply, no);
      case '/payjs/api/reverse':
        return mapReverseReply(
          reply,
          no,
          captured.form.has('payjs_order_id') ? 'payjs_order_id' : 'out_trade_no',
        );
      case '/payjs/api/close':
        return mapPayjsCloseReply(reply, no);
      case '/payjs/api/refund':
        return mapPayjsRefundReply(reply, no, 0);
      case '/payjs/api/native':
        return mapPayjsPrecreateReply(reply, no);
      default:
        throw new Error(`unexpected path ${captured.path}`);
    }
  }

  it('micropay (paid, refused), check, reverse, close, refund, native', async () => {
    relay.seen.length = 0;
    const payjs = sandbox.credentials.payjs;
    const config = parsePayjsConfig({
      provider: 'payjs',
      mchid: payjs.mchid,
      key: payjs.key,
      base_url: `${relay.url}/payjs/api`,
      check_min_interval_ms: 0,
    });
    const gateway = createPayjsGateway(config);
    const pay = async (behavior: Parameters<typeof issueCode>[2]) => {
      const outTradeNo = nextOutTradeNo('LP');
      const authCode = await issueCode(sandbox, 'wxpay', behavior);
      const outcome = await gateway.micropay({
        outTradeNo,
        authCode,
        totalFee: 321,
        subject: '按摩 Massage',
      });
      return {
        outTradeNo,
        providerOrderId: 'providerOrderId' in outcome ? outcome.providerOrderId : undefined,
      };
    };
    const paid = await pay('instant');
    const waiting = await pay('password');
    await pay('insufficient_funds');
    await gateway.query(paid);
    await gateway.query(waiting);
    await gateway.refund({ ...paid, outRefundNo: 'R1', totalFee: 321, refundFee: 321 });
    await gateway.reverse(waiting);
    await gateway.reverse({ outTradeNo: nextOutTradeNo('NONE') });
    const qr = { outTradeNo: nextOutTradeNo('PQ'), totalFee: 100, subject: 'QR' };
    const created = await gateway.precreate(qr);
    await gateway.close({
      ...qr,
      ...('providerOrderId' in created ? { providerOrderId: created.providerOrderId } : {}),
    });

    const captured = relay.seen.filter((c) => c.path.startsWith('/payjs/api/'));
    expect(captured.length).toBeGreaterThanOrEqual(10);
    const kinds = new Set<string>();
    for (const c of captured) {
      const original = outcomeOf(c, verifyPayjsReply(config, c.body));
      kinds.add((original as { kind: string }).kind);
      const value = JSON.parse(c.body) as unknown;
      fc.assert(
        fc.property(fc.integer(), (seed) => {
          expect(outcomeOf(c, verifyPayjsReply(config, relayout(value, seededRng(seed))))).toEqual(original);
        }),
        { numRuns: 25 },
      );
    }
    for (const kind of [
      'paid',
      'unknown',
      'pending',
      'reversed',
      'unaddressable',
      'succeeded',
      'created',
      'closed',
    ])
      expect(kinds).toContain(kind);
  });
});
