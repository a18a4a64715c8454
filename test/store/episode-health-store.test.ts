import { createServer, type Server, type Socket } from 'node:net';
import type { Episode } from '../../src/domain/alerts/operator-episodes';
import { healthyState, SOURCE_NAMES } from '../../src/domain/source-health';
import { openDatabase } from '../../src/store/db/database';
import { createEpisodeStore } from '../../src/store/episode-store';
import { createHealthStore } from '../../src/store/health-store';
import { openKeyValueStores, type KeyValueStores } from '../../src/store/key-value';
import { type DatabaseUnderTest, describeEachDatabase } from '../helpers/databases';

const episode = (key: string, told: number): Episode => ({
  key,
  kind: key.split('|')[0]!,
  subject: key.split('|')[1]!,
  startedAt: '2026-12-01T00:00:00.000Z',
  lastToldAt: '2026-12-02T00:00:00.000Z',
  lastSeenAt: '2026-12-03T00:00:00.000Z',
  told,
});

describeEachDatabase()('episode and health stores on %s', (_name, engine) => {
  let d: DatabaseUnderTest;
  let kv: KeyValueStores;
  beforeEach(async () => {
    d = await engine();
    kv = openKeyValueStores(d.url, { db: d.db });
  });
  afterEach(async () => {
    await kv.close();
    await d.cleanup();
  });

  test('episodes: set, replace, read after a restart, delete', async () => {
    const episodes = createEpisodeStore(d.db);
    expect(await episodes.get('held|Texas')).toBeNull();
    await episodes.set(episode('held|Texas', 1));
    await episodes.set(episode('held|Texas', 2));
    await episodes.set(episode('source-failing|287g', 1));
    const reopened = d.second();
    expect(await createEpisodeStore(reopened ?? d.db).get('held|Texas')).toEqual(episode('held|Texas', 2));
    await episodes.delete('held|Texas');
    await episodes.delete('held|Texas');
    expect(await episodes.get('held|Texas')).toBeNull();
    expect(await episodes.get('source-failing|287g')).toEqual(episode('source-failing|287g', 1));
  });

  test('health: a healthy state by default, a record once set, the record kept under the former name read back', async () => {
    const health = createHealthStore(d.db, kv);
    expect(await health.get('totals')).toEqual(healthyState('totals'));
    const failing = { ...healthyState('totals'), consecutiveFailures: 3, lastError: 'HTTP 503' };
    await health.set(failing);
    expect(await health.get('totals')).toEqual(failing);

    const former = { ...healthyState(SOURCE_NAMES['287g']), consecutiveFailures: 2, nextAttemptAt: '2026-12-04T13:00:00.000Z' };
    await kv.open('source-health').set(SOURCE_NAMES['287g'], former);
    expect(await health.get('287g')).toEqual({ ...former, source: '287g' });
    await health.ping();
  });
});

describe('health ping when the database is cut', () => {
  let server: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // A PostgreSQL that accepts the connection and never answers, as behind a dropped network path.
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  test('rejects within 2 s instead of hanging (/healthz answers 503)', async () => {
    const { port } = server.address() as { port: number };
    const db = openDatabase(`postgres://ice@127.0.0.1:${port}/test`);
    const health = createHealthStore(db, openKeyValueStores('memory://'));
    const started = Date.now();
    await expect(health.ping()).rejects.toThrow(/did not answer/);
    expect(Date.now() - started).toBeLessThan(2_000);
    for (const s of sockets) s.destroy();
    await db.close().catch(() => undefined);
  });
});
