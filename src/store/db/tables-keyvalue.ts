import type { Kysely, Migration } from 'kysely';

/**
 * The key-value side on PostgreSQL (HTTP validators, source health): keyv's rows, `<namespace>:<key>`
 * -> keyv's serialized value (its own expiry inside). The layout @keyv/postgres wrote, so an install
 * that ran it keeps its rows; created here only when it is not there yet.
 */
export interface KeyValueTables {
  ice_watch_keyvalue: { key: string; value: string };
}

export const keyValueMigration: Migration = {
  async up(db: Kysely<unknown>) {
    // Created on SQLite too, where it stays empty: there the key-value side is @keyv/sqlite's own file.
    await db.schema
      .createTable('ice_watch_keyvalue')
      .ifNotExists()
      .addColumn('key', 'varchar(512)', (c) => c.primaryKey())
      .addColumn('value', 'text')
      .execute();
  },
};
