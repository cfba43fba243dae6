import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The pinned Node 24 (devDependency), whatever node runs vitest: bin/scanpay.js refuses older ones.
const pinnedNode = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));
const node = existsSync(pinnedNode) ? pinnedNode : process.execPath;

describe('scanpay sandbox (CLI)', () => {
  it('prints the JSON line first, serves on it, and exits 0 on SIGTERM', async () => {
    const child = spawn(node, ['bin/scanpay.js', 'sandbox', '--port', '0'], {
      cwd: new URL('../../', import.meta.url),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const info = JSON.parse(first) as Record<string, Record<string, string> | string>;
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(info.secapi_url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(info.wxpay).toMatchObject({
        appid: 'wx2421b1c4370ec43b',
        mch_id: '10000100',
        key: 'scanpaysandboxwxpaykey0000000000',
      });
      expect((info.wxpay as Record<string, string>).client_cert_pem).toContain('BEGIN CERTIFICATE');
      expect(info.alipay).toMatchObject({ app_id: '2021000000000001' });
      expect((info.alipay as Record<string, string>).app_private_key).toContain('BEGIN PRIVATE KEY');
      expect(info.payjs).toEqual({ mchid: '1500000001', key: 'scanpaysandboxpayjskey0000000000' });
      expect(info.wxpay_v3).toMatchObject({
        appid: 'wx2421b1c4370ec43b',
        mchid: '10000100',
        public_key_id: expect.stringMatching(/^PUB_KEY_ID_/),
        apiv3_key: expect.stringMatching(/^.{32}$/),
        // Service-provider mode: mchid 10000100 is also the service provider of sub_mchid.
        sp_appid: expect.stringMatching(/^wx[0-9a-f]{16}$/),
        sub_mchid: expect.stringMatching(/^\d+$/),
      });
      const v3 = info.wxpay_v3 as Record<string, string>;
      expect(v3.sub_mchid).not.toBe(v3.mchid);
      const health = await fetch(`${info.url as string}/_sandbox/health`);
      expect(await health.json()).toEqual({ ok: true });
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses a bad --port with a clear message', async () => {
    const child = spawn(node, ['bin/scanpay.js', 'sandbox', '--port', 'eighty'], {
      cwd: new URL('../../', import.meta.url),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain('--port');
  });
});
