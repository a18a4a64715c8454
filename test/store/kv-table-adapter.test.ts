/**
 * The key-value side on PostgreSQL goes through the database's own pool (src/store/kv-table-adapter.ts):
 * keyv's namespaces, values and expiry over the `ice_watch_keyvalue` table, and a dropped idle
 * connection that is reported by the next query instead of ending the process (what @keyv/postgres's
 * pool, with no error listener, did).
 */
import { URL } from 'node:url';
import { openDatabase } from '../../src/store/db/database';
import { openKeyValueStores } from '../../src/store/key-value';
import { dropSchemaOfPrefix, TEST_POSTGRES_URL } from '../../stand-ins/store-servers';
import { startTcpProxy } from '../../stand-ins/tcp-proxy';
import { DATABASES, describeEachDatabase, uniquePrefix, type DatabaseUnderTest } from '../helpers/databases';

const postgresOnly = DATABASES.filter(([name]) => name === 'postgres');

describeEachDatabase(postgresOnly)('keyv over the database pool on %s', (_name, engine) => {
  let d: DatabaseUnderTest;
  beforeEach(async () => (d = await engine()));
  afterEach(() => d.cleanup());

  test('values round-trip per namespace; clear empties its own namespace only; a second process reads them', async () => {
    const kv = openKeyValueStores(d.url, { db: d.db });
    const health = kv.open<{ failures: number }>('source-health');
    const validators = kv.open<{ etag: string }>('http-validators');
    await health.set('287g', { failures: 2 });
    await validators.set('participating', { etag: '"e1"' });
    await validators.set('50%_off', { etag: '"e2"' });
    expect(await health.get('287g')).toEqual({ failures: 2 });
    expect(await validators.get(['participating', 'missing'])).toEqual([{ etag: '"e1"' }, undefined]);
    await health.clear();
    expect(await health.get('287g')).toBeUndefined();
    expect(await validators.get('50%_off')).toEqual({ etag: '"e2"' });
    expect(await validators.delete('participating')).toBe(true);
    expect(await validators.delete('participating')).toBe(false);
    const second = d.second()!;
    expect(await openKeyValueStores(d.url, { db: second }).open('http-validators').get('50%_off')).toEqual({ etag: '"e2"' });
  });

  test('an entry past its time to live reads as absent', async () => {
    await d.db.ready();
    const kv = openKeyValueStores(d.url, { db: d.db }).open<string>('short');
    await kv.set('k', 'v', 1_000);
    expect(await kv.get('k')).toBe('v');
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await kv.get('k')).toBeUndefined();
  });
});

describeEachDatabase(postgresOnly)('a dropped idle connection on %s', () => {
  test('is reported by the next read, and the read after the network is back succeeds', async () => {
    const target = new URL(TEST_POSTGRES_URL);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const url = new URL(TEST_POSTGRES_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    const prefix = uniquePrefix();
    const db = openDatabase(url.toString(), { prefix });
    try {
      const kv = openKeyValueStores(url.toString(), { db }).open<number>('source-health');
      await kv.set('a', 1); // leaves idle connections in the pool
      proxy.cut(); // their sockets close under them: pg re-emits that on the pool
      await new Promise((r) => setTimeout(r, 200));
      await expect(kv.get('a')).rejects.toThrow();
      proxy.restore();
      expect(await kv.get('a')).toBe(1);
    } finally {
      proxy.restore();
      await db.close();
      await proxy.close();
      await dropSchemaOfPrefix(TEST_POSTGRES_URL, prefix);
    }
  });
});
