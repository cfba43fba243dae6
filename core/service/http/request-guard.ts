/**
 * Browser and proxy defences of the local API (docs/security.md):
 * - Host: only the service's own names. A DNS-rebinding page reaches 127.0.0.1 under the attacker's
 *   host name, so any other name is refused (421). IP literals are accepted: rebinding needs a name.
 * - Origin: when a browser sends one it must be this service's own origin (the Host it asked for),
 *   so another page, even one on another loopback port, cannot drive the API.
 * - Content-Type: writes must say application/json, which a page can only send after a CORS
 *   preflight that this service never grants (text/plain and form posts need none).
 * - Client address: X-Forwarded-For is believed only from a configured trusted proxy; from anyone
 *   else a forwarding header marks the request as not local, as does asking for public_url's host.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return (
    address === '::1' ||
    address === 'localhost' ||
    address.startsWith('127.') ||
    address.startsWith('::ffff:127.')
  );
}

/** `host[:port]` → the lower-cased host name, brackets of an IPv6 literal removed; null when malformed. */
export function hostName(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null;
  try {
    const name = new URL(`http://${hostHeader}`).hostname.toLowerCase();
    return name.startsWith('[') ? name.slice(1, -1) : name;
  } catch {
    return null;
  }
}

export interface HostPolicy {
  /** Lower-cased names besides loopback and IP literals: the bound host, public_url's host, allowed_hosts. */
  readonly names: ReadonlySet<string>;
}

export function hostAllowed(policy: HostPolicy, hostHeader: string | undefined): boolean {
  const name = hostName(hostHeader);
  if (name === null) return false;
  return name === 'localhost' || isIP(name) !== 0 || policy.names.has(name);
}

/** An Origin header, when present, must name exactly the scheme and host this request was sent to. */
export function originAllowed(
  origin: string | undefined,
  hostHeader: string | undefined,
  scheme: string,
): boolean {
  if (origin === undefined) return true;
  if (!hostHeader) return false;
  try {
    const url = new URL(origin);
    return url.protocol === `${scheme}:` && url.host === new URL(`${scheme}://${hostHeader}`).host;
  } catch {
    return false; // includes `Origin: null` (sandboxed frames, file: pages)
  }
}

export function isJsonContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-forwarded-host'];

export interface ClientOrigin {
  /** The client's address as far as it can be trusted. */
  readonly address: string | undefined;
  /** True only for a loopback client that reached us directly, not through a proxy or public_url. */
  readonly local: boolean;
}

export function resolveClient(
  request: IncomingMessage,
  peer: string | undefined,
  trustedProxies: ReadonlySet<string>,
  publicHost: string | null,
): ClientOrigin {
  const throughPublicUrl = publicHost !== null && hostName(request.headers.host) === publicHost;
  const normalizedPeer = peer?.startsWith('::ffff:') ? peer.slice(7) : peer;
  const forwarded = String(request.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (normalizedPeer && trustedProxies.has(normalizedPeer) && forwarded.length > 0) {
    // The right-most address a trusted proxy did not add is the client.
    let address: string | undefined = normalizedPeer;
    for (let i = forwarded.length - 1; i >= 0; i--) {
      address = forwarded[i];
      if (!trustedProxies.has(address!)) break;
    }
    return { address, local: isLoopback(address) && !throughPublicUrl };
  }
  const forwardedBy = FORWARDING_HEADERS.some((name) => request.headers[name] !== undefined);
  return { address: peer, local: isLoopback(peer) && !forwardedBy && !throughPublicUrl };
}
