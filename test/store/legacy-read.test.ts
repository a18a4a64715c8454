import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import { Pool } from 'pg';
import { hasLegacyData } from '../../src/store/legacy/legacy-engines';
import { readLegacyInstall, type LegacyInstall } from '../../src/store/legacy/read-legacy';
import { openDatabase } from '../../src/store/db/database';
import { deleteByPrefix, TEST_POSTGRES_URL, TEST_REDIS_URL } from '../../stand-ins/store-servers';
import { copyLegacyFixture, legacyManifest, legacyRows } from '../fixtures/legacy-store/legacy-fixture';
import { uniquePrefix } from '../helpers/databases';
import { describeWith } from '../helpers/services';

const manifest = legacyManifest();
const sorted = (list: readonly string[]) => [...list].sort();
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Everything the manifest says the former stores held, checked against what was read. */
function expectManifestRead(install: LegacyInstall) {
  expect(install.problems).toEqual([]);
  expect(sorted(install.subscriptions.map((s) => s.key))).toEqual(manifest.subscriptions);
  expect(install.subscriptions.filter((s) => s.paused).map((s) => s.key)).toEqual(manifest.pausedSubscriptions);
  for (const source of ['participating', 'pending'] as const) {
    const want = manifest.sources[source];
    const got = install.sources[source];
    expect(got.state?.view.contentHash ?? null).toBe(want.viewHash);
    expect(got.state?.view.rows).toHaveLength(want.rows[want.viewHash!]!);
    expect(got.history.map((h) => h.contentHash)).toEqual(want.history);
    expect(Object.fromEntries(Object.entries(got.rows).map(([hash, rows]) => [hash, rows.length]))).toEqual(want.rows);
    expect(sorted(Object.keys(got.ledger))).toEqual(want.ledgerIds);
    expect(got.judgements.map((j) => `${j.verdict} ${j.fileName}`)).toEqual(want.judgements);
    expect(install.lastFetch[source] ?? null).toEqual(want.lastFetch);
  }
  expect(install.pageLinks).toEqual(manifest.pageLinks);

  const ids = (status: string) => sorted(install.outbox.filter((e) => e.status === status).map((e) => e.id));
  expect(ids('pending')).toEqual(manifest.outbox.pending);
  expect(ids('sent')).toEqual(manifest.outbox.sent);
  for (const r of manifest.outbox.retried) expect(install.outbox.find((e) => e.id === r.id)).toMatchObject(r);
  // The shared payloads are back in every entry: a state alert or a totals alert, and no reference left.
  for (const e of install.outbox) {
    expect(e.delivery.alert ?? e.delivery.totals).toBeDefined();
    expect(e.delivery).not.toHaveProperty('alertRef');
    expect(e.delivery).not.toHaveProperty('totalsRef');
  }
  expect(install.outbox.some((e) => e.delivery.totals?.kind === 'detention.released')).toBe(true);

  expect(install.releases.map((r) => r.release.asOf)).toEqual(manifest.totals.releases);
  expect(install.daily).toHaveLength(manifest.totals.daily);
  expect(install.totalsFetch['detention-page'] ?? null).toEqual(manifest.totals.lastFetch.page);
  expect(install.totalsFetch['detention-workbook'] ?? null).toEqual(manifest.totals.lastFetch.workbook);
  expect(install.seenFiles).toHaveLength(2);
  for (const s of install.seenFiles) expect(s).toMatch(/^[0-9a-f]{64}$/);
  expect(install.digests.map((b) => ({ key: `${b.subscriptionKey}|${b.period}`, alerts: b.alerts.map((a) => a.id) }))).toEqual(
    manifest.digests,
  );
  expect(sorted(install.episodes.map((e) => e.key))).toEqual(sorted(manifest.episodes));
  expect(Object.fromEntries(install.health.map((h) => [h.source, h]))).toEqual(manifest.health);
}

describe('reading a former key-value install (SQLite file)', () => {
  let fixture: ReturnType<typeof copyLegacyFixture>;
  beforeEach(() => (fixture = copyLegacyFixture()));
  afterEach(() => fixture.cleanup());

  test('reads back everything the former stores held, and leaves the file as it was', async () => {
    const before = sha(fixture.file);
    expect(await hasLegacyData({ url: fixture.url })).toBe(true);
    expectManifestRead(await readLegacyInstall({ url: fixture.url }));
    expect(sha(fixture.file)).toBe(before);
  });

  test('holds nothing under another prefix, in a missing file or in a file of the new schema (and creates nothing)', async () => {
    expect(await hasLegacyData({ url: fixture.url, prefix: 'other-' })).toBe(false);
    const missing = join(fixture.dir, 'none', 'missing.sqlite');
    expect(await hasLegacyData({ url: `sqlite://${missing}` })).toBe(false);
    expect(existsSync(missing)).toBe(false);
    const fresh = join(fixture.dir, 'fresh.sqlite');
    const db = openDatabase(`sqlite://${fresh}`);
    await db.ready();
    await db.close();
    expect(await hasLegacyData({ url: `sqlite://${fresh}` })).toBe(false);
  });
});

describeWith(['postgres'])('reading a former key-value install (PostgreSQL, ice_watch_kv under a prefix)', () => {
  // A prefix with a colon, as STORE_PREFIX=ice-watch: was written, and one namespace deeper than keyv's own key parsing expects.
  const prefix = `${uniquePrefix()}:`;
  let pool: Pool;
  beforeAll(async () => {
    pool = new Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
    // The table as the former layout made it; the fixture's records laid out under the prefix.
    await pool.query('CREATE TABLE IF NOT EXISTS public.ice_watch_kv(key VARCHAR(512) PRIMARY KEY, value TEXT)');
    for (const r of legacyRows())
      await pool.query('INSERT INTO public.ice_watch_kv (key, value) VALUES ($1, $2)', [`${prefix}${r.namespace}:${r.key}`, r.value]);
  });
  afterAll(async () => {
    await deleteByPrefix(TEST_POSTGRES_URL, prefix);
    await pool.end();
  });

  test('reads back everything, only under its own prefix', async () => {
    expect(await hasLegacyData({ url: TEST_POSTGRES_URL, prefix })).toBe(true);
    expect(await hasLegacyData({ url: TEST_POSTGRES_URL, prefix: `${prefix}x` })).toBe(false);
    const install = await readLegacyInstall({ url: TEST_POSTGRES_URL, prefix });
    expectManifestRead(install);
    expect(install.from).toMatch(/^postgres postgres:\/\/[^@]+$/); // no user or password in what is logged
  });
});

describeWith(['redis'])('reading a former key-value install (Redis)', () => {
  const prefix = `${uniquePrefix()}:`;
  let client: ReturnType<typeof createClient>;
  beforeAll(async () => {
    client = createClient({ url: TEST_REDIS_URL });
    await client.connect();
    // @keyv/redis under keyv wrote `<ns>::<ns>:<key>` with ns = prefix + namespace.
    for (const r of legacyRows()) await client.set(`${prefix}${r.namespace}::${prefix}${r.namespace}:${r.key}`, r.value);
  });
  afterAll(async () => {
    await deleteByPrefix(TEST_REDIS_URL, prefix);
    await client.close();
  });

  test('reads back everything the former stores held', async () => {
    expectManifestRead(await readLegacyInstall({ url: TEST_REDIS_URL, prefix }));
  });
});
