import { Pool } from 'pg';
import sqlite3 from 'sqlite3';
import { createKeyvFactory } from '../../src/store/keyv-factory';
import { describeEachStore, STORE_BACKENDS, type StoreUnderTest } from '../helpers/store-backends';

/** Rows of the leases table (expired or not) whose names start with `namePrefix`, read directly from the engine. */
async function countLeaseRows(store: StoreUnderTest, namePrefix: string): Promise<number> {
  const like = `${store.prefix}${namePrefix}%`;
  if (store.url.startsWith('postgres')) {
    const pool = new Pool({ connectionString: store.url, max: 1 });
    try {
      return Number((await pool.query('SELECT COUNT(*) AS n FROM ice_watch_leases WHERE name LIKE $1', [like])).rows[0].n);
    } finally {
      await pool.end();
    }
  }
  const db = new sqlite3.Database(store.url.slice('sqlite://'.length));
  try {
    return await new Promise<number>((resolve, reject) =>
      db.get('SELECT COUNT(*) AS n FROM ice_watch_leases WHERE name LIKE ?', [like], (err, row: { n: number }) =>
        err ? reject(err) : resolve(row.n),
      ),
    );
  } finally {
    db.close();
  }
}

describeEachStore(STORE_BACKENDS)('scored sets and leases on %s', (name, backend) => {
  let store: StoreUnderTest;
  beforeEach(async () => {
    store = await backend();
  });
  afterEach(() => store.cleanup());

  test('a set keeps one score per member, answers by score with ties in member order, and forgets removed members', async () => {
    const { sets } = store.factory;
    await sets.add('s', [
      ['b', 20],
      ['a', 20],
      ['c', 10],
      ['d', 40],
    ]);
    await sets.add('s', [['d', 5]]); // moves d
    expect(await sets.count('s')).toBe(4);
    expect(await sets.upTo('s', 20, 10)).toEqual([
      { member: 'd', score: 5 },
      { member: 'c', score: 10 },
      { member: 'a', score: 20 },
      { member: 'b', score: 20 },
    ]);
    expect((await sets.upTo('s', 20, 2)).map((r) => r.member)).toEqual(['d', 'c']);
    await sets.remove('s', ['a', 'zzz']);
    expect((await sets.members('s')).sort()).toEqual(['b', 'c', 'd']);
    expect(await sets.members('other')).toEqual([]);
    expect(await sets.count('other')).toBe(0);
  });

  test('large adds and removes go through in batches', async () => {
    const { sets } = store.factory;
    const many = Array.from({ length: 2_345 }, (_, i) => [`m${i}`, i] as const);
    await sets.add('big', many);
    expect(await sets.count('big')).toBe(2_345);
    await sets.remove(
      'big',
      many.slice(0, 2_000).map(([m]) => m),
    );
    expect((await sets.upTo('big', Number.MAX_SAFE_INTEGER, 5)).map((r) => r.member)).toEqual([
      'm2000',
      'm2001',
      'm2002',
      'm2003',
      'm2004',
    ]);
  });

  test('a lease has one holder; the holder extends it; a release or an expiry lets another take it', async () => {
    const { leases } = store.factory;
    expect(await leases.acquire('poll', 'A', 60_000)).toBe(true);
    expect(await leases.acquire('poll', 'B', 60_000)).toBe(false);
    expect(await leases.acquire('poll', 'A', 60_000)).toBe(true);
    expect(await leases.holder('poll')).toBe('A');
    await leases.release('poll', 'B'); // not B's: nothing happens
    expect(await leases.holder('poll')).toBe('A');
    await leases.release('poll', 'A');
    expect(await leases.holder('poll')).toBeNull();
    expect(await leases.acquire('poll', 'B', 150)).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(await leases.holder('poll')).toBeNull();
    expect(await leases.acquire('poll', 'C', 60_000)).toBe(true);
  });

  test('sweep forgets the expired leases under a prefix, and only those', async () => {
    const { leases } = store.factory;
    await leases.acquire('seen:a', 'A', 100);
    await leases.acquire('seen:b', 'B', 60_000);
    await leases.acquire('other:c', 'C', 100);
    await new Promise((r) => setTimeout(r, 250));
    await leases.sweep('seen:');
    expect(await leases.holder('seen:b')).toBe('B');
    if (store.url.startsWith('sqlite') || store.url.startsWith('postgres')) {
      // The expired row under the prefix is gone; the live one and the other name's expired row stay.
      expect(await countLeaseRows(store, 'seen:')).toBe(1);
      expect(await countLeaseRows(store, 'other:c')).toBe(1);
    }
    expect(await leases.acquire('seen:a', 'D', 60_000)).toBe(true);
  });

  if (name === 'memory') return; // one process by definition: nothing is shared

  test('two instances adding to one index at once both keep every change', async () => {
    const other = store.second()!;
    await other.ready();
    await Promise.all([
      ...Array.from({ length: 100 }, (_, i) => store.factory.sets.add('index', [[`a${i}`, i]])),
      ...Array.from({ length: 100 }, (_, i) => other.sets.add('index', [[`b${i}`, i]])),
      ...Array.from({ length: 50 }, (_, i) => other.sets.remove('index', [`a${i}`])),
    ]);
    const members = new Set(await store.factory.sets.members('index'));
    for (let i = 0; i < 100; i++) expect(members.has(`b${i}`)).toBe(true);
    for (let i = 50; i < 100; i++) expect(members.has(`a${i}`)).toBe(true);
  });

  test('of many instances racing for one lease exactly one wins', async () => {
    const others = [store.factory, store.second()!, store.second()!];
    const tries = await Promise.all(
      others.flatMap((f, i) => Array.from({ length: 5 }, (_, j) => f.leases.acquire('outbox:x', `owner-${i}-${j}`, 60_000))),
    );
    expect(tries.filter(Boolean)).toHaveLength(1);
  });

  test('names under one prefix are invisible under another', async () => {
    const neighbour = createKeyvFactory(store.url, { prefix: `${store.prefix}other:` });
    try {
      await store.factory.sets.add('shared-name', [['x', 1]]);
      await store.factory.leases.acquire('shared-lease', 'A', 60_000);
      if (store.prefix) {
        expect(await neighbour.sets.members('shared-name')).toEqual([]);
        expect(await neighbour.leases.acquire('shared-lease', 'B', 60_000)).toBe(true);
      } else {
        // SQLite has no prefix here: the same file is the same store.
        expect(await neighbour.sets.members('shared-name')).toEqual([]);
      }
    } finally {
      await neighbour.close();
    }
  });
});

describe('an engine that cannot be reached', () => {
  test.each([
    ['postgres', 'postgres://postgres@127.0.0.1:1/test'],
    ['redis', 'redis://127.0.0.1:1'],
  ])('%s: ready() rejects with the reason instead of hanging or crashing', async (_n, url) => {
    const factory = createKeyvFactory(url);
    try {
      await expect(factory.ready()).rejects.toThrow(/ECONNREFUSED|connect/i);
    } finally {
      await factory.close();
    }
  });

  test('credentials never reach the description that is logged', () => {
    const factory = createKeyvFactory('postgres://bot:s3cret@db.internal:5432/icewatch');
    expect(factory.description).toBe('postgres postgres://db.internal:5432/icewatch');
    return factory.close();
  });
});
