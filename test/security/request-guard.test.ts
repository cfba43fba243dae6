/** The HTTP guards on their own: Host names, Origin, content type, and who counts as local behind proxies. */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  hostAllowed,
  isJsonContentType,
  originAllowed,
  resolveClient,
} from '../../core/service/http/request-guard.ts';

const policy = { names: new Set(['till.shop.lan', 'pay.example.com']) };
const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('Host', () => {
  it.each([
    ['127.0.0.1:8417', true],
    ['localhost:8417', true],
    ['[::1]:8417', true],
    ['192.168.1.20:8417', true],
    ['TILL.shop.lan', true],
    ['pay.example.com', true],
    ['rebind.evil.example:8417', false],
    ['localhost.evil.example', false],
    ['', false],
  ])('%s → %s', (host, allowed) => {
    expect(hostAllowed(policy, host || undefined)).toBe(allowed);
  });
});

describe('Origin', () => {
  it('accepts no Origin (curl, navigation) and exactly the service’s own', () => {
    expect(originAllowed(undefined, '127.0.0.1:8417', 'http')).toBe(true);
    expect(originAllowed('http://127.0.0.1:8417', '127.0.0.1:8417', 'http')).toBe(true);
  });

  it('refuses another port, another scheme, another host and null', () => {
    expect(originAllowed('http://127.0.0.1:3000', '127.0.0.1:8417', 'http')).toBe(false);
    expect(originAllowed('https://127.0.0.1:8417', '127.0.0.1:8417', 'http')).toBe(false);
    expect(originAllowed('http://localhost:8417', '127.0.0.1:8417', 'http')).toBe(false);
    expect(originAllowed('null', '127.0.0.1:8417', 'http')).toBe(false);
  });
});

describe('Content-Type', () => {
  it('takes application/json with parameters, nothing a page can send without a preflight', () => {
    expect(isJsonContentType('application/json; charset=utf-8')).toBe(true);
    expect(isJsonContentType('Application/JSON')).toBe(true);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', undefined])
      expect(isJsonContentType(type)).toBe(false);
  });
});

describe('who is local', () => {
  const none = new Set<string>();
  it('a direct loopback request without forwarding headers', () => {
    expect(resolveClient(request({ host: '127.0.0.1:8417' }), '127.0.0.1', none, null).local).toBe(true);
    expect(resolveClient(request({}), '::ffff:127.0.0.1', none, null).local).toBe(true);
    expect(resolveClient(request({}), '192.168.1.9', none, null).local).toBe(false);
  });

  it('not a request carrying any forwarding header from an untrusted peer', () => {
    for (const name of ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-forwarded-host'])
      expect(resolveClient(request({ [name]: '127.0.0.1' }), '127.0.0.1', none, null).local, name).toBe(
        false,
      );
  });

  it('behind trusted proxies, the right-most address they did not add', () => {
    const proxies = new Set(['127.0.0.1', '10.0.0.2']);
    const chain = resolveClient(
      request({ 'x-forwarded-for': '127.0.0.1, 198.51.100.7, 10.0.0.2' }),
      '127.0.0.1',
      proxies,
      null,
    );
    expect(chain).toEqual({ address: '198.51.100.7', local: false });
    // A client that writes X-Forwarded-For: 127.0.0.1 itself gets its real address appended by the proxy.
    const faked = resolveClient(
      request({ 'x-forwarded-for': '127.0.0.1, 203.0.113.5' }),
      '127.0.0.1',
      proxies,
      null,
    );
    expect(faked).toEqual({ address: '203.0.113.5', local: false });
    // A browser on this machine going through the local proxy stays local.
    expect(resolveClient(request({ 'x-forwarded-for': '127.0.0.1' }), '127.0.0.1', proxies, null).local).toBe(
      true,
    );
  });

  it('not a request for public_url’s host, whatever its peer', () => {
    const viaPublic = resolveClient(
      request({ host: 'pay.example.com' }),
      '127.0.0.1',
      none,
      'pay.example.com',
    );
    expect(viaPublic.local).toBe(false);
  });
});
