import { sql } from 'kysely';
import type { StoreDb } from './db/database';

/**
 * Named leases: one owner at a time, taken over when the holder stops renewing (a crashed
 * process). The poll leader, the owner of a SQLite file, and each seen Slack request signature.
 */
export interface Leases {
  /**
   * Takes the lease `name` for `owner` for `ttlMs`, or extends it when `owner` holds it.
   * True when `owner` holds it now; false when someone else holds an unexpired lease.
   */
  acquire(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `owner` holds it (others' leases are left alone). */
  release(name: string, owner: string): Promise<void>;
  /** Who holds the lease now (null when free or expired). */
  holder(name: string): Promise<string | null>;
  /**
   * Forgets the expired leases whose names start with `namePrefix` (a row stays per name until
   * then). For leases taken once per name and never released (seen Slack request signatures).
   */
  sweep(namePrefix: string): Promise<void>;
}

/**
 * Leases as rows of the `leases` table. Expiry is on the DATABASE's clock (`db.nowMs()`), so
 * instances whose clocks disagree still agree on who holds what. Taking one is a single
 * statement, `INSERT ... ON CONFLICT DO UPDATE ... WHERE expired OR mine RETURNING`: the
 * database serialises two callers racing for one name, and only the one whose row came back
 * holds it (PostgreSQL's row lock on the conflict; SQLite's one writer at a time).
 */
export function createDbLeases(db: StoreDb): Leases {
  return {
    async acquire(name, owner, ttlMs) {
      const k = await db.ready();
      const expires = sql<number>`${db.nowMs()} + ${Math.round(ttlMs)}`;
      const row = await k
        .insertInto('leases')
        .values({ name, owner, expires })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ owner: (eb) => eb.ref('excluded.owner'), expires: (eb) => eb.ref('excluded.expires') })
            .where((eb) => eb.or([eb('leases.expires', '<=', db.nowMs()), eb('leases.owner', '=', owner)])),
        )
        .returning('owner')
        .executeTakeFirst();
      return row?.owner === owner;
    },
    async release(name, owner) {
      const k = await db.ready();
      await k.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
    },
    async holder(name) {
      const k = await db.ready();
      const row = await k
        .selectFrom('leases')
        .select('owner')
        .where('name', '=', name)
        .where('expires', '>', db.nowMs())
        .executeTakeFirst();
      return row?.owner ?? null;
    },
    async sweep(namePrefix) {
      const k = await db.ready();
      // substr rather than LIKE: no wildcards to escape, and exact case on both engines.
      await k
        .deleteFrom('leases')
        .where(sql<string>`substr(name, 1, ${namePrefix.length})`, '=', namePrefix)
        .where('expires', '<=', db.nowMs())
        .execute();
    },
  };
}
