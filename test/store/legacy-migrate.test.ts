import { existsSync, rmSync } from 'node:fs';
import { Pool } from 'pg';
import { join } from 'node:path';
import { migrateStoreCommand, type OpenImportTarget } from '../../src/cli/migrate-store';
import type { ImportTarget } from '../../src/store/legacy/import-legacy';
import { migrateLegacyInstall, RedisStoreRefusedError } from '../../src/store/legacy/migrate-legacy';
import { openStores, type Stores } from '../../src/store/open-stores';
import { deleteByPrefix, TEST_POSTGRES_URL } from '../../stand-ins/store-servers';
import { copyLegacyFixture, legacyManifest, legacyRows } from '../fixtures/legacy-store/legacy-fixture';
import { cli } from '../helpers/cli';
import { uniquePrefix } from '../helpers/databases';
import { describeWith } from '../helpers/services';

const manifest = legacyManifest();

/** This branch's stores plus a `snapshots.restore` that counts what it got (the relational one is written beside this). */
function targetOf(stores: Stores, restoreMs = 0) {
  const restored: string[] = [];
  const target: ImportTarget = {
    ...stores,
    snapshots: {
      ...stores.snapshots,
      restore: async (source) => {
        // A slow write (a big ledger on a remote database): the window in which a second instance would import again.
        if (restoreMs) await new Promise((r) => setTimeout(r, restoreMs));
        restored.push(source);
      },
    },
  };
  return { target, restored };
}

function recordingLogger() {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push({ level, obj, msg });
  return { lines, logger: { info: at('info'), warn: at('warn') } as never };
}

describe('migrateLegacyInstall on start', () => {
  let fixture: ReturnType<typeof copyLegacyFixture>;
  let stores: Stores;
  beforeEach(() => {
    fixture = copyLegacyFixture();
    stores = openStores({ url: 'memory://' });
  });
  afterEach(async () => {
    await stores.close();
    fixture.cleanup();
  });

  test('a SQLite file of the former layout is imported once, with what moved logged; later starts read nothing of it', async () => {
    const { target, restored } = targetOf(stores);
    const { lines, logger } = recordingLogger();
    const outcome = await migrateLegacyInstall({ url: fixture.url }, target, { logger });
    expect(outcome.status).toBe('imported');
    expect(restored.sort()).toEqual(['participating', 'pending']);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        obj: expect.objectContaining({ moved: expect.objectContaining({ subscriptions: manifest.subscriptions.length }) }),
      }),
    ]);
    // The next start finds the import's record before it looks at the former layout (gone here): nothing is read or written.
    rmSync(fixture.file);
    const again = await migrateLegacyInstall({ url: fixture.url }, target, { logger });
    expect(again).toMatchObject({ status: 'already-imported', from: `sqlite ${fixture.file}` });
    expect(restored).toHaveLength(2);
  });

  test('a store without the former layout (a new file, memory) has nothing to migrate', async () => {
    const { target } = targetOf(stores);
    expect(await migrateLegacyInstall({ url: `sqlite://${join(fixture.dir, 'new.sqlite')}` }, target)).toEqual({
      status: 'nothing-to-migrate',
    });
    expect(await migrateLegacyInstall({ url: fixture.url, prefix: 'another-install-' }, target)).toEqual({ status: 'nothing-to-migrate' });
    expect(await migrateLegacyInstall({ url: 'memory://' }, target)).toEqual({ status: 'nothing-to-migrate' });
    expect(await stores.subscriptions.get(manifest.subscriptions[0]!)).toBeNull();
  });

  test('STORE_URL=redis:// is refused with the exact command that moves it (no password shown)', async () => {
    const { target } = targetOf(stores);
    const refusal = migrateLegacyInstall({ STORE_URL: 'redis://:s3cret@cache.internal:6379', STORE_PREFIX: 'prod:' }, target);
    await expect(refusal).rejects.toBeInstanceOf(RedisStoreRefusedError);
    const message = await refusal.catch((err: Error) => err.message);
    expect(message).toContain(
      "ice-watch migrate-store --from redis://:PASSWORD@cache.internal:6379 --prefix 'prod:' --to sqlite://data/ice-watch.sqlite",
    );
    expect(message).toContain("ice-watch migrate-store --from redis://:PASSWORD@cache.internal:6379 --prefix 'prod:' --to postgres://");
    expect(message).not.toContain('s3cret');
  });
});

