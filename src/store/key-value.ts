import { basename, dirname, extname, join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import Keyv from 'keyv';
import type KeyvSqliteType from '@keyv/sqlite';
import type { StoreDb } from './db/database';
import { createKvTableAdapter } from './kv-table-adapter';

/**
 * What is plainly key-value and may expire lives in keyv, beside the relational tables in the same
 * database: each source's HTTP validators (ETag, Last-Modified) and the page's links, and each
 * source's health and back-off. keyv's own adapters, unpatched; one adapter per namespace.
 * Every Keyv throws on errors: a failing read must never look like "nothing stored yet".
 */
export interface KeyValueStores {
  open<T = unknown>(namespace: string): Keyv<T>;
  close(): Promise<void>;
}

export interface KeyValueOptions {
  /** On PostgreSQL, the open database whose pool and schema (STORE_PREFIX) the key-value side uses. */
  db?: StoreDb;
}

export function openKeyValueStores(url: string, options: KeyValueOptions = {}): KeyValueStores {
  const opened: Array<Keyv<unknown>> = [];
  const track = <T>(k: Keyv<T>) => {
    opened.push(k as Keyv<unknown>);
    return k;
  };
  if (url === 'memory://' || url === 'memory' || url === 'sqlite://:memory:') {
    // Opening a namespace twice gives two views of one map, as the other engines do.
    const maps = new Map<string, Map<string, unknown>>();
    const mapOf = (ns: string) => maps.get(ns) ?? maps.set(ns, new Map()).get(ns)!;
    return {
      open: <T>(namespace: string) => track(new Keyv<T>({ store: mapOf(namespace), namespace, throwOnErrors: true })),
      close: async () => undefined,
    };
  }
  if (url.startsWith('sqlite://')) {
    const file = keyValueFileOf(url);
    mkdirSync(dirname(file), { recursive: true });
    const KeyvSqlite = (require('@keyv/sqlite') as { default: typeof KeyvSqliteType }).default;
    return {
      open: <T>(namespace: string) =>
        track(
          new Keyv<T>({
            store: new KeyvSqlite({ uri: `sqlite://${file}`, table: 'ice_watch_keyvalue', busyTimeout: 5000 }),
            namespace,
            throwOnErrors: true,
          }),
        ),
      close: async () => void (await Promise.all(opened.map((k) => k.disconnect()))),
    };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    // Through the database's own pool (kv-table-adapter.ts says why not @keyv/postgres): the caller gives it.
    const db = options.db;
    if (!db) throw new Error('the key-value side on PostgreSQL needs the open database');
    return {
      open: <T>(namespace: string) => track(new Keyv<T>({ store: createKvTableAdapter(db), namespace, throwOnErrors: true })),
      // The pool is the database's, closed with it.
      close: async () => undefined,
    };
  }
  throw new Error(`no key-value store for ${url.split(':')[0]}`);
}

/**
 * The key-value side of a SQLite store is a file of its own beside it (`data/ice-watch.sqlite` ->
 * `data/ice-watch.kv.sqlite`): @keyv/sqlite runs on the sqlite3 module, the tables on
 * better-sqlite3, and two SQLite libraries in one process must never open one file (each keeps its
 * own POSIX locks, and one closing the file drops the other's, which corrupts reads). It holds
 * only what can be lost without harm: HTTP validators (the next fetch is a full one) and health.
 */
export function keyValueFileOf(url: string): string {
  const file = resolve(url.slice('sqlite://'.length));
  const ext = extname(file);
  return join(dirname(file), `${basename(file, ext)}.kv${ext || '.sqlite'}`);
}
