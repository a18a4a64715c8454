import { readFileSync } from 'node:fs';
import type { DetentionRelease } from '../../src/domain/totals/totals';
import { parseDailyFeed } from '../../src/sources/daily-feed';
import { parseDetentionWorkbook } from '../../src/sources/detention-workbook';
import { openKeyValueStores, type KeyValueStores } from '../../src/store/key-value';
import { createTotalsStore, type StoredRelease, type TotalsStore } from '../../src/store/totals-store';
import { type DatabaseUnderTest, describeEachDatabase } from '../helpers/databases';
import { detentionPath } from '../helpers/fixtures';

const FILES = ['2025-10-30_FY25_detentionStats09252025.xlsx', '2026-01-09_FY26_detentionStats01082026.xlsx'];
const parsed = new Map<string, Promise<DetentionRelease>>();
const releaseOf = (file: string) => {
  if (!parsed.has(file)) parsed.set(file, parseDetentionWorkbook(readFileSync(detentionPath(file))));
  return parsed.get(file)!;
};
const stored = async (file: string, sha256: string): Promise<StoredRelease> => ({
  release: await releaseOf(file),
  fileName: file,
  sha256,
  url: `https://www.ice.gov/doclib/detention/${file}`,
  fetchedAt: '2026-01-09T12:00:00.000Z',
});
const days = () => parseDailyFeed(readFileSync(detentionPath('ice-x-daily-arrests-2025-01.csv'), 'utf8'), { today: '2026-02-03' }).days;

describeEachDatabase()('totals store on %s', (_name, engine) => {
  let d: DatabaseUnderTest;
  let kv: KeyValueStores;
  let totals: TotalsStore;
  beforeEach(async () => {
    d = await engine();
    kv = openKeyValueStores(d.url, { db: d.db });
    totals = createTotalsStore(d.db, kv);
  });
  afterEach(async () => {
    await kv.close();
    await d.cleanup();
  });

  test('releases come back oldest first, whole, and a file already stored is not added twice', async () => {
    expect(await totals.releases()).toEqual([]);
    expect(await totals.newestReleaseSha()).toBeNull();
    const [older, newer] = [await stored(FILES[0]!, 'sha-a'), await stored(FILES[1]!, 'sha-b')];
    await totals.addRelease(older);
    expect(await totals.newestReleaseSha()).toBe('sha-a');
    await totals.addRelease(newer);
    await totals.addRelease(older);
    expect(await totals.newestReleaseSha()).toBe('sha-b');
    const reopened = d.second();
    for (const t of [totals, ...(reopened ? [createTotalsStore(reopened, kv)] : [])]) expect(await t.releases()).toEqual([older, newer]);
  });

  test('the daily series is replaced whole, in date order', async () => {
    const series = days();
    expect(series.length).toBeGreaterThan(5);
    await totals.setDaily(series);
    expect(await totals.daily()).toEqual(series);
    const shorter = series.slice(0, 3).map((day) => ({ ...day, arrests: (day.arrests ?? 0) + 1 }));
    await totals.setDaily(shorter);
    expect(await totals.daily()).toEqual(shorter);
    await totals.setDaily([]);
    expect(await totals.daily()).toEqual([]);
  });

  test('a failed setDaily leaves the previous series', async () => {
    const series = days();
    await totals.setDaily(series);
    // A day the database refuses (its date is the key): the delete before it is rolled back.
    await expect(
      totals.setDaily([...series.slice(0, 2), { date: null as never, arrests: 1, detainersLodged: null }]),
    ).rejects.toHaveProperty('message', expect.stringMatching(/null/i));
    expect(await totals.daily()).toEqual(series);
  });

  test('files judged and not kept are remembered; validators are kept per page and workbook', async () => {
    expect(await totals.seen('abc')).toBe(false);
    await totals.markSeen('abc');
    await totals.markSeen('abc');
    expect(await totals.seen('abc')).toBe(true);
    expect(await totals.seen('abd')).toBe(false);

    expect(await totals.lastFetch('detention-page')).toBeNull();
    const page = { url: 'https://www.ice.gov/detain/detention-management', etag: '"p"', lastModified: null, link: 'https://x/y.xlsx' };
    await totals.setLastFetch('detention-page', page);
    expect(await totals.lastFetch('detention-page')).toEqual(page);
    expect(await totals.lastFetch('detention-workbook')).toBeNull();
  });
});
