import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Keyv from 'keyv';
import type KeyvPostgresType from '@keyv/postgres';
import type KeyvRedisType from '@keyv/redis';
import type { createClient as CreateClient, RedisClientType } from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import type { Pool as PoolType } from 'pg';
import { createMemoryAtomic, type Leases, type ScoredSets } from './atomic';
import { createRedisAtomic } from './redis-atomic';
import { ATOMIC_TABLES, createSqlAtomic, type SqlQuery } from './sql-atomic';

/**
 * Opens one keyv namespace. Every namespace gets its own adapter (a shared one mixes
 * namespaces up). Next to keyv's get/set, `sets` and `leases` are the writes that must be
 * atomic when several instances share the store (see atomic.ts), on the same engine.
 */
export interface KeyvFactory {
  open<T = unknown>(namespace: string): Keyv<T>;
  readonly sets: ScoredSets;
  readonly leases: Leases;
  /** Resolves when the engine answers (and its tables exist); rejects with the reason when it does not. */
  ready(): Promise<void>;
  /** Closes every adapter and connection opened so far. */
  close(): Promise<void>;
  /** A description of the store safe to log (no credentials). */
  readonly description: string;
}

export class StoreConfigError extends Error {
  override name = 'StoreConfigError';
}

/** A store or Redis the bot needs did not answer when it started: the message names the setting and the cause. */
export class ServiceUnreachableError extends Error {
  override name = 'ServiceUnreachableError';
}

/**
 * Resolves when `factory` answers; else rejects with a ServiceUnreachableError naming the
 * setting it came from (`STORE_URL`, `REDIS_URL`), the store (no credentials) and the cause.
 */
export async function requireReachable(setting: string, factory: KeyvFactory): Promise<void> {
  try {
    await factory.ready();
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    throw new ServiceUnreachableError(`${setting} (${factory.description}) cannot be reached: ${cause}`);
  }
}

export interface KeyvFactoryOptions {
  /** Put before every namespace, set and lease name: several deployments (or test runs) can share one database. */
  prefix?: string;
}

/** `postgres://user:secret@host/db` -> `postgres://host/db`: what may be logged. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url.split(':')[0] ?? 'store';
  }
}

/** Runs a PostgreSQL statement once at a time across processes: creating tables concurrently can fail. */
const POSTGRES_SCHEMA = `SELECT pg_advisory_xact_lock(287287); ${ATOMIC_TABLES.join('; ')}`;

/**
 * Builds the factory for STORE_URL:
 * - `sqlite://path/to/file.sqlite`: embedded, the default (the folder is created);
 * - `memory://`: tests and scratch replays;
 * - `postgres://user@host:5432/db`: one table `ice_watch_kv` for keyv plus the sets and leases tables;
 * - `redis://host:6379`: keys under `<namespace>::` for keyv, sorted sets and lease keys beside them.
 * Every Keyv is created with `throwOnErrors`, so a failing read is an error and never looks
 * like "nothing stored yet".
 */
