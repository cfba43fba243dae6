/**
 * The headless UI's files. `index.html` is answered for any path that is not a file under the root
 * (client-side routes); for a local client it carries the console session in a meta tag, which only
 * a page of this origin can read (a rebinding page is refused by the Host check before it gets here).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

/** The meta tag through which the served page learns its session (read by renderer/src/bridge). */
export const SESSION_META = 'scanpay-session';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
};
const PAGE_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const NOT_BUILT =
  '<!doctype html><html><head><meta charset="utf-8"><title>ScanPay Kiosk</title></head><body><p>The UI is not built: run <code>npm run build:renderer</code>. The API is at /api/health.</p></body></html>';

function indexHtml(root: string | undefined, session: string | null): Buffer {
  const page =
    root && existsSync(join(root, 'index.html')) ? readFileSync(join(root, 'index.html'), 'utf8') : NOT_BUILT;
  if (session === null) return Buffer.from(page);
  const meta = `<meta name="${SESSION_META}" content="${session}">`;
  return Buffer.from(page.includes('</head>') ? page.replace('</head>', `${meta}</head>`) : meta + page);
}

/** `path` is already percent-decoded; `session` is null for a client that is not local. */
export function serveUiFile(
  root: string | undefined,
  path: string,
  session: string | null,
  response: ServerResponse,
): void {
  let file: string | null = null;
  if (root && existsSync(join(root, 'index.html'))) {
    file = join(root, normalize(path).replace(/^([/\\])+/, ''));
    if ((!file.startsWith(root + sep) && file !== root) || !existsSync(file) || statSync(file).isDirectory())
      file = join(root, 'index.html');
  }
  const isIndex = file === null || file.endsWith('index.html');
  const body = isIndex ? indexHtml(root, session) : readFileSync(file!);
  response.writeHead(200, {
    'content-type': isIndex
      ? 'text/html; charset=utf-8'
      : (CONTENT_TYPES[extname(file!)] ?? 'application/octet-stream'),
    'content-security-policy': PAGE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': isIndex ? 'no-store' : 'public, max-age=31536000, immutable',
  });
  response.end(body);
}
