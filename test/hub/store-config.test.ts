/**
 * Store config distribution on a real PostgreSQL: the owner publishes versions at the hub (signed
 * with its Ed25519 config key), a terminal takes the newest once no payment is in flight, applies its
 * language and QR settings at once and its UI mode at its next start, a rollback re-publishes an older body as a newer version, and anything not
 * signed by the hub's key (tampered, relabelled, another key) is refused.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHub, startHub } from '../../core/hub/hub-server.ts';
import { signStoreConfig, verifyStoreConfig } from '../../core/hub/store-config.ts';
import { enrolTerminal } from '../../core/hub/terminal-tokens.ts';
import { STORE_CONFIG_FILE, startStoreConfigSync } from '../../core/service/hub-store-config.ts';
import { startKioskService } from '../../core/service/kiosk-service.ts';
import { eventually, getJson, postJson } from './hub-processes.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

const ADMIN = 'admin-token-for-the-config-tests-01';
const keys = generateKeyPairSync('ed25519');
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const quiet = { info: () => {}, warn: () => {} };
let cluster: PgCluster;
let hub: RunningHub;
const dirs: string[] = [];

beforeAll(async () => {
  cluster = await startPgCluster();
  hub = await startHub({
    databaseUrl: await cluster.createDatabase('hub_config'),
    adminToken: ADMIN,
    host: '127.0.0.1',
    port: 0,
    poolMax: 4,
    configKey: keys.privateKey,
  });
});
afterAll(async () => {
  await hub?.close();
  await cluster?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scanpay-storecfg-'));
  dirs.push(dir);
  return dir;
}

const publish = (body: unknown, note = '') => postJson(`${hub.url}/api/config`, { body, note }, ADMIN);

describe('store config signatures', () => {
  it('accept only the body and version the hub signed, with its key', () => {
    const signed = signStoreConfig(4, { language: 'en' }, keys.privateKey);
    expect(verifyStoreConfig(signed, keys.publicKey).ok).toBe(true);
    expect(verifyStoreConfig({ ...signed, body: { language: 'zh-CN' } }, keys.publicKey)).toMatchObject({
      ok: false,
    });
    expect(verifyStoreConfig({ ...signed, version: 5 }, keys.publicKey)).toMatchObject({ ok: false });
    const other = generateKeyPairSync('ed25519');
    expect(verifyStoreConfig(signed, other.publicKey)).toMatchObject({ ok: false });
    expect(verifyStoreConfig({ ...signed, body: { merchants: [] } }, keys.publicKey)).toMatchObject({
      ok: false,
    });
  });

  it('are published in order by the hub, refused without the admin token or with a bad body', async () => {
    expect((await postJson(`${hub.url}/api/config`, { body: {} }, 'wrong')).status).toBe(401);
    const bad = await publish({ language: 'fr' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('language');
  });
});

describe('a terminal taking the store config', () => {
  it('keeps it only once no payment is in flight', async () => {
    const token = await enrolTerminal(hub.pool, 'T5', Date.now());
    const v = (await publish({ language: 'en' })).body.version as number;
    const dir = scratch();
    let busy = true;
    const sync = startStoreConfigSync({
      dataDir: dir,
      hubUrl: hub.url,
      token,
      key: keys.publicKey,
      kept: null,
      paymentInFlight: () => busy,
      logger: quiet,
    });
    try {
      sync.announced(v);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(existsSync(join(dir, STORE_CONFIG_FILE))).toBe(false);
      busy = false;
      await eventually('kept', async () => (sync.keptVersion === v ? true : undefined), 5000);
      expect(JSON.parse(readFileSync(join(dir, STORE_CONFIG_FILE), 'utf8'))).toMatchObject({
        version: v,
        body: { language: 'en' },
      });
    } finally {
      sync.stop();
    }
  });

  it('applies the language and QR product live, and the UI mode only at the next start', async () => {
    const token = await enrolTerminal(hub.pool, 'T7', Date.now());
    const dir = scratch();
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        terminal_id: 'T7',
        language: 'zh-CN',
        hub: { url: hub.url, token, config_public_key: publicPem, heartbeat_ms: 1000 },
      }),
    );
    const service = await startKioskService({ dataDir: dir });
    const events: string[] = [];
    const off = service.onEvent((event) => events.push(event.kind));
    try {
      expect((await service.api.getSettings({})).language).toBe('zh-CN');
      await publish({
        language: 'en',
        ui: { mode: 'qr', kiosk: true },
        qr_display: { product: { name: 'Tea 1 cup', total_fee: 800 }, success_ms: 5000 },
      });
      // The hub's earlier test published {language: 'en'} too: wait for this config (its product), not
      // for the language alone, or the earlier one can satisfy the wait before this one arrives.
      await eventually('the QR product applied live', async () =>
        (await service.api.qrState({})).product?.name === 'Tea 1 cup' ? true : undefined,
      );
      const settings = await service.api.getSettings({});
      expect(settings.language).toBe('en');
      // The screen's kind stays as it started: switching it under the cashier would lose their sale.
      expect(settings.ui_mode).toBe('cashier');
      expect(settings.kiosk).toBe(false);
      expect((await service.api.qrState({})).product).toEqual({ name: 'Tea 1 cup', total_fee: 800 });
      expect(events).toContain('settings');
    } finally {
      off();
      await service.stop();
    }
  });

  it('applies at the next start, rolls back, and ignores a kept file that was tampered with', async () => {
    const token = await enrolTerminal(hub.pool, 'T6', Date.now());
    const dir = scratch();
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        terminal_id: 'T6',
        language: 'zh-CN',
        hub: { url: hub.url, token, config_public_key: publicPem, heartbeat_ms: 1000 },
      }),
    );
    const v1 = (
      await publish(
        { language: 'en', qr_display: { product: { name: 'Massage 10 min', total_fee: 1000 } } },
        'winter',
      )
    ).body.version as number;
    let service = await startKioskService({ dataDir: dir });
    await eventually('v1 kept', async () =>
      existsSync(join(dir, STORE_CONFIG_FILE)) &&
      JSON.parse(readFileSync(join(dir, STORE_CONFIG_FILE), 'utf8')).version === v1
        ? true
        : undefined,
    );
    expect(service.config.language).toBe('zh-CN'); // not under a running till
    await service.stop();

    service = await startKioskService({ dataDir: dir });
    expect(service.config.language).toBe('en');
    expect(service.config.qr_display?.product).toEqual({ name: 'Massage 10 min', total_fee: 1000 });

    // A new version, then a rollback to v1: the rollback is the newest version and carries v1's body.
    await publish({ language: 'zh-CN' }, 'spring');
    const rolled = await postJson(`${hub.url}/api/config/rollback`, { to: v1 }, ADMIN);
    const v3 = rolled.body.version as number;
    expect(v3).toBe(v1 + 2);
    await eventually('v3 kept', async () =>
      JSON.parse(readFileSync(join(dir, STORE_CONFIG_FILE), 'utf8')).version === v3 ? true : undefined,
    );
    const history = (await getJson(`${hub.url}/api/config`, ADMIN)).body.versions;
    expect(history[0]).toMatchObject({ version: v3, rolled_back_from: v1, body: { language: 'en' } });
    await eventually('registry shows v3', async () => {
      const t6 = (await getJson(`${hub.url}/api/terminals`, ADMIN)).body.terminals.find(
        (t: { terminal_id: string }) => t.terminal_id === 'T6',
      );
      return t6?.status?.config_version === v3 ? true : undefined;
    });
    await service.stop();

    // Someone edits the kept file by hand: the signature no longer matches and the till's own config rules.
    const kept = JSON.parse(readFileSync(join(dir, STORE_CONFIG_FILE), 'utf8'));
    writeFileSync(
      join(dir, STORE_CONFIG_FILE),
      JSON.stringify({ ...kept, body: { language: 'en', ui: { mode: 'qr', kiosk: true } } }),
    );
    service = await startKioskService({ dataDir: dir });
    expect(service.config.ui.mode).toBe('cashier');
    expect(service.config.language).toBe('zh-CN');
    await service.stop();
  });
});
