import { describe, expect, it, vi } from 'vitest';
import type { ServiceEvent } from '../../../core/common/contract/api-contract.ts';
import { ScanPayError } from '../../../core/common/errors.ts';
import { createHttpBridge } from '../../../renderer/src/bridge/http-bridge.ts';
import { aSale } from '../fixtures/views.ts';

class FakeEventSource {
  static last: FakeEventSource | null = null;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  closed = false;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeEventSource.last = this;
  }
  close() {
    this.closed = true;
  }
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('http bridge', () => {
  it('POSTs the request to /api/<name> with the bearer token and returns the value', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const bridge = createHttpBridge({
      baseUrl: 'http://127.0.0.1:9/',
      token: 'tok',
      fetch: (async (url: string, init: RequestInit) => {
        seen.push({ url, init });
        return jsonResponse(200, { ok: true, value: aSale({ state: 'awaiting_scan' }) });
      }) as typeof fetch,
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const sale = await bridge.call('beginSale', { total_fee: 1250 });
    expect(sale.state).toBe('awaiting_scan');
    expect(seen[0]?.url).toBe('http://127.0.0.1:9/api/beginSale');
    expect(seen[0]?.init.method).toBe('POST');
    expect(JSON.parse(String(seen[0]?.init.body))).toEqual({ total_fee: 1250 });
    expect((seen[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer tok');
  });

  it('turns an error body (any status) into a ScanPayError with the same code', async () => {
    const bridge = createHttpBridge({
      baseUrl: 'http://x',
      token: null,
      fetch: (async () =>
        jsonResponse(409, {
          ok: false,
          error: { code: 'attempt_unresolved', message: 'busy' },
        })) as typeof fetch,
    });
    const error = await bridge.call('beginSale', { total_fee: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanPayError);
    expect((error as ScanPayError).code).toBe('attempt_unresolved');
  });

  it('reports an unreachable service and an unreadable reply with their own codes', async () => {
    const down = createHttpBridge({
      baseUrl: 'http://x',
      token: null,
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
    });
    await expect(down.call('health', {})).rejects.toMatchObject({ code: 'service_unreachable' });
    const garbled = createHttpBridge({
      baseUrl: 'http://x',
      token: null,
      fetch: (async () => new Response('<html>502</html>', { status: 502 })) as typeof fetch,
    });
    await expect(garbled.call('health', {})).rejects.toMatchObject({ code: 'service_bad_reply' });
  });

  it('opens one event stream (no token on this machine), parses events, skips bad lines and tracks the link', () => {
    const bridge = createHttpBridge({
      baseUrl: 'http://127.0.0.1:9',
      token: null,
      session: 'sess',
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const events: ServiceEvent[] = [];
    const links: string[] = [];
    const off1 = bridge.subscribe((e) => events.push(e));
    const offLink = bridge.onLinkChange((l) => links.push(l));
    const source = FakeEventSource.last!;
    expect(source.url).toBe('http://127.0.0.1:9/api/events');
    source.onopen?.();
    source.onmessage?.({ data: 'not json' });
    source.onmessage?.({ data: JSON.stringify({ kind: 'sale', sale: aSale() }) });
    source.onerror?.();
    source.onopen?.();
    expect(events.map((e) => e.kind)).toEqual(['sale']);
    expect(links).toEqual(['connecting', 'open', 'lost', 'open']);
    off1();
    expect(source.closed).toBe(false);
    offLink();
    expect(source.closed).toBe(true);
  });

  it('with a token, opens the stream with a one-time ticket fetched in a header, never the token in the URL', async () => {
    FakeEventSource.last = null;
    const seen: { url: string; auth: string | undefined }[] = [];
    let issued = 0;
    const bridge = createHttpBridge({
      baseUrl: 'http://127.0.0.1:9',
      token: 'lan-token',
      reconnectMs: 1,
      fetch: (async (url: string, init: RequestInit) => {
        seen.push({ url, auth: (init.headers as Record<string, string>).authorization });
        issued++;
        return jsonResponse(200, { ok: true, value: { ticket: `t${issued}`, expires_in_ms: 60_000 } });
      }) as typeof fetch,
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const off = bridge.subscribe(() => {});
    await vi.waitFor(() => expect(FakeEventSource.last?.url).toBe('http://127.0.0.1:9/api/events?ticket=t1'));
    expect(seen[0]).toEqual({ url: 'http://127.0.0.1:9/api/eventsTicket', auth: 'Bearer lan-token' });
    // A lost stream is reopened with a fresh ticket (the spent one would be refused).
    const first = FakeEventSource.last!;
    first.onerror?.();
    expect(first.closed).toBe(true);
    await vi.waitFor(() => expect(FakeEventSource.last?.url).toBe('http://127.0.0.1:9/api/events?ticket=t2'));
    expect(seen.every((s) => !s.url.includes('lan-token'))).toBe(true);
    off();
  });

  it('reads vk-uni-pay’s flat answers of createPayment…closeOrder: code 0 → the fields, else the error_code', async () => {
    const replies = [
      jsonResponse(200, { code: 0, msg: 'ok', orderPaid: true, status: 1, out_trade_no: 'A1' }),
      jsonResponse(403, {
        code: 403,
        msg: 'no',
        error_code: 'permission_denied',
        error: { code: 'permission_denied' },
      }),
    ];
    const bridge = createHttpBridge({
      baseUrl: 'http://x',
      token: null,
      fetch: (async () => replies.shift()!) as typeof fetch,
    });
    expect(await bridge.call('queryPayment', { out_trade_no: 'A1' })).toEqual({
      orderPaid: true,
      status: 1,
      out_trade_no: 'A1',
    });
    await expect(bridge.call('refund', { out_trade_no: 'A1' })).rejects.toMatchObject({
      code: 'permission_denied',
    });
  });

  it('sends the page’s console session as X-ScanPay-Session', async () => {
    let sent: Record<string, string> = {};
    const bridge = createHttpBridge({
      baseUrl: 'http://x',
      token: null,
      session: 'page-session',
      fetch: (async (_url: string, init: RequestInit) => {
        sent = init.headers as Record<string, string>;
        return jsonResponse(200, { ok: true, value: aSale() });
      }) as typeof fetch,
    });
    await bridge.call('getSale', {});
    expect(sent['x-scanpay-session']).toBe('page-session');
    expect(sent.authorization).toBeUndefined();
  });
});
