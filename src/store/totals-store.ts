import type { DailyCount } from '../domain/totals/daily-counts';
import type { DetentionRelease } from '../domain/totals/totals';
import type { StoreDb } from './db/database';
import type { KeyValueStores } from './key-value';

/** A detention release as stored, with the file it came from. */
export interface StoredRelease {
  release: DetentionRelease;
  fileName: string;
  sha256: string;
  url: string;
  fetchedAt: string;
}

/** The enforcement totals: every detention release (newest last) and the daily series. */
export interface TotalsStore {
  /** Oldest first. */
  releases(): Promise<StoredRelease[]>;
  /** The sha256 of the newest release stored (one indexed row), null when none is: whether the releases changed, without reading them. */
  newestReleaseSha(): Promise<string | null>;
  /** Appends a release; one from a file (sha256) already stored is not added twice. */
  addRelease(release: StoredRelease): Promise<void>;
  /** By date. */
  daily(): Promise<DailyCount[]>;
  /** Replaces the whole series in one transaction. */
  setDaily(days: DailyCount[]): Promise<void>;
  /** Files judged and not kept (republished or refused), so they are not judged again. */
  seen(sha256: string): Promise<boolean>;
  markSeen(sha256: string): Promise<void>;
  /** The URL and validators of the last detention page and workbook read, for a conditional GET next time. */
  lastFetch(what: TotalsFetchKind): Promise<TotalsFetch | null>;
  setLastFetch(what: TotalsFetchKind, value: TotalsFetch): Promise<void>;
}

export type TotalsFetchKind = 'detention-page' | 'detention-workbook';

export interface TotalsFetch {
  url: string;
  etag: string | null;
  lastModified: string | null;
  /** For the page: the workbook it linked, reused when the page answers 304 Not Modified. */
  link?: string | null;
}

/** Rows per INSERT of the daily series (two columns each). */
const CHUNK = 500;

/**
 * The totals on the relational database: detention_releases (one row per release file, in the
 * order added), daily_counts (one row per day), judged_files; the HTTP validators are key-value.
 */
export function createTotalsStore(db: StoreDb, kv: KeyValueStores): TotalsStore {
  const validators = kv.open<TotalsFetch>('http-validators');
  return {
    async newestReleaseSha() {
      const k = await db.ready();
      const row = await k.selectFrom('detention_releases').select('sha256').orderBy('id', 'desc').limit(1).executeTakeFirst();
      return row?.sha256 ?? null;
    },
    async releases() {
      const k = await db.ready();
      const rows = await k.selectFrom('detention_releases').selectAll().orderBy('id').execute();
      return rows.map((r) => ({
        release: JSON.parse(r.release) as DetentionRelease,
        fileName: r.file_name,
        sha256: r.sha256,
        url: r.url,
        fetchedAt: r.fetched_at,
      }));
    },
    async addRelease(release) {
      const k = await db.ready();
      await k
        .insertInto('detention_releases')
        .values({
          sha256: release.sha256,
          file_name: release.fileName,
          url: release.url,
          fetched_at: release.fetchedAt,
          release: JSON.stringify(release.release),
        })
        .onConflict((oc) => oc.column('sha256').doNothing())
        .execute();
    },
    async daily() {
      const k = await db.ready();
      const rows = await k.selectFrom('daily_counts').select('body').orderBy('date').execute();
      return rows.map((r) => JSON.parse(r.body) as DailyCount);
    },
    async setDaily(days) {
      const k = await db.ready();
      // A feed that prints a day twice: the last one printed wins, as the replaced series did.
      const byDate = new Map(days.map((d) => [d.date, { date: d.date, body: JSON.stringify(d) }]));
      const rows = [...byDate.values()];
      await k.transaction().execute(async (trx) => {
        await trx.deleteFrom('daily_counts').execute();
        for (let i = 0; i < rows.length; i += CHUNK)
          await trx
            .insertInto('daily_counts')
            .values(rows.slice(i, i + CHUNK))
            .execute();
      });
    },
    async seen(sha256) {
      const k = await db.ready();
      return (await k.selectFrom('judged_files').select('sha256').where('sha256', '=', sha256).executeTakeFirst()) !== undefined;
    },
    async markSeen(sha256) {
      const k = await db.ready();
      await k
        .insertInto('judged_files')
        .values({ sha256, at: new Date().toISOString() })
        .onConflict((oc) => oc.column('sha256').doNothing())
        .execute();
    },
    lastFetch: async (what) => (await validators.get(what)) ?? null,
    async setLastFetch(what, value) {
      await validators.set(what, value);
    },
  };
}
