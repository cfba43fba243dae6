import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningApiServer, startApiServer } from '../../core/service/http/api-server.ts';
import { type KioskService, startKioskService } from '../../core/service/kiosk-service.ts';

export interface ServiceHarness {
  dataDir: string;
  service: KioskService;
  server: RunningApiServer;
  sandboxUrl: string;
  call(op: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  walletCode(wallet: 'wxpay' | 'alipay', behavior: string): Promise<string>;
  sandbox(path: string, body?: unknown): Promise<any>;
  close(): Promise<void>;
}

export async function startServiceHarness(
  options: {
    config?: unknown;
    accessToken?: string;
    clientAddress?: (r: IncomingMessage) => string;
    /** A fixed port (when the config must name the service's own address); 0 picks a free one. */
    port?: number;
  } = {},
): Promise<ServiceHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'scanpay-service-'));
  if (options.config) writeFileSync(join(dataDir, 'config.json'), JSON.stringify(options.config));
  const service = await startKioskService({ dataDir });
  const server = await startApiServer({
    service,
    host: '127.0.0.1',
    port: options.port ?? 0,
    ...(options.accessToken ? { accessToken: options.accessToken } : {}),
    ...(options.clientAddress ? { clientAddress: options.clientAddress } : {}),
  });
  const sandboxUrl = service.sandbox!.url;
  const harness: ServiceHarness = {
    dataDir,
    service,
    server,
    sandboxUrl,
    async call(op, body, headers = {}) {
      const response = await fetch(`${server.url}/api/${op}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async walletCode(wallet, behavior) {
      const reply = await harness.sandbox('/_sandbox/wallet/codes', { wallet, behavior });
      return reply.authCode as string;
    },
    async sandbox(path, body) {
      const response = await fetch(
        `${sandboxUrl}${path}`,
        body === undefined
          ? {}
          : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      );
      return response.json();
    },
    async close() {
      await server.close();
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
