import type { RedisClientType } from '@keyv/redis';
import type { Leases, ScoredSets } from './atomic';

/** Takes or extends a lease: set it when free or already ours; Redis expires it (PX). */
const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;
/** Deletes a lease only if it is still ours (it may have expired and been taken). */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const CHUNK = 1000;

/**
 * Scored sets and leases on Redis: sorted sets (ZADD / ZREM / ZRANGE BYSCORE) and a lease
 * as a key with an expiry, taken and released by the scripts above (each runs atomically
 * on the server). Keys are `<prefix>set:<name>` and `<prefix>lease:<name>`.
 */
export function createRedisAtomic(client: RedisClientType, prefix: string): { sets: ScoredSets; leases: Leases } {
  const setKey = (name: string) => `${prefix}set:${name}`;
  const leaseKey = (name: string) => `${prefix}lease:${name}`;
  const sets: ScoredSets = {
    async add(set, members) {
      for (let i = 0; i < members.length; i += CHUNK) {
        await client.zAdd(
          setKey(set),
          members.slice(i, i + CHUNK).map(([value, score]) => ({ value, score })),
        );
      }
    },
    async remove(set, members) {
      for (let i = 0; i < members.length; i += CHUNK) await client.zRem(setKey(set), members.slice(i, i + CHUNK));
    },
    members: async (set) => client.zRange(setKey(set), 0, -1),
    async upTo(set, maxScore, limit) {
      // Equal scores come back in member order, as on the SQL engines.
      const rows = await client.zRangeWithScores(setKey(set), '-inf', maxScore, { BY: 'SCORE', LIMIT: { offset: 0, count: limit } });
      return rows.map((r) => ({ member: r.value, score: r.score }));
    },
    count: async (set) => client.zCard(setKey(set)),
  };
  const leases: Leases = {
    async acquire(name, owner, ttlMs) {
      const won = await client.eval(ACQUIRE, { keys: [leaseKey(name)], arguments: [owner, String(Math.max(1, Math.round(ttlMs)))] });
      return Number(won) === 1;
    },
    async release(name, owner) {
      await client.eval(RELEASE, { keys: [leaseKey(name)], arguments: [owner] });
    },
    holder: async (name) => client.get(leaseKey(name)),
    sweep: async () => undefined, // Redis expires lease keys itself (PX)
  };
  return { sets, leases };
}
