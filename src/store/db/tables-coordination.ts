import type { Kysely, Migration } from 'kysely';

/** Named leases on the database's clock: the poll leader, and any other "one holder at a time". */
export interface CoordinationTables {
  leases: { name: string; owner: string; expires: number };
}

export const coordinationMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('leases')
      .addColumn('name', 'varchar(512)', (c) => c.primaryKey())
      .addColumn('owner', 'varchar(512)', (c) => c.notNull())
      .addColumn('expires', 'bigint', (c) => c.notNull())
      .execute();
  },
};
