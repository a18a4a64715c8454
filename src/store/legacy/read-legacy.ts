import type Keyv from 'keyv';
import type { SourceState } from '../../domain/agreements/guards';
import type { Episode } from '../../domain/alerts/operator-episodes';
import { isSubscriptionRecord, type Subscription } from '../../domain/alerts/subscriptions';
import type { PlannedDelivery } from '../../domain/alerts/delivery-plan';
import { SOURCE_NAMES, type SourceHealth } from '../../domain/source-health';
import type { DailyCount } from '../../domain/totals/daily-counts';
import type { Agreement, ListKind } from '../../domain/types';
import type { DigestBuffer } from '../digest-store';
import type { OutboxEntry } from '../outbox-store';
import type { LastFetch, PageLinks } from '../snapshot-store';
import type { StoredRelease, TotalsFetch, TotalsFetchKind } from '../totals-store';
import { describeLocation, hasLegacyData, isRedisUrl, openLegacyKeyv, type LegacyKeyv, type LegacyLocation } from './legacy-engines';
import type { SourceDump } from './source-dump';

/** A former install as plain values: everything the key-value layout held that the bot still needs. */
export interface LegacyInstall {
  /** Where it was read (no credentials). */
  from: string;
  sources: Record<ListKind, SourceDump>;
  lastFetch: Partial<Record<ListKind, LastFetch>>;
  pageLinks: PageLinks | null;
  subscriptions: Subscription[];
  /** Every outbox entry, its shared alert and totals payloads put back. */
  outbox: OutboxEntry[];
  releases: StoredRelease[];
  daily: DailyCount[];
  /** Detention files judged and not kept (by SHA-256). */
  seenFiles: string[];
  totalsFetch: Partial<Record<TotalsFetchKind, TotalsFetch>>;
  digests: DigestBuffer[];
  episodes: Episode[];
  health: SourceHealth[];
  /** Records that could not be read as what their namespace holds: left out, named here. */
  problems: string[];
}

const SOURCES: readonly ListKind[] = ['participating', 'pending'];
const TOTALS_FETCHES: readonly TotalsFetchKind[] = ['detention-page', 'detention-workbook'];
const SHARED = ['alert', 'totals'] as const;
const BATCH = 500;

/** The former layout's state record (snapshot-store.ts at d9085f4): the rows are stored by hash. */
interface StoredState extends Omit<SourceState, 'view'> {
  viewHash: string;
  viewMeta: SourceState['view']['meta'];
  detectedKind: ListKind;
  warnings: string[];
}

/**
 * Reads the former key-value install at `location` into plain values (see LegacyInstall),
 * through keyv with the adapters that wrote it. Reads only; closes what it opened.
 */
export async function readLegacyInstall(location: LegacyLocation): Promise<LegacyInstall> {
  // keyv's SQLite and PostgreSQL adapters create their table (and SQLite its file) when opened:
  // where the former layout holds nothing, nothing is opened.
  if (!isRedisUrl(location.url) && !(await hasLegacyData(location))) return emptyInstall(describeLocation(location));
  const keyv = openLegacyKeyv(location);
  try {
    return await readFrom(keyv);
  } finally {
    await keyv.close();
  }
}

async function readFrom(keyv: LegacyKeyv): Promise<LegacyInstall> {
  const problems: string[] = [];
  const sources = {} as Record<ListKind, SourceDump>;
  for (const source of SOURCES) sources[source] = await readSource(keyv, source, problems);
  const fetches = keyv.open<LastFetch>('last-fetch');
  const lastFetch: LegacyInstall['lastFetch'] = {};
  for (const source of SOURCES) {
    const f = await fetches.get(source);
    if (f) lastFetch[source] = f;
  }
  const totals = keyv.open<unknown>('totals');
  const totalsFetches = keyv.open<TotalsFetch>('totals-last-fetch');
  const totalsFetch: LegacyInstall['totalsFetch'] = {};
  for (const what of TOTALS_FETCHES) {
    const f = await totalsFetches.get(what);
    if (f) totalsFetch[what] = f;
  }
  return {
    from: keyv.description,
    sources,
    lastFetch,
    pageLinks: (await keyv.open<PageLinks>('page-links').get('287g')) ?? null,
    subscriptions: await readSubscriptions(keyv, problems),
    outbox: await readOutbox(keyv, problems),
    releases: ((await totals.get('releases')) as StoredRelease[] | undefined) ?? [],
    daily: ((await totals.get('daily')) as DailyCount[] | undefined) ?? [],
    seenFiles: (await all(keyv.open<boolean>('totals-seen-files')))
      .filter(([, seen]) => seen === true)
      // keyv gives the key after the first colon; a SHA-256 has none, so the last part is it whatever the prefix.
      .map(([key]) => key.split(':').pop()!),
    totalsFetch,
    digests: (await all(keyv.open<DigestBuffer>('digests'))).map(([, b]) => b).filter((b) => Boolean(b?.subscriptionKey && b.period)),
    episodes: (await all(keyv.open<Episode>('operator-episodes'))).map(([, e]) => e).filter((e) => typeof e?.key === 'string'),
    health: await readHealth(keyv),
    problems,
  };
}

