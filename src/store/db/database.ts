import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, type RawBuilder, SqliteDialect, sql } from 'kysely';
import type { Pool as PoolType, PoolConfig } from 'pg';
import { MIGRATIONS } from './migrations';
import type { Schema } from './schema';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The bot's relational database (STORE_URL): SQLite embedded (one file, WAL), PostgreSQL to
 * run several instances. Opening is lazy: the first `ready()` connects and brings the schema up
 * to date (migrations run once per process; on PostgreSQL, under an advisory lock, so several
 * instances starting at once do not race).
 */
export interface StoreDb {
  readonly dialect: Dialect;
  /** A description safe to log (no credentials). */
  readonly description: string;
  /** The PostgreSQL schema the tables live in (STORE_PREFIX), null on SQLite. */
  readonly schema: string | null;
  /** Connects and migrates once; resolves to the query builder. Every store method starts with it. */
  ready(): Promise<Kysely<Schema>>;
  /**
   * The database's own clock in milliseconds since the epoch, as an SQL expression: leases and
   * claims compare against it, so instances whose clocks disagree still agree on who holds what.
   */
  nowMs(): RawBuilder<number>;
  /** Answers within `timeoutMs` or rejects: for /healthz and the doctor, never hangs on a cut connection. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export class StoreConfigError extends Error {
  override name = 'StoreConfigError';
}

/** The database the bot needs did not answer when it started: the message names the setting and the cause. */
export class ServiceUnreachableError extends Error {
  override name = 'ServiceUnreachableError';
}

/**
 * Resolves when the database answers (connected, schema up to date); else rejects with a
 * ServiceUnreachableError naming the setting (`STORE_URL`), the store (no credentials) and the cause.
 */
export async function requireReachable(setting: string, db: StoreDb): Promise<void> {
  try {
    await db.ready();
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    throw new ServiceUnreachableError(`${setting} (${db.description}) cannot be reached: ${cause}`);
  }
}

/** A migration failed or the database could not be reached when first used. */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
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

/**
 * STORE_PREFIX as a PostgreSQL schema name: `''` is `public`; anything else becomes a schema of
 * its own (lower case, other characters as `_`), so two deployments, or two test runs, share
 * one database without seeing each other's rows. `staging:` -> `ice_watch_staging`.
 */
export function schemaOfPrefix(prefix: string): string {
  if (!prefix) return 'public';
  const name = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/_+$/, '');
  return `ice_watch_${name || 'x'}`.slice(0, 63);
}

export interface OpenDatabaseOptions {
  /** STORE_PREFIX: on PostgreSQL the schema (see schemaOfPrefix); a SQLite file is one install and ignores it. */
  prefix?: string;
  /** Each PostgreSQL query's bound (default 15 s): a cut connection fails the query instead of hanging the poll. */
  queryTimeoutMs?: number;
}

/**
 * Opens STORE_URL:
 * - `sqlite://path/to/file.sqlite`: embedded, the default (the folder is created);
 * - `memory://` (or `sqlite://:memory:`): SQLite in memory, for scratch replays and tests;
 * - `postgres://user@host:5432/db`: several instances share it.
 */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): StoreDb {
  if (url === 'memory://' || url === 'memory' || url === 'sqlite://:memory:') return openSqlite(':memory:', 'sqlite memory');
  if (url.startsWith('sqlite://')) {
    const path = url.slice('sqlite://'.length);
    if (!path) throw new StoreConfigError('STORE_URL sqlite:// needs a file path, e.g. sqlite://data/ice-watch.sqlite');
    const file = resolve(path);
    return openSqlite(file, `sqlite ${file}`);
  }
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options);
  const scheme = url.split(':')[0] || url;
  if (scheme === 'redis' || scheme === 'rediss')
    throw new StoreConfigError(
      'STORE_URL redis:// is no longer a store: ice-watch keeps its data in SQLite (sqlite://path, the default) or PostgreSQL (postgres://...). ' +
        'Move an existing Redis store with: ice-watch migrate-store --from redis://... --to postgres://...',
    );
  throw new StoreConfigError(
    `STORE_URL scheme "${scheme}:" is not supported: use sqlite://path/to/file.sqlite (default), postgres://user@host:5432/db or memory://`,
  );
}

