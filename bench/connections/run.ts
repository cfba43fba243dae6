/**
 * Provider connections over TLS (`node bench/connections/run.ts [--calls N]`), figures only: N
 * sequential provider-sized calls (a signed form out, a ~1 KB JSON reply back) to an HTTPS server on
 * 127.0.0.1 (the adapter tests' self-signed certificate), through core/gateways/shared/http-post.ts
 * three ways:
 * - a new connection per call without a session cache (Alipay before issue 20: agent:false);
 * - a new connection per call, TLS sessions cached (WeChat before: keepAlive:false agent);
 * - the transports' keep-alive pool (providerConnections).
 * Prints wall time and process CPU per call (the server runs in this process: client and server
 * together) and how many TLS handshakes (full / resumed) the server saw. Loopback hides the
 * network: each new connection also costs a TCP and a TLS 1.3 round trip before the request's own,
 * which the last column prices at a 100 ms RTT.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { parseArgs } from 'node:util';
import { httpPost, providerConnections } from '../../core/gateways/shared/http-post.ts';
import { median } from '../lib/stats.ts';
import { formatTable } from '../lib/table.ts';

const FIXTURES = join(import.meta.dirname, '../../test/gateways/fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const RTT_MS = 100;

const { values } = parseArgs({ options: { calls: { type: 'string', default: '500' } } });
const CALLS = Number(values.calls);

const handshakes = { full: 0, resumed: 0 };
const reply = JSON.stringify({
  alipay_trade_query_response: { code: '10000', pad: 'x'.repeat(900) },
  sign: 's',
});
const server = https.createServer(
  { cert: fixture('server-cert.pem'), key: fixture('server-key.pem'), keepAliveTimeout: 30_000 },
  (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(reply);
    });
  },
);
server.on('secureConnection', (socket: TLSSocket) => {
  if (socket.isSessionReused()) handshakes.resumed++;
  else handshakes.full++;
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/gateway.do`;
const ca = fixture('ca-cert.pem');
const body = new URLSearchParams({
  method: 'alipay.trade.query',
  biz_content: '{"out_trade_no":"X"}',
  sign: 'x'.repeat(344),
}).toString();

type Variant = { name: string; options: () => Partial<Parameters<typeof httpPost>[0]>; close?: () => void };

async function measure(variant: Variant) {
  handshakes.full = 0;
  handshakes.resumed = 0;
  const times: number[] = [];
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    const result = await httpPost({
      url,
      body,
      contentType: 'application/x-www-form-urlencoded;charset=utf-8',
      timeoutMs: 5000,
      ...variant.options(),
    });
    if (result.kind !== 'response') throw new Error(`call failed: ${result.detail}`);
    times.push(performance.now() - t);
  }
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  variant.close?.();
  const connections = (handshakes.full + handshakes.resumed) / CALLS;
  return [
    variant.name,
    median(times),
    wall / CALLS,
    (cpu.user + cpu.system) / 1000 / CALLS,
    handshakes.full,
    handshakes.resumed,
    // One round trip for the call itself, two more (TCP + TLS) for every new connection.
    (1 + 2 * connections) * RTT_MS,
  ];
}

const cached = new https.Agent({ keepAlive: false, ca });
const pool = providerConnections({ ca });
const rows = [
  await measure({
    name: 'new connection, no session cache (Alipay before)',
    options: () => ({ httpsAgent: new https.Agent({ keepAlive: false, ca, maxCachedSessions: 0 }) }),
  }),
  await measure({
    name: 'new connection, sessions cached (WeChat before)',
    options: () => ({ httpsAgent: cached }),
  }),
  await measure({
    name: 'keep-alive pool + session cache (now)',
    options: () => ({ connections: pool }),
    close: () => pool.close(),
  }),
];
console.log(`${CALLS} sequential calls over TLS to 127.0.0.1 (${process.version})`);
console.log(
  formatTable(
    [
      'client',
      'median ms/call',
      'mean ms/call',
      'process CPU ms/call',
      'full handshakes',
      'resumed',
      `ms/call at ${RTT_MS} ms RTT`,
    ],
    rows,
    { decimals: 3 },
  ),
);
cached.destroy();
server.closeAllConnections();
server.close();
