import { EventEmitter } from 'node:events';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import type { StoreDb } from './db/database';

/**
 * keyv's store on PostgreSQL, over the bot's own connection pool (src/store/db/database.ts) and the
 * `ice_watch_keyvalue` table (tables-keyvalue.ts), instead of @keyv/postgres. That adapter keeps a
 * pool of its own, module-wide, with no 'error' listener: when the network drops one of its idle
 * connections, pg re-emits the error on that pool and the process dies (found by the connection-cut
 * test, test/e2e/crash-db-cut.test.ts). The bot's pool has the listener, bounded connect and query
 * timeouts, and the install's schema; keyv keeps doing what it is for (namespaces, serialization,
 * expiry: keyv stores the expiry inside the value and drops a stale one on read).
 */
export function createKvTableAdapter(db: StoreDb): KeyvStoreAdapter {
  const events = new EventEmitter();
  const adapter = Object.assign(events, {
    opts: { dialect: 'postgres', table: 'ice_watch_keyvalue' },
    namespace: undefined as string | undefined,
    async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
      const k = await db.ready();
      const row = await k.selectFrom('ice_watch_keyvalue').select('value').where('key', '=', key).executeTakeFirst();
      return (row?.value ?? undefined) as StoredData<Value> | undefined;
    },
    async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
      if (!keys.length) return [];
      const k = await db.ready();
      const rows = await k.selectFrom('ice_watch_keyvalue').select(['key', 'value']).where('key', 'in', keys).execute();
      const byKey = new Map(rows.map((r) => [r.key, r.value]));
      return keys.map((key) => byKey.get(key) as StoredData<Value | undefined>);
    },
    async set(key: string, value: unknown): Promise<void> {
      const k = await db.ready();
      const text = String(value);
      await k
        .insertInto('ice_watch_keyvalue')
        .values({ key, value: text })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: text }))
        .execute();
    },
    async delete(key: string): Promise<boolean> {
      const k = await db.ready();
      const result = await k.deleteFrom('ice_watch_keyvalue').where('key', '=', key).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async has(key: string): Promise<boolean> {
      return (await adapter.get(key)) !== undefined;
    },
    /** Clears this namespace only (keyv prefixes every key with `<namespace>:`). */
    async clear(): Promise<void> {
      const k = await db.ready();
      const ns = adapter.namespace;
      const escaped = ns ? `${ns.replace(/[\\%_]/g, (c) => `\\${c}`)}:%` : '%';
      await k.deleteFrom('ice_watch_keyvalue').where('key', 'like', escaped).execute();
    },
    /** The pool is the database's: closed with it. */
    async disconnect(): Promise<void> {},
  });
  return adapter as unknown as KeyvStoreAdapter;
}
