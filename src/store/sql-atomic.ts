import type { Leases, ScoredSets } from './atomic';

/** Runs one statement with `?` placeholders and returns its rows. */
export type SqlQuery = (sql: string, params: readonly unknown[]) => Promise<Array<Record<string, unknown>>>;

export type SqlDialect = 'sqlite' | 'postgres';

/** The tables behind scored sets and leases; created once per store (idempotent). */
export const ATOMIC_TABLES = [
  'CREATE TABLE IF NOT EXISTS ice_watch_sets (name VARCHAR(512) NOT NULL, member VARCHAR(512) NOT NULL, score DOUBLE PRECISION NOT NULL, PRIMARY KEY (name, member))',
  'CREATE INDEX IF NOT EXISTS ice_watch_sets_by_score ON ice_watch_sets (name, score)',
  'CREATE TABLE IF NOT EXISTS ice_watch_leases (name VARCHAR(512) PRIMARY KEY, owner VARCHAR(512) NOT NULL, expires BIGINT NOT NULL)',
];

/** Rows per multi-row statement: well under SQLite's bound-parameter limit. */
const CHUNK = 400;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Scored sets and leases on SQLite or PostgreSQL. Every change is one statement, so it is
 * atomic on the engine however many processes share the database: an upsert for adding,
 * a delete for removing, and for a lease an upsert that only takes effect when the lease
 * is free, expired or already the caller's (`RETURNING` tells whether it did). Lease
 * expiry uses the callers' clocks (keep the machines on NTP); it is compared, never trusted
 * to the millisecond.
 */
export function createSqlAtomic(query: SqlQuery, dialect: SqlDialect, now: () => number = Date.now): { sets: ScoredSets; leases: Leases } {
  // Statements are written with `?`; PostgreSQL numbers its placeholders.
  const run = (sql: string, params: readonly unknown[]) => {
    if (dialect === 'sqlite') return query(sql, params);
    let n = 0;
    return query(
      sql.replace(/\?/g, () => `$${++n}`),
      params,
    );
  };
  const sets: ScoredSets = {
    async add(set, members) {
      for (const part of chunks(members)) {
        await run(
          `INSERT INTO ice_watch_sets (name, member, score) VALUES ${part.map(() => '(?, ?, ?)').join(', ')} ` +
            'ON CONFLICT (name, member) DO UPDATE SET score = excluded.score',
          part.flatMap(([member, score]) => [set, member, score]),
        );
      }
    },
    async remove(set, members) {
      for (const part of chunks(members)) {
        await run(`DELETE FROM ice_watch_sets WHERE name = ? AND member IN (${part.map(() => '?').join(', ')})`, [set, ...part]);
      }
    },
    members: async (set) => (await run('SELECT member FROM ice_watch_sets WHERE name = ?', [set])).map((r) => String(r.member)),
    async upTo(set, maxScore, limit) {
      const rows = await run('SELECT member, score FROM ice_watch_sets WHERE name = ? AND score <= ? ORDER BY score, member LIMIT ?', [
        set,
        maxScore,
        limit,
      ]);
      return rows.map((r) => ({ member: String(r.member), score: Number(r.score) }));
    },
    count: async (set) => Number((await run('SELECT COUNT(*) AS n FROM ice_watch_sets WHERE name = ?', [set]))[0]?.n ?? 0),
  };
  const leases: Leases = {
    async acquire(name, owner, ttlMs) {
      const at = now();
      const rows = await run(
        'INSERT INTO ice_watch_leases (name, owner, expires) VALUES (?, ?, ?) ' +
          'ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires = excluded.expires ' +
          'WHERE ice_watch_leases.expires <= ? OR ice_watch_leases.owner = excluded.owner RETURNING owner',
        [name, owner, at + ttlMs, at],
      );
      return rows.length === 1;
    },
    async release(name, owner) {
      await run('DELETE FROM ice_watch_leases WHERE name = ? AND owner = ?', [name, owner]);
    },
    async holder(name) {
      const rows = await run('SELECT owner FROM ice_watch_leases WHERE name = ? AND expires > ?', [name, now()]);
      return rows.length ? String(rows[0]!.owner) : null;
    },
    async sweep(namePrefix) {
      // substr rather than LIKE: no wildcards to escape, and exact case on both engines.
      await run('DELETE FROM ice_watch_leases WHERE substr(name, 1, ?) = ? AND expires <= ?', [namePrefix.length, namePrefix, now()]);
    },
  };
  return { sets, leases };
}
