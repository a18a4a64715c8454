import { type Kysely, sql } from 'kysely';
import type { StoreDb } from './database';
import type { Schema } from './schema';

/**
 * Runs `work` in one write transaction and returns what it returns; what it throws rolls it back.
 *
 * SQLite: `BEGIN IMMEDIATE`, so the transaction holds the file's write lock from its first read:
 * two connections (two processes) that read then write cannot both read the old row and then
 * fail to upgrade (SQLITE_BUSY); the second waits (busy timeout) for the first to commit. In one
 * process Kysely's SQLite driver already runs one transaction at a time on its one connection.
 * PostgreSQL: an ordinary transaction; the work takes the row locks it needs (`FOR UPDATE`).
 */
export async function inWriteTransaction<T>(db: StoreDb, work: (trx: Kysely<Schema>) => Promise<T>): Promise<T> {
  const k = await db.ready();
  if (db.dialect === 'postgres') return k.transaction().execute(work);
  return k.connection().execute(async (conn) => {
    await sql`BEGIN IMMEDIATE`.execute(conn);
    try {
      const result = await work(conn);
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (err) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}
