import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPgBin, type PgCluster, startPgCluster } from './pg-cluster.ts';

describe('the throwaway PostgreSQL cluster', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('answers SQL on loopback and makes separate databases', async () => {
    const url = await cluster.createDatabase('harness_check');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
      expect(rows[0]?.db).toBe('harness_check');
    } finally {
      await client.end();
    }
  });

  it('names the missing binaries instead of skipping', () => {
    const saved = process.env.PG_BIN;
    process.env.PG_BIN = '/nonexistent/pg/bin';
    try {
      expect(() => findPgBin()).toThrow(/PG_BIN=\/nonexistent\/pg\/bin has no initdb/);
    } finally {
      if (saved === undefined) delete process.env.PG_BIN;
      else process.env.PG_BIN = saved;
    }
  });
});