function emptyInstall(from: string): LegacyInstall {
  const none = () => ({ state: null, history: [], rows: {}, ledger: {}, judgements: [] });
  return {
    from,
    sources: { participating: none(), pending: none() },
    lastFetch: {},
    pageLinks: null,
    subscriptions: [],
    outbox: [],
    releases: [],
    daily: [],
    seenFiles: [],
    totalsFetch: {},
    digests: [],
    episodes: [],
    health: [],
    problems: [],
  };
}

/** Every [key, value] of a namespace, through keyv's iterator. */
async function all<T>(namespace: Keyv<T>): Promise<Array<[string, T]>> {
  if (!namespace.iterator) throw new Error('this keyv adapter cannot list its records');
  const out: Array<[string, T]> = [];
  for await (const [key, value] of namespace.iterator(undefined) as AsyncGenerator<[string, T | undefined]>)
    if (value !== undefined && value !== null) out.push([key, value]);
  return out;
}

async function getMany<T>(namespace: Keyv<T>, keys: readonly string[]) {
  const found = new Map<string, T>();
  for (let i = 0; i < keys.length; i += BATCH) {
    const part = keys.slice(i, i + BATCH);
    for (const [j, v] of ((await namespace.getMany(part)) as Array<T | undefined>).entries())
      if (v !== undefined && v !== null) found.set(part[j]!, v);
  }
  return found;
}

async function readSource(keyv: LegacyKeyv, source: ListKind, problems: string[]): Promise<SourceDump> {
  const stored = await keyv.open<StoredState>('source-state').get(source);
  const history = (await keyv.open<SourceDump['history']>('history').get(source)) ?? [];
  const hashes = [...new Set([...history.map((h) => h.contentHash), ...(stored ? [stored.viewHash] : [])])];
  const rows = Object.fromEntries(await getMany(keyv.open<Agreement[]>('snapshot-rows'), hashes));
  for (const h of hashes) if (!rows[h]) problems.push(`the rows of ${source} list ${h} are missing`);
  let state: SourceState | null = null;
  if (stored && rows[stored.viewHash]) {
    const { viewHash, viewMeta, detectedKind, warnings, ...rest } = stored;
    state = {
      ...rest,
      view: { source, detectedKind, rows: rows[viewHash]!, contentHash: viewHash, meta: viewMeta, warnings },
      unconfirmed: rest.unconfirmed ?? [],
      heldAdditions: rest.heldAdditions ?? [],
      recentlyEnded: rest.recentlyEnded ?? [],
      lastSeenAt: rest.lastSeenAt ?? viewMeta.fetchedAt,
      recentRenames: rest.recentRenames ?? [],
    };
  } else if (stored) problems.push(`the ${source} state points at list ${stored.viewHash}, which is missing: the next list is a baseline`);
  return {
    state,
    history,
    rows,
    ledger: (await keyv.open<SourceDump['ledger']>('ledger').get(source)) ?? {},
    judgements: (await keyv.open<SourceDump['judgements']>('judgements').get(source)) ?? [],
  };
}

async function readSubscriptions(keyv: LegacyKeyv, problems: string[]): Promise<Subscription[]> {
  const out: Subscription[] = [];
  for (const [key, value] of await all<unknown>(keyv.open('subscriptions'))) {
    if (isSubscriptionRecord(value)) out.push(value);
    else problems.push(`subscription ${key} is not a subscription record`);
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

type StoredEntry = Omit<OutboxEntry, 'delivery'> & { delivery: Record<string, unknown> };

/** Outbox entries with their shared payloads put back, as the former outbox store read them. */
async function readOutbox(keyv: LegacyKeyv, problems: string[]): Promise<OutboxEntry[]> {
  const stored = (await all<StoredEntry>(keyv.open('outbox'))).map(([, e]) => e).filter((e) => typeof e?.id === 'string' && e.delivery);
  const refs = new Set<string>();
  for (const e of stored)
    for (const field of SHARED) if (typeof e.delivery[`${field}Ref`] === 'string') refs.add(e.delivery[`${field}Ref`] as string);
  const payloads = await getMany(keyv.open<unknown>('outbox-payloads'), [...refs]);
  return stored
    .map((e) => {
      const delivery = { ...e.delivery };
      let missing: string | null = null;
      for (const field of SHARED) {
        const ref = delivery[`${field}Ref`] as string | undefined;
        if (!ref) continue;
        const value = payloads.get(ref);
        if (value === undefined) missing = `its ${field} (${ref}) is missing from the store`;
        else delivery[field] = value;
        delete delivery[`${field}Ref`];
      }
      const entry: OutboxEntry = { ...e, delivery: delivery as unknown as PlannedDelivery };
      if (!missing || e.status !== 'pending') return entry;
      // As the former store did: an entry that cannot be sent is a dead letter, not a blocked queue.
      problems.push(`outbox entry ${e.id} cannot be sent: ${missing}`);
      return { ...entry, status: 'dead' as const, lastError: `cannot be sent: ${missing}` };
    })
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** Each source's health: its record under its id, else one kept under its name by earlier versions. */
async function readHealth(keyv: LegacyKeyv): Promise<SourceHealth[]> {
  const records = keyv.open<SourceHealth>('source-health');
  const out: SourceHealth[] = [];
  for (const [id, name] of Object.entries(SOURCE_NAMES)) {
    const found = (await records.get(id)) ?? (await records.get(name));
    if (found) out.push({ ...found, source: id });
  }
  return out;
}
