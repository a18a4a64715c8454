import type { DailyCount } from '../domain/totals/daily-counts';
import type { DetentionRelease } from '../domain/totals/totals';
import type { KeyvFactory } from './keyv-factory';

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
  releases(): Promise<StoredRelease[]>;
  addRelease(release: StoredRelease): Promise<void>;
  daily(): Promise<DailyCount[]>;
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

export function createTotalsStore(keyv: KeyvFactory): TotalsStore {
  const store = keyv.open<StoredRelease[] | DailyCount[]>('totals');
  const seenFiles = keyv.open<boolean>('totals-seen-files');
  const fetches = keyv.open<TotalsFetch>('totals-last-fetch');
  return {
    releases: async () => ((await store.get('releases')) as StoredRelease[] | undefined) ?? [],
    async addRelease(release) {
      const list = ((await store.get('releases')) as StoredRelease[] | undefined) ?? [];
      await store.set('releases', [...list, release]);
    },
    daily: async () => ((await store.get('daily')) as DailyCount[] | undefined) ?? [],
    async setDaily(days) {
      await store.set('daily', days);
    },
    seen: async (sha256) => (await seenFiles.get(sha256)) === true,
    async markSeen(sha256) {
      await seenFiles.set(sha256, true);
    },
    lastFetch: async (what) => (await fetches.get(what)) ?? null,
    async setLastFetch(what, value) {
      await fetches.set(what, value);
    },
  };
}
