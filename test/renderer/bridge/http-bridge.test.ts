import { describe, expect, it } from 'vitest';
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

  it('opens one event stream with the token, parses events, skips bad lines and tracks the link', () => {
    const bridge = createHttpBridge({
      baseUrl: 'http://127.0.0.1:9',
      token: 'a b',
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const events: ServiceEvent[] = [];
    const links: string[] = [];
    const off1 = bridge.subscribe((e) => events.push(e));
    const offLink = bridge.onLinkChange((l) => links.push(l));
    const source = FakeEventSource.last!;
    expect(source.url).toBe('http://127.0.0.1:9/api/events?token=a+b');
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
});