export function createKeyvFactory(storeUrl: string, options: KeyvFactoryOptions = {}): KeyvFactory {
  const prefix = options.prefix ?? '';
  const opened: Keyv[] = [];
  const track = <T>(k: Keyv<T>) => {
    opened.push(k as Keyv);
    return k;
  };
  const closeOpened = async () => void (await Promise.all(opened.map((k) => k.disconnect())));

  if (storeUrl === 'memory://' || storeUrl === 'memory') {
    // Opening a namespace twice gives two views of one map, as the other engines do.
    const maps = new Map<string, Map<string, unknown>>();
    const mapOf = (namespace: string) => maps.get(namespace) ?? maps.set(namespace, new Map()).get(namespace)!;
    return {
      description: 'memory',
      ...createMemoryAtomic(),
      open: <T>(namespace: string) =>
        track(new Keyv<T>({ store: mapOf(prefix + namespace), namespace: prefix + namespace, throwOnErrors: true })),
      ready: async () => undefined,
      close: async () => undefined,
    };
  }
  if (storeUrl.startsWith('sqlite://')) {
    const path = storeUrl.slice('sqlite://'.length);
    if (!path) throw new StoreConfigError('STORE_URL sqlite:// needs a file path, e.g. sqlite://data/ice-watch.sqlite');
    const file = path === ':memory:' ? path : resolve(path);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    // WAL lets readers (other processes too) go on while one writes, and with synchronous=NORMAL
    // a commit survives a killed process without an fsync each (keyv writes one key per commit).
    // A pragma that fails leaves SQLite's defaults, which are slower, not wrong.
    const adapter = () => {
      const a = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: 5000 });
      void a
        .query('PRAGMA journal_mode=WAL')
        .then(() => a.query('PRAGMA synchronous=NORMAL'))
        .catch(() => undefined);
      // @keyv/sqlite has no setMany, so keyv would write a batch one commit per key: one
      // multi-row upsert per 400 entries instead (keyv hands it keys already namespaced and values serialized).
      Object.assign(a, {
        setMany: async (entries: Array<{ key: string; value: unknown }>) => {
          for (let i = 0; i < entries.length; i += 400) {
            const part = entries.slice(i, i + 400);
            await a.query(
              `INSERT INTO ${a.opts.table} (key, value) VALUES ${part.map(() => '(?, ?)').join(', ')} ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
              ...part.flatMap((e) => [e.key, e.value]),
            );
          }
        },
      });
      return a;
    };
    // The sets and leases use a connection of their own, with their tables made on first use.
    const own = adapter();
    let tables: Promise<unknown> | null = null;
    const query: SqlQuery = async (sql, params) => {
      tables ??= (async () => {
        for (const ddl of ATOMIC_TABLES) await own.query(ddl);
      })().catch((err: unknown) => {
        tables = null;
        throw err;
      });
      await tables;
      return own.query(sql, ...params) as Promise<Array<Record<string, unknown>>>;
    };
    return {
      description: `sqlite ${file}`,
      ...wrapAtomic(createSqlAtomic(query, 'sqlite'), prefix),
      open: <T>(namespace: string) => track(new Keyv<T>({ store: adapter(), namespace: prefix + namespace, throwOnErrors: true })),
      ready: async () => void (await query('SELECT 1', [])),
      close: async () => {
        await closeOpened();
        await own.disconnect();
      },
    };
  }
  if (/^postgres(ql)?:\/\//.test(storeUrl)) return createPostgresFactory(storeUrl, prefix, track, closeOpened);
  if (/^rediss?:\/\//.test(storeUrl)) return createRedisFactory(storeUrl, prefix, track, closeOpened);
  const scheme = storeUrl.split(':')[0] || storeUrl;
  throw new StoreConfigError(
    `STORE_URL scheme "${scheme}:" is not supported: use sqlite://path/to/file.sqlite (default), postgres://user@host:5432/db, redis://host:6379 or memory://`,
  );
}

type Track = <T>(k: Keyv<T>) => Keyv<T>;
type Atomic = { sets: ScoredSets; leases: Leases };

// The PostgreSQL and Redis drivers are loaded only when STORE_URL names them: together they
// weigh some 30 MB of memory that the default SQLite bot has no use for.
function createPostgresFactory(url: string, prefix: string, track: Track, closeOpened: () => Promise<void>): KeyvFactory {
  const KeyvPostgres = (require('@keyv/postgres') as { default: typeof KeyvPostgresType }).default;
  const { Pool } = require('pg') as { Pool: typeof PoolType };
  // One pool for the whole factory. @keyv/postgres keeps a module-wide pool that one
  // disconnect ends for everyone; this adapter uses the factory's pool instead.
  const pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined); // an idle client's dropped connection; the next query reports it
  let schema: Promise<unknown> | null = null;
  const ensureSchema = () =>
    (schema ??= pool.query(POSTGRES_SCHEMA).catch((err: unknown) => {
      schema = null;
      throw err;
    }));
  class FactoryPostgres extends KeyvPostgres {
    override async connect() {
      return async (sql: string, values?: unknown[]) => (await pool.query(sql, values)).rows;
    }
    override async disconnect() {}
  }
  const query: SqlQuery = async (sql, params) => {
    await ensureSchema();
    return (await pool.query(sql, params as unknown[])).rows;
  };
  return {
    description: `postgres ${describeUrl(url)}`,
    ...wrapAtomic(createSqlAtomic(query, 'postgres'), prefix),
    open: <T>(namespace: string) =>
      track(
        new Keyv<T>({
          store: new FactoryPostgres({ uri: url, table: 'ice_watch_kv', keySize: 512 }),
          namespace: prefix + namespace,
          throwOnErrors: true,
        }),
      ),
    ready: async () => void (await query('SELECT 1', [])),
    close: async () => {
      await closeOpened();
      await pool.end();
    },
  };
}

function createRedisFactory(url: string, prefix: string, track: Track, closeOpened: () => Promise<void>): KeyvFactory {
  const redis = require('@keyv/redis') as { default: typeof KeyvRedisType; createClient: typeof CreateClient };
  const { createClient } = redis;
  const KeyvRedis = redis.default;
  // Each keyv namespace gets its own client. A client that has never connected gives up
  // after a few tries (the command or ready() then fails with the cause: the bot must not
  // hang at start); one that lost an established connection keeps trying, with back-off.
  const newClient = () => {
    let connectedOnce = false;
    const c = createClient({
      url,
      socket: {
        connectTimeout: 10_000,
        // A new Error of this realm: node-redis checks `instanceof Error`, which a socket error from another realm (jest) fails.
        reconnectStrategy: (retries: number, cause: Error) =>
          !connectedOnce && retries >= 3
            ? new Error(`Redis at ${describeUrl(url)} cannot be reached: ${cause.message}`)
            : Math.min((retries + 1) * 200, 5_000),
      },
    }) as RedisClientType;
    c.on('ready', () => (connectedOnce = true));
    c.on('error', () => undefined); // reported by the command that fails
    return c;
  };
  const client = newClient();
  let connecting: Promise<unknown> | null = null;
  const connected = () =>
    (connecting ??= client.connect().catch((err: unknown) => {
      connecting = null;
      throw err;
    }));
  return {
    description: `redis ${describeUrl(url)}`,
    ...wrapAtomic(createRedisAtomic(client, 'ice-watch:'), prefix, connected),
    open: <T>(namespace: string) =>
      track(
        new Keyv<T>({
          store: new KeyvRedis(newClient(), { throwOnConnectError: true, throwOnErrors: true }),
          namespace: prefix + namespace,
          throwOnErrors: true,
        }),
      ),
    ready: async () => {
      await connected();
      await client.ping();
    },
    close: async () => {
      await closeOpened();
      if (client.isOpen) await client.close();
    },
  };
}

/** The same sets and leases with every name under `prefix`, each call after `before` (a connection) resolves. */
function wrapAtomic({ sets, leases }: Atomic, prefix: string, before: () => Promise<unknown> = async () => undefined): Atomic {
  const after =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    async (...a: A) => {
      await before();
      return fn(...a);
    };
  return {
    sets: {
      add: after((set: string, members: ReadonlyArray<readonly [string, number]>) => sets.add(prefix + set, members)),
      remove: after((set: string, members: readonly string[]) => sets.remove(prefix + set, members)),
      members: after((set: string) => sets.members(prefix + set)),
      upTo: after((set: string, max: number, limit: number) => sets.upTo(prefix + set, max, limit)),
      count: after((set: string) => sets.count(prefix + set)),
    },
    leases: {
      acquire: after((name: string, owner: string, ttl: number) => leases.acquire(prefix + name, owner, ttl)),
      release: after((name: string, owner: string) => leases.release(prefix + name, owner)),
      holder: after((name: string) => leases.holder(prefix + name)),
      sweep: after((namePrefix: string) => leases.sweep(prefix + namePrefix)),
    },
  };
}
