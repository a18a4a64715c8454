import { sql } from 'kysely';
import { openDatabase, schemaOfPrefix, StoreConfigError } from '../../src/store/db/database';
import { MIGRATIONS } from '../../src/store/db/migrations';
import { dropSchemaOfPrefix, TEST_POSTGRES_URL } from '../../stand-ins/store-servers';
import { describeEachDatabase, uniquePrefix } from '../helpers/databases';
import { serviceReachable } from '../helpers/services';

describeEachDatabase()('database on %s', (_name, engine) => {
  test('the first ready() creates every table and records every migration; a second connection finds them done', async () => {
    const under = await engine();
    try {
      const db = await under.db.ready();
      const done = await sql<{ name: string }>`SELECT name FROM ice_watch_migrations ORDER BY name`.execute(db);
      expect(done.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
      await db.insertInto('leases').values({ name: 'x', owner: 'me', expires: 1 }).execute();
      const again = under.second();
      if (again) {
        const db2 = await again.ready();
        expect(await db2.selectFrom('leases').select('owner').execute()).toEqual([{ owner: 'me' }]);
      }
    } finally {
      await under.cleanup();
    }
  });

  test("nowMs() is the database's clock, within a few seconds of this machine's", async () => {
    const under = await engine();
    try {
      const db = await under.db.ready();
      const row = await sql<{ n: number | string }>`SELECT ${under.db.nowMs()} AS n`.execute(db);
      expect(Math.abs(Number(row.rows[0]!.n) - Date.now())).toBeLessThan(5_000);
      await expect(under.db.ping(2_000)).resolves.toBeUndefined();
    } finally {
      await under.cleanup();
    }
  });
});

test('STORE_PREFIX names a PostgreSQL schema; no prefix is public', () => {
  expect(schemaOfPrefix('')).toBe('public');
  expect(schemaOfPrefix('staging:')).toBe('ice_watch_staging');
  expect(schemaOfPrefix('A.b-c')).toBe('ice_watch_a_b_c');
});

(serviceReachable('postgres') ? test : test.skip)('two prefixes on one PostgreSQL database do not see each other', async () => {
  const [a, b] = [uniquePrefix(), uniquePrefix()];
  const da = openDatabase(TEST_POSTGRES_URL, { prefix: a });
  const db = openDatabase(TEST_POSTGRES_URL, { prefix: b });
  try {
    await (await da.ready()).insertInto('leases').values({ name: 'poll', owner: 'a', expires: 1 }).execute();
    expect(await (await db.ready()).selectFrom('leases').selectAll().execute()).toEqual([]);
  } finally {
    await Promise.all([da.close(), db.close()]);
    await Promise.all([dropSchemaOfPrefix(TEST_POSTGRES_URL, a), dropSchemaOfPrefix(TEST_POSTGRES_URL, b)]);
  }
});

test('redis:// and unknown schemes are refused with what to use instead', () => {
  expect(() => openDatabase('redis://127.0.0.1:6379')).toThrow(StoreConfigError);
  expect(() => openDatabase('redis://127.0.0.1:6379')).toThrow(/ice-watch migrate-store --from redis:/);
  expect(() => openDatabase('mysql://x')).toThrow(/sqlite:\/\/.*postgres:\/\//);
});

test('a database that cannot be reached fails ready() with the cause, and ping() within its bound', async () => {
  const d = openDatabase('postgres://nobody@127.0.0.1:1/none');
  try {
    await expect(d.ready()).rejects.toThrow(/ECONNREFUSED|connect/);
    const started = Date.now();
    await expect(d.ping(1_500)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3_000);
  } finally {
    await d.close();
  }
});

test("a SQLite store's key-value side is a file of its own beside it (two SQLite libraries never open one file)", () => {
  const { keyValueFileOf } = require('../../src/store/key-value') as typeof import('../../src/store/key-value');
  expect(keyValueFileOf('sqlite://data/ice-watch.sqlite')).toMatch(/\/data\/ice-watch\.kv\.sqlite$/);
  expect(keyValueFileOf('sqlite:///var/lib/bot/store')).toBe('/var/lib/bot/store.kv.sqlite');
});
