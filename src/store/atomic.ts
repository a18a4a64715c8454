/**
 * The two writes that several instances sharing one store must make atomically, which
 * keyv's get/set cannot express: membership in an index, and a lease.
 *
 * - A scored set is an index (the channels following a state; the pending outbox entries by
 *   next attempt time). Adding or removing one member is one statement on the engine
 *   (SQL `INSERT ... ON CONFLICT` / `DELETE`, Redis `ZADD` / `ZREM`), so two instances
 *   changing one index at once both keep their change. The old design rewrote a whole index
 *   record and needed an in-process lock; across processes that loses writes.
 * - A lease is a named claim with an owner and an expiry (`INSERT ... ON CONFLICT DO UPDATE
 *   ... WHERE expired OR mine`, Redis `SET NX PX` in a script): one owner at a time, taken
 *   over when the holder stops renewing it (a crashed process).
 *
 * Each engine implements both in its own native way: memory here, SQLite and PostgreSQL in
 * sql-atomic.ts, Redis in redis-atomic.ts.
 */
export interface ScoredSets {
  /** Adds members (or moves them to a new score). */
  add(set: string, members: ReadonlyArray<readonly [member: string, score: number]>): Promise<void>;
  remove(set: string, members: readonly string[]): Promise<void>;
  /** Every member, in no particular order. */
  members(set: string): Promise<string[]>;
  /** Members with score <= maxScore, lowest score first (ties by member), at most `limit`. */
  upTo(set: string, maxScore: number, limit: number): Promise<Array<{ member: string; score: number }>>;
  count(set: string): Promise<number>;
}

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
   * Forgets the expired leases whose names start with `namePrefix`: the SQL engines keep a
   * row per name until then (Redis expires its keys itself). For leases taken once per
   * name and never released (seen Slack request signatures).
   */
  sweep(namePrefix: string): Promise<void>;
}

/** In-process sets and leases for `memory://` (one process by definition). */
export function createMemoryAtomic(now: () => number = Date.now): { sets: ScoredSets; leases: Leases } {
  const sets = new Map<string, Map<string, number>>();
  const leases = new Map<string, { owner: string; expires: number }>();
  const setOf = (name: string) => {
    let s = sets.get(name);
    if (!s) sets.set(name, (s = new Map()));
    return s;
  };
  const live = (name: string) => {
    const lease = leases.get(name);
    return lease && lease.expires > now() ? lease : null;
  };
  return {
    sets: {
      async add(set, members) {
        const s = setOf(set);
        for (const [member, score] of members) s.set(member, score);
      },
      async remove(set, members) {
        const s = sets.get(set);
        for (const m of members) s?.delete(m);
      },
      members: async (set) => [...(sets.get(set)?.keys() ?? [])],
      async upTo(set, maxScore, limit) {
        return [...(sets.get(set) ?? [])]
          .filter(([, score]) => score <= maxScore)
          .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
          .slice(0, limit)
          .map(([member, score]) => ({ member, score }));
      },
      count: async (set) => sets.get(set)?.size ?? 0,
    },
    leases: {
      async acquire(name, owner, ttlMs) {
        const lease = live(name);
        if (lease && lease.owner !== owner) return false;
        leases.set(name, { owner, expires: now() + ttlMs });
        return true;
      },
      async release(name, owner) {
        if (leases.get(name)?.owner === owner) leases.delete(name);
      },
      holder: async (name) => live(name)?.owner ?? null,
      async sweep(namePrefix) {
        for (const name of [...leases.keys()]) if (name.startsWith(namePrefix) && !live(name)) leases.delete(name);
      },
    },
  };
}
