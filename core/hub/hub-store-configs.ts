/**
 * The hub's side of store config distribution (./store-config.ts): publish a new version, roll
 * back (a new version carrying an older body), read the current one and the history. Versions are
 * taken under a row lock on the newest one so two hubs publishing at once get different numbers
 * (the primary key would refuse a duplicate anyway).
 */
import type { KeyObject } from 'node:crypto';
import type { Pool } from 'pg';
import { HubError } from './hub-errors.ts';
import {
  type SignedStoreConfig,
  type StoreConfigBody,
  StoreConfigBodySchema,
  signStoreConfig,
} from './store-config.ts';

export interface StoreConfigVersion extends SignedStoreConfig {
  readonly note: string;
  readonly rolled_back_from: number | null;
  readonly created_at: number;
}

async function insertVersion(
  pool: Pool,
  key: KeyObject,
  body: StoreConfigBody,
  note: string,
  rolledBackFrom: number | null,
  now: number,
): Promise<SignedStoreConfig> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // One publisher at a time: the table lock is held for a few milliseconds per publication.
    await client.query('LOCK TABLE hub_store_configs IN SHARE ROW EXCLUSIVE MODE');
    const { rows } = await client.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM hub_store_configs',
    );
    const version = Number(rows[0]?.v ?? 0) + 1;
    const signed = signStoreConfig(version, body, key);
    await client.query(
      `INSERT INTO hub_store_configs (version, body, signature, note, rolled_back_from, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [version, JSON.stringify(body), signed.signature, note, rolledBackFrom, now],
    );
    await client.query('COMMIT');
    return signed;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export function publishStoreConfig(
  pool: Pool,
  key: KeyObject,
  body: StoreConfigBody,
  note: string,
  now: number,
): Promise<SignedStoreConfig> {
  return insertVersion(pool, key, body, note, null, now);
}

/** Re-publishes version `to`'s body as the newest version. */
export async function rollbackStoreConfig(
  pool: Pool,
  key: KeyObject,
  to: number,
  now: number,
): Promise<SignedStoreConfig> {
  const { rows } = await pool.query<{ body: StoreConfigBody }>(
    'SELECT body FROM hub_store_configs WHERE version = $1',
    [to],
  );
  const row = rows[0];
  if (!row) throw new HubError('hub_not_found', `there is no store config version ${to}`);
  // JSONB keeps its own key order: re-read through the schema so the signed text is canonical again.
  const body = StoreConfigBodySchema.parse(row.body);
  return insertVersion(pool, key, body, `rollback to version ${to}`, to, now);
}

export async function currentStoreConfig(pool: Pool): Promise<SignedStoreConfig | null> {
  const { rows } = await pool.query<{ version: number; body: StoreConfigBody; signature: string }>(
    'SELECT version, body, signature FROM hub_store_configs ORDER BY version DESC LIMIT 1',
  );
  const row = rows[0];
  return row
    ? { version: row.version, body: StoreConfigBodySchema.parse(row.body), signature: row.signature }
    : null;
}

export async function storeConfigHistory(pool: Pool): Promise<StoreConfigVersion[]> {
  const { rows } = await pool.query<{
    version: number;
    body: StoreConfigBody;
    signature: string;
    note: string;
    rolled_back_from: number | null;
    created_at: string;
  }>('SELECT * FROM hub_store_configs ORDER BY version DESC');
  return rows.map((r) => ({ ...r, created_at: Number(r.created_at) }));
}
