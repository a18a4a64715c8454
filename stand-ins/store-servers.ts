/**
 * The local PostgreSQL and Redis the store tests and the scale-out figures use (127.0.0.1:5432
 * database `test`, 127.0.0.1:6379; `.ci/run` starts them when they are down), and the clean-up of
 * what a test or a figure wrote under its prefix. Here, not in test/helpers, so the bench shares
 * them without importing a test helper.
 */
import { createClient } from '@keyv/redis';
import { Pool } from 'pg';
import { schemaOfPrefix } from '../src/store/db/database';

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Deletes the keys and rows written under `prefix` on a shared server. */
export async function deleteByPrefix(url: string, prefix: string): Promise<void> {
  if (url.startsWith('postgres')) {
    const pool = new Pool({ connectionString: url, max: 1 });
    try {
      const like = `${prefix.replace(/[\\%_]/g, '\\$&')}%`;
      await pool.query('DELETE FROM ice_watch_kv WHERE key LIKE $1', [like]).catch(() => undefined);
      await pool.query('DELETE FROM ice_watch_sets WHERE name LIKE $1', [like]).catch(() => undefined);
      await pool.query('DELETE FROM ice_watch_leases WHERE name LIKE $1', [like]).catch(() => undefined);
    } finally {
      await pool.end();
    }
  } else if (url.startsWith('redis')) {
    const client = createClient({ url });
    await client.connect();
    try {
      for (const pattern of [`${prefix}*`, `ice-watch:set:${prefix}*`, `ice-watch:lease:${prefix}*`]) {
        for await (const keys of client.scanIterator({ MATCH: pattern.replace(/[[\]?]/g, '\\$&'), COUNT: 1000 })) {
          if (keys.length) await client.del(keys);
        }
      }
    } finally {
      await client.close();
    }
  }
}

/** Drops the PostgreSQL schema a STORE_PREFIX names (src/store/db/database.ts), with every table in it. */
export async function dropSchemaOfPrefix(url: string, prefix: string): Promise<void> {
  const schema = schemaOfPrefix(prefix);
  if (schema === 'public') throw new Error('refusing to drop the public schema: give the test a STORE_PREFIX');
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pool.end();
  }
}
