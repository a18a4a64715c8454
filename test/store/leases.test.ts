import { sql } from 'kysely';
import { createDbLeases } from '../../src/store/leases';
import { describeEachDatabase, type DatabaseUnderTest } from '../helpers/databases';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachDatabase()('leases on %s', (_name, engine) => {
  let under: DatabaseUnderTest;
  beforeEach(async () => (under = await engine()));
  afterEach(() => under.cleanup());

  test('one holder at a time; the holder renews; release frees it for the next', async () => {
    const leases = createDbLeases(under.db);
    expect(await leases.acquire('poll', 'a', 60_000)).toBe(true);
    expect(await leases.acquire('poll', 'b', 60_000)).toBe(false);
    expect(await leases.acquire('poll', 'a', 60_000)).toBe(true);
    expect(await leases.holder('poll')).toBe('a');
    await leases.release('poll', 'b'); // not b's: left alone
    expect(await leases.holder('poll')).toBe('a');
    await leases.release('poll', 'a');
    expect(await leases.holder('poll')).toBeNull();
    expect(await leases.acquire('poll', 'b', 60_000)).toBe(true);
    expect(await leases.holder('poll')).toBe('b');
  });

  test("a lease lapses on the database's clock and is then taken over", async () => {
    const leases = createDbLeases(under.db);
    expect(await leases.acquire('poll', 'a', 300)).toBe(true);
    const k = await under.db.ready();
    const row = await k
      .selectFrom('leases')
      .select(['expires', sql<number>`${under.db.nowMs()}`.as('now')])
      .where('name', '=', 'poll')
      .executeTakeFirstOrThrow();
    // Stored as the database's now + ttl (bigint: a string on PostgreSQL).
    const left = Number(row.expires) - Number(row.now);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(300);
    expect(await leases.acquire('poll', 'b', 300)).toBe(false);
    await sleep(450);
    expect(await leases.holder('poll')).toBeNull();
    expect(await leases.acquire('poll', 'b', 60_000)).toBe(true);
    expect(await leases.holder('poll')).toBe('b');
  });

  test('two connections racing for one lease: exactly one wins, every round', async () => {
    const other = under.second() ?? under.db;
    // Migrated one after the other: two SQLite connections migrating one new file at once collide (the foundation's, not the leases').
    await under.db.ready();
    await other.ready();
    const [a, b] = [createDbLeases(under.db), createDbLeases(other)];
    for (let round = 0; round < 5; round++) {
      const name = `race-${round}`;
      const tries = Array.from({ length: 8 }, (_, i) => (i % 2 ? b : a).acquire(name, `owner-${i}`, 60_000));
      const won = (await Promise.all(tries)).map((ok, i) => (ok ? `owner-${i}` : null)).filter(Boolean);
      expect(won).toHaveLength(1);
      expect(await a.holder(name)).toBe(won[0]);
      expect(await b.holder(name)).toBe(won[0]);
    }
  });

  test('sweep forgets only the expired leases under its prefix', async () => {
    const leases = createDbLeases(under.db);
    await leases.acquire('seen:1', 'x', 1);
    await leases.acquire('seen:2', 'x', 60_000);
    await leases.acquire('other:1', 'x', 1);
    await sleep(20);
    await leases.sweep('seen:');
    const k = await under.db.ready();
    const names = (await k.selectFrom('leases').select('name').orderBy('name').execute()).map((r) => r.name);
    expect(names).toEqual(['other:1', 'seen:2']);
  });
});