describe('ice-watch migrate-store', () => {
  let fixture: ReturnType<typeof copyLegacyFixture>;
  let restored: string[];
  // The new stores in a file of their own, with the recording restore (see targetOf).
  const open: OpenImportTarget = (url, prefix) => {
    const stores = openStores({ url, prefix });
    const t = targetOf(stores);
    restored = t.restored;
    return { target: t.target, close: () => stores.close() };
  };
  beforeEach(() => (fixture = copyLegacyFixture()));
  afterEach(() => fixture.cleanup());

  const run = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await migrateStoreCommand(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) }, open);
    return { code, stdout, stderr };
  };

  test('moves the install and prints what moved (--json), then finds nothing to do', async () => {
    const to = `sqlite://${join(fixture.dir, 'new.sqlite')}`;
    const first = await run('--from', fixture.url, '--to', to, '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      status: 'imported',
      counts: {
        subscriptions: manifest.subscriptions.length,
        outboxPending: manifest.outbox.pending.length,
        sources: {
          participating: {
            history: manifest.sources.participating.history.length,
            ledger: manifest.sources.participating.ledgerIds.length,
          },
        },
      },
    });
    expect(restored.sort()).toEqual(['participating', 'pending']);
    const second = await run('--from', fixture.url, '--to', to);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Nothing to do: sqlite ${fixture.file} was moved on`);
    expect(second.stdout).toContain(`  ${manifest.subscriptions.length} subscriptions\n`);
    expect(second.stdout).toContain(
      `  ${manifest.outbox.pending.length} deliveries in flight (${manifest.outbox.sent.length} finished one left behind)`,
    );
    expect(restored).toEqual([]);
  });

  test('says how to use it, and refuses what it cannot move from or to', async () => {
    expect(await cli('migrate-store', '--from', fixture.url)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Usage: ice-watch migrate-store --from URL --to URL'),
    });
    expect((await cli('migrate-store', '--from', fixture.url, '--to', 'redis://127.0.0.1:6379')).code).toBe(2);
    expect((await cli('migrate-store', '--from', 'memory://', '--to', fixture.url)).code).toBe(2);
    const empty = await cli(
      'migrate-store',
      '--from',
      fixture.url,
      '--prefix',
      'nobody-',
      '--to',
      `sqlite://${join(fixture.dir, 'x.sqlite')}`,
    );
    expect(empty).toMatchObject({ code: 2, stderr: expect.stringContaining('Nothing to move') });
    // A mistyped file is not created by reading it.
    const typo = join(fixture.dir, 'typo.sqlite');
    expect((await cli('migrate-store', '--from', `sqlite://${typo}`, '--to', `sqlite://${join(fixture.dir, 'x.sqlite')}`)).code).toBe(2);
    expect(existsSync(typo)).toBe(false);
  });
});

describeWith(['postgres'])('migrateLegacyInstall on start (PostgreSQL)', () => {
  const prefix = `${uniquePrefix()}-`;
  let pool: Pool;
  let stores: Stores;
  beforeAll(async () => {
    pool = new Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
    await pool.query('CREATE TABLE IF NOT EXISTS public.ice_watch_kv(key VARCHAR(512) PRIMARY KEY, value TEXT)');
    for (const r of legacyRows())
      await pool.query('INSERT INTO public.ice_watch_kv (key, value) VALUES ($1, $2)', [`${prefix}${r.namespace}:${r.key}`, r.value]);
  });
  afterAll(async () => {
    await deleteByPrefix(TEST_POSTGRES_URL, prefix);
    await pool.end();
  });
  beforeEach(() => (stores = openStores({ url: 'memory://' })));
  afterEach(() => stores.close());

  test('the former keys under STORE_PREFIX are imported, and kept', async () => {
    const { target, restored } = targetOf(stores);
    const outcome = await migrateLegacyInstall({ url: TEST_POSTGRES_URL, prefix }, target);
    expect(outcome).toMatchObject({ status: 'imported', counts: { subscriptions: manifest.subscriptions.length } });
    expect(restored.sort()).toEqual(['participating', 'pending']);
    for (const key of manifest.subscriptions) expect(await stores.subscriptions.get(key)).not.toBeNull();
    const kept = await pool.query('SELECT count(*)::int AS n FROM public.ice_watch_kv WHERE key LIKE $1', [`${prefix}%`]);
    expect(kept.rows[0].n).toBe(legacyRows().length);
  });

  test('two instances starting at once: one imports, the other waits and finds it done', async () => {
    const { target, restored } = targetOf(stores, 500);
    const outcomes = await Promise.all([
      migrateLegacyInstall({ url: TEST_POSTGRES_URL, prefix }, target),
      migrateLegacyInstall({ url: TEST_POSTGRES_URL, prefix }, target),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['already-imported', 'imported']);
    expect(restored.sort()).toEqual(['participating', 'pending']);
  });
});
