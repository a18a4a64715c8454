import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Keyv from 'keyv';
import type KeyvPostgresType from '@keyv/postgres';
import type KeyvRedisType from '@keyv/redis';
import type { createClient as CreateClient, RedisClientType } from '@keyv/redis';
import type KeyvSqliteType from '@keyv/sqlite';
import type BetterSqlite3 from 'better-sqlite3';
import type { Pool as PoolType } from 'pg';

/**
 * The former key-value layout (up to commit d9085f4), read-only: one keyv namespace per kind of
 * record, every namespace under STORE_PREFIX, with the adapters that wrote it:
 * - SQLite file: @keyv/sqlite's table `keyv`, keys `<prefix><namespace>:<key>`;
 * - PostgreSQL: table `public.ice_watch_kv`, keys `<prefix><namespace>:<key>`;
 * - Redis: @keyv/redis, keys `<prefix><namespace>::<prefix><namespace>:<key>`.
 * The scored sets and leases kept beside them (`ice_watch_sets`, `ice_watch_leases`, Redis sorted
 * sets) were indexes and locks: every record is its own truth, so they are not read.
 */
export interface LegacyKeyv {
  open<T>(namespace: string): Keyv<T>;
  /** Safe to log: no credentials. */
  readonly description: string;
  close(): Promise<void>;
}

/** Every namespace the former layout wrote. */
export const LEGACY_NAMESPACES = [
  'source-state',
  'snapshot-rows',
  'history',
  'ledger',
  'judgements',
  'last-fetch',
  'page-links',
  'subscriptions',
  'outbox',
  'outbox-payloads',
  'totals',
  'totals-seen-files',
  'totals-last-fetch',
  'digests',
  'operator-episodes',
  'source-health',
] as const;

/** Where a former install lives: its STORE_URL and STORE_PREFIX. */
export interface LegacyLocation {
  url: string;
  prefix?: string;
}

/** Rows per read of keyv's iterator (its default of 10 reads a big namespace in thousands of round trips). */
const ITERATION_LIMIT = 5000;

export const isSqliteUrl = (url: string) => url.startsWith('sqlite://') && !url.startsWith('sqlite://:memory:');
export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);
export const isRedisUrl = (url: string) => /^rediss?:\/\//.test(url);
const sqliteFileOf = (url: string) => resolve(url.slice('sqlite://'.length));

