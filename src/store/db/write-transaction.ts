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
 * better-sqlite3 waits for a lock synchronously, which would stop this process's event loop (and with it
 * another connection of the same process that holds the lock), so the wait is a loop of tries here.
 * PostgreSQL: an ordinary transaction; the work takes the row locks it needs (`FOR UPDATE`).
 */
export async function inWriteTransaction<T>(db: StoreDb, work: (trx: Kysely<Schema>) => Promise<T>): Promise<T> {
  const k = await db.ready();
  if (db.dialect === 'postgres') return k.transaction().execute(work);
  return k.connection().execute(async (conn) => {
    await beginImmediate(conn);
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

const WAIT_MS = 5_000;
const BUSY_TIMEOUT_MS = 5_000; // database.ts opens SQLite with this busy timeout

/** BEGIN IMMEDIATE, waiting for the write lock without blocking the event loop (see above). */
async function beginImmediate(conn: Kysely<Schema>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  await sql`PRAGMA busy_timeout = 0`.execute(conn);
  try {
    for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
      try {
        await sql`BEGIN IMMEDIATE`.execute(conn);
        return;
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err;
      }
      await new Promise((r) => setTimeout(r, pause));
    }
  } finally {
    await sql.raw(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`).execute(conn);
  }
}