function openSqlite(file: string, description: string): StoreDb {
  let db: Kysely<Schema> | null = null;
  let native: BetterSqlite3.Database | null = null;
  let migrated: Promise<Kysely<Schema>> | null = null;
  const connect = () => {
    if (db) return db;
    // Loaded on first use: the CLI's file tools never open a database.
    const Database = require('better-sqlite3') as typeof BetterSqlite3;
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    native = new Database(file, { timeout: 5_000 });
    // WAL: readers (the CLI, a doctor) go on while the bot writes; NORMAL: a commit survives a killed
    // process without an fsync each (a power cut may lose the last commits, never corrupt the file).
    native.pragma('journal_mode = WAL');
    native.pragma('synchronous = NORMAL');
    native.pragma('foreign_keys = ON');
    db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: native }) });
    return db;
  };
  return {
    dialect: 'sqlite',
    description,
    schema: null,
    ready: () =>
      (migrated ??= migrate(connect(), 'sqlite', null).catch((err: unknown) => {
        migrated = null;
        throw err;
      })),
    nowMs: () => sql<number>`CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`,
    async ping() {
      // Synchronous and local: it answers or throws at once.
      const k = await this.ready();
      await sql`SELECT 1`.execute(k);
    },
    async close() {
      await db?.destroy();
      db = null;
      native = null;
      migrated = null;
    },
  };
}

function openPostgres(url: string, options: OpenDatabaseOptions): StoreDb {
  const schema = schemaOfPrefix(options.prefix ?? '');
  let db: Kysely<Schema> | null = null;
  let pool: PoolType | null = null;
  let migrated: Promise<Kysely<Schema>> | null = null;
  const connect = () => {
    if (db) return db;
    // Loaded only when STORE_URL names PostgreSQL.
    const { Pool } = require('pg') as { Pool: typeof PoolType };
    const config: PoolConfig = {
      connectionString: url,
      max: 10,
      connectionTimeoutMillis: 5_000,
      query_timeout: options.queryTimeoutMs ?? 15_000,
      keepAlive: true,
      // Every connection works in the install's schema: every query, the migrations' own table included.
      options: `-c search_path=${schema}`,
    };
    pool = new Pool(config);
    pool.on('error', () => undefined); // an idle client's dropped connection; the next query reports it
    // A client Kysely holds between two queries has no listener of the pool's: its dropped connection would
    // be an uncaught 'error' and end the process (seen with the connection cut mid-delivery). The query on
    // it fails instead, and the pool discards it on release (it is no longer queryable).
    pool.on('connect', (client) => void client.on('error', () => undefined));
    db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    return db;
  };
  return {
    dialect: 'postgres',
    description: `postgres ${describeUrl(url)}${schema === 'public' ? '' : ` schema ${schema}`}`,
    schema,
    ready: () =>
      (migrated ??= migrate(connect(), 'postgres', schema).catch((err: unknown) => {
        migrated = null;
        throw err;
      })),
    nowMs: () => sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`,
    async ping(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the database did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([(async () => void (await sql`SELECT 1`.execute(await this.ready())))(), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      const open = db;
      db = null;
      pool = null;
      migrated = null;
      await open?.destroy();
    },
  };
}

/**
 * Migrates, and once more when that fails: another connection to the same data (a second process
 * opening a new SQLite file, keyv creating the same PostgreSQL schema) may have been doing the same
 * at the same moment and won; the second pass then finds the work done. A real failure fails twice.
 */
async function migrate(db: Kysely<Schema>, dialect: Dialect, schema: string | null): Promise<Kysely<Schema>> {
  try {
    return await migrateOnce(db, dialect, schema);
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return migrateOnce(db, dialect, schema);
  }
}

async function migrateOnce(db: Kysely<Schema>, dialect: Dialect, schema: string | null): Promise<Kysely<Schema>> {
  try {
    if (dialect === 'postgres' && schema && schema !== 'public') {
      // Two instances creating one schema at once: the advisory lock makes the second wait.
      await db.transaction().execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(287287)`.execute(trx);
        await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(trx);
      });
    }
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => MIGRATIONS },
      migrationTableName: 'ice_watch_migrations',
      migrationLockTableName: 'ice_watch_migrations_lock',
      // Named, so that the migrator looks for its own tables in this install's schema, not any schema on the path.
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      throw new StoreOpenError(
        `the database schema could not be brought up to date${failed ? ` (migration ${failed})` : ''}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return db;
  } catch (err) {
    if (err instanceof StoreOpenError) throw err;
    throw new StoreOpenError(err instanceof Error ? err.message : String(err));
  }
}