/** `a_b%` as a LIKE pattern that matches those characters only. */
const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, '\\$&')}%`;
const keyPrefixes = (prefix: string) => LEGACY_NAMESPACES.map((ns) => `${prefix}${ns}:`);

/**
 * Whether the former layout holds records of this install (under its prefix), read without creating
 * anything: a missing SQLite file, table or PostgreSQL table is "no". Redis is always looked at by
 * the caller (it is no longer a store): this answers for SQLite and PostgreSQL.
 */
export async function hasLegacyData(location: LegacyLocation): Promise<boolean> {
  const prefix = location.prefix ?? '';
  const where = `(${keyPrefixes(prefix)
    .map(() => "key LIKE ? ESCAPE '\\'")
    .join(' OR ')})`;
  const patterns = keyPrefixes(prefix).map(likePrefix);
  if (isSqliteUrl(location.url)) {
    const file = sqliteFileOf(location.url);
    if (!existsSync(file)) return false;
    const Database = require('better-sqlite3') as typeof BetterSqlite3;
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'keyv'").get()) return false;
      return Boolean(db.prepare(`SELECT 1 FROM keyv WHERE ${where} LIMIT 1`).get(...patterns));
    } finally {
      db.close();
    }
  }
  if (isPostgresUrl(location.url)) {
    const { Pool } = require('pg') as { Pool: typeof PoolType };
    const pool = new Pool({ connectionString: location.url, max: 1, connectionTimeoutMillis: 10_000 });
    try {
      const table = await pool.query<{ t: string | null }>("SELECT to_regclass('public.ice_watch_kv')::text AS t");
      if (!table.rows[0]?.t) return false;
      let n = 0;
      const sql = `SELECT 1 FROM public.ice_watch_kv WHERE ${where.replace(/\?/g, () => `$${++n}`)} LIMIT 1`;
      return (await pool.query(sql, patterns)).rows.length > 0;
    } finally {
      await pool.end();
    }
  }
  return false;
}

/**
 * Runs `work` while holding the import's lock: on PostgreSQL, where several instances may start at
 * once, a session advisory lock per STORE_PREFIX (the others wait, then find the import done); a
 * SQLite file has one process.
 */
export async function whileHoldingImportLock<T>(location: LegacyLocation, work: () => Promise<T>): Promise<T> {
  if (!isPostgresUrl(location.url)) return work();
  const { Pool } = require('pg') as { Pool: typeof PoolType };
  const pool = new Pool({ connectionString: location.url, max: 1, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined);
  const client = await pool.connect();
  const name = `ice-watch keyv import ${location.prefix ?? ''}`;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    return await work();
  } finally {
    // Ending the session releases the lock too, should the unlock fail.
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch(() => undefined);
    client.release();
    await pool.end();
  }
}

/** Opens the former layout at `location` with the adapters that wrote it (see LegacyKeyv). */
export function openLegacyKeyv(location: LegacyLocation): LegacyKeyv {
  const prefix = location.prefix ?? '';
  const opened: Array<Keyv<unknown>> = [];
  const keyvOf = <T>(store: unknown, namespace: string) => {
    const k = new Keyv<T>({ store, namespace: prefix + namespace, throwOnErrors: true });
    opened.push(k as Keyv<unknown>);
    return k;
  };
  const disconnectAll = async () => void (await Promise.all(opened.map((k) => k.disconnect())));
  const { url } = location;
  if (isSqliteUrl(url)) {
    const file = sqliteFileOf(url);
    const KeyvSqlite = (require('@keyv/sqlite') as { default: typeof KeyvSqliteType }).default;
    return {
      description: describeLocation(location),
      open: <T>(namespace: string) =>
        keyvOf<T>(
          new KeyvSqlite({ uri: `sqlite://${file}`, table: 'keyv', busyTimeout: 5000, iterationLimit: ITERATION_LIMIT }),
          namespace,
        ),
      close: disconnectAll,
    };
  }
  if (isPostgresUrl(url)) {
    const KeyvPostgres = (require('@keyv/postgres') as { default: typeof KeyvPostgresType }).default;
    const { Pool } = require('pg') as { Pool: typeof PoolType };
    // Our own pool, as the former layout had: @keyv/postgres's module-wide pool is the one the
    // new key-value side (key-value.ts) uses for the same URL, and ending it here would end theirs.
    const pool = new Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 10_000 });
    pool.on('error', () => undefined);
    class OwnPoolPostgres extends KeyvPostgres {
      override async connect() {
        return async (sql: string, values?: unknown[]) => (await pool.query(sql, values)).rows;
      }
      override async disconnect() {}
    }
    return {
      description: describeLocation(location),
      open: <T>(namespace: string) =>
        keyvOf<T>(new OwnPoolPostgres({ uri: url, table: 'ice_watch_kv', keySize: 512, iterationLimit: ITERATION_LIMIT }), namespace),
      close: async () => {
        await disconnectAll();
        await pool.end();
      },
    };
  }
  if (isRedisUrl(url)) {
    const redis = require('@keyv/redis') as { default: typeof KeyvRedisType; createClient: typeof CreateClient };
    const clients: RedisClientType[] = [];
    const newClient = () => {
      const c = redis.createClient({
        url,
        socket: {
          connectTimeout: 10_000,
          reconnectStrategy: (retries: number, cause: Error) => (retries >= 3 ? new Error(cause.message) : 200),
        },
      }) as RedisClientType;
      c.on('error', () => undefined); // reported by the command that fails
      clients.push(c);
      return c;
    };
    return {
      description: describeLocation(location),
      open: <T>(namespace: string) =>
        keyvOf<T>(new redis.default(newClient(), { throwOnConnectError: true, throwOnErrors: true }), namespace),
      close: async () => {
        await disconnectAll().catch(() => undefined);
        await Promise.all(clients.filter((c) => c.isOpen).map((c) => c.close()));
      },
    };
  }
  throw new Error(
    `no former store at ${url.split(':')[0]}: only sqlite://, postgres:// and redis:// stores were written in the former layout`,
  );
}

/** What a reader of `location` calls it (as LegacyKeyv.description): `sqlite /abs/file`, `postgres postgres://host/db`. */
export function describeLocation(location: LegacyLocation): string {
  const { url } = location;
  if (isSqliteUrl(url)) return `sqlite ${sqliteFileOf(url)}`;
  return `${isPostgresUrl(url) ? 'postgres' : isRedisUrl(url) ? 'redis' : url.split(':')[0]} ${describe(url)}`;
}

/** `postgres://user:secret@host/db` -> `postgres://host/db`. */
export function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url.split(':')[0] ?? 'store';
  }
}
