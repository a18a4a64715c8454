import type { ListKind } from '../../domain/types';
import type { KeyValueStores } from '../key-value';
import type { OutboxEntry } from '../outbox-store';
import type { Stores } from '../open-stores';
import type { SnapshotStore } from '../snapshot-store';
import type { LegacyInstall } from './read-legacy';
import type { RestoreTarget } from './source-dump';

/**
 * The new stores a former install is written into, through their ports only (the integrator passes
 * the real Stores: see importTargetOf). `kv` keeps the record of the import itself.
 */
export interface ImportTarget {
  snapshots: Pick<SnapshotStore, 'history' | 'getState' | 'setLastFetch' | 'setPageLinks'> & RestoreTarget;
  subscriptions: Pick<Stores['subscriptions'], 'get' | 'putMany'>;
  outbox: Pick<Stores['outbox'], 'enqueue' | 'saveMany' | 'depth'>;
  totals: Pick<Stores['totals'], 'releases' | 'addRelease' | 'setDaily' | 'markSeen' | 'setLastFetch'>;
  digests: Pick<Stores['digests'], 'add'>;
  episodes: Pick<Stores['episodes'], 'set'>;
  health: Pick<Stores['health'], 'set'>;
  kv: Pick<KeyValueStores, 'open'>;
}

/** What an import moved (or found moved before). */
export interface ImportCounts {
  subscriptions: number;
  /** Per source: accepted lists in its history, agreements in its ledger, judgements. */
  sources: Record<ListKind, { history: number; ledger: number; judgements: number; state: boolean }>;
  /** Deliveries still to send, moved with their attempts; finished ones (sent, paused, dead) are left behind. */
  outboxPending: number;
  outboxLeftBehind: number;
  releases: number;
  dailyCounts: number;
  seenFiles: number;
  digests: number;
  episodes: number;
  health: number;
}

export type ImportOutcome =
  /** Moved now. */
  | { status: 'imported'; from: string; counts: ImportCounts; problems: string[] }
  /** Moved by an earlier run (the record of it): nothing written. */
  | { status: 'already-imported'; from: string; at: string; counts: ImportCounts | null }
  /** The new schema already holds data of its own: nothing written (an import would mix two installs). */
  | { status: 'target-not-empty'; reason: string };

/** The record of the import, in the key-value side of the new store. */
/** How many of the former subscriptions are looked up in the new store before importing. */
const SUBSCRIPTION_SAMPLE = 200;
const MARKER_NAMESPACE = 'store-migrations';
const MARKER_KEY = 'keyv-layout';
interface Marker {
  from: string;
  startedAt: string;
  doneAt: string | null;
  counts: ImportCounts | null;
}

/** The earlier import's record when one finished (null: none did): a start checks it before reading anything. */
export async function finishedImport(
  target: Pick<ImportTarget, 'kv'>,
): Promise<{ from: string; at: string; counts: ImportCounts | null } | null> {
  const marker = await target.kv.open<Marker>(MARKER_NAMESPACE).get(MARKER_KEY);
  return marker?.doneAt ? { from: marker.from, at: marker.doneAt, counts: marker.counts } : null;
}

/**
 * Writes a former install (readLegacyInstall) into the new stores, once: only when the new schema
 * holds none of it yet, and never again after (a record in `kv` says it was done). An import cut
 * short (a crash) left its "started" record: the next run finishes it, every write being one that
 * can be repeated (subscriptions replaced, lists restored whole, deliveries deduped by id, a
 * release added only when not there).
 */
export async function importLegacyInstall(
  install: LegacyInstall,
  target: ImportTarget,
  now: () => Date = () => new Date(),
): Promise<ImportOutcome> {
  const markers = target.kv.open<Marker>(MARKER_NAMESPACE);
  const marker = (await markers.get(MARKER_KEY)) ?? null;
  if (marker?.doneAt) return { status: 'already-imported', from: marker.from, at: marker.doneAt, counts: marker.counts };
  if (!marker) {
    const held = await whatTargetHolds(install, target);
    if (held) return { status: 'target-not-empty', reason: held };
    await markers.set(MARKER_KEY, { from: install.from, startedAt: now().toISOString(), doneAt: null, counts: null });
  }
  const counts = await writeInstall(install, target);
  await markers.set(MARKER_KEY, {
    from: install.from,
    startedAt: marker?.startedAt ?? now().toISOString(),
    doneAt: now().toISOString(),
    counts,
  });
  return { status: 'imported', from: install.from, counts, problems: install.problems };
}

/** What the new schema already holds of its own (null: nothing), read through the ports. */
async function whatTargetHolds(install: LegacyInstall, target: ImportTarget): Promise<string | null> {
  for (const source of ['participating', 'pending'] as const) {
    if ((await target.snapshots.getState(source)) || (await target.snapshots.history(source)).length)
      return `the new store already holds a ${source} list`;
  }
  // A sample, not all of them: 100,000 reads one by one would make every start of a big install wait.
  for (const sub of sample(install.subscriptions, SUBSCRIPTION_SAMPLE))
    if (await target.subscriptions.get(sub.key)) return `the new store already holds the subscription of ${sub.key}`;
  if ((await target.totals.releases()).length) return 'the new store already holds detention releases';
  if ((await target.outbox.depth()).pending) return 'the new store already has deliveries waiting';
  return null;
}

/** Up to `n` items spread evenly over `list`, its first and last included. */
function sample<T>(list: readonly T[], n: number): T[] {
  if (list.length <= n) return [...list];
  return Array.from({ length: n }, (_, i) => list[Math.round((i * (list.length - 1)) / (n - 1))]!);
}

async function writeInstall(install: LegacyInstall, target: ImportTarget): Promise<ImportCounts> {
  await target.subscriptions.putMany(install.subscriptions);
  const sources = {} as ImportCounts['sources'];
  for (const source of ['participating', 'pending'] as const) {
    const dump = install.sources[source];
    // A source the former install never read stays empty (its first list is then a baseline, as it was).
    if (dump.state || dump.history.length || dump.judgements.length) await target.snapshots.restore(source, dump);
    sources[source] = {
      history: dump.history.length,
      ledger: Object.keys(dump.ledger).length,
      judgements: dump.judgements.length,
      state: Boolean(dump.state),
    };
    const fetched = install.lastFetch[source];
    if (fetched) await target.snapshots.setLastFetch(source, fetched);
  }
  if (install.pageLinks) await target.snapshots.setPageLinks(install.pageLinks);

  const known = new Set((await target.totals.releases()).map((r) => `${r.sha256}|${r.release.asOf}`));
  for (const r of install.releases) if (!known.has(`${r.sha256}|${r.release.asOf}`)) await target.totals.addRelease(r);
  if (install.daily.length) await target.totals.setDaily(install.daily);
  for (const sha256 of install.seenFiles) await target.totals.markSeen(sha256);
  for (const [what, value] of Object.entries(install.totalsFetch))
    await target.totals.setLastFetch(what as keyof LegacyInstall['totalsFetch'], value);

  const pending = install.outbox.filter((e) => e.status === 'pending');
  await moveOutbox(pending, target);
  for (const b of install.digests) await target.digests.add(b.subscriptionKey, b.mode, b.period, b.alerts);
  for (const e of install.episodes) await target.episodes.set(e);
  for (const h of install.health) await target.health.set(h);
  return {
    subscriptions: install.subscriptions.length,
    sources,
    outboxPending: pending.length,
    outboxLeftBehind: install.outbox.length - pending.length,
    releases: install.releases.length,
    dailyCounts: install.daily.length,
    seenFiles: install.seenFiles.length,
    digests: install.digests.length,
    episodes: install.episodes.length,
    health: install.health.length,
  };
}

/**
 * Deliveries in flight: enqueued as of when they were first planned (their creation time), then
 * saved with where they were (attempts, next attempt, last error), so a delivery in back-off
 * keeps its back-off and none is sent twice as new.
 */
async function moveOutbox(pending: readonly OutboxEntry[], target: ImportTarget) {
  const byCreation = new Map<string, OutboxEntry[]>();
  for (const e of pending) byCreation.set(e.createdAt, [...(byCreation.get(e.createdAt) ?? []), e]);
  for (const [createdAt, group] of byCreation)
    await target.outbox.enqueue(
      group.map((e) => e.delivery),
      new Date(createdAt),
    );
  const moved = pending.filter((e) => e.attempts > 0 || e.nextAttemptAt !== e.createdAt || e.lastError !== null);
  if (moved.length) await target.outbox.saveMany(moved);
}

/**
 * The import target of the real stores. Until `snapshots.restore` lands (issue 16, being added
 * beside this), stores without it are refused here with the reason rather than half imported.
 */
export function importTargetOf(stores: Stores): ImportTarget {
  const snapshots = stores.snapshots as SnapshotStore & Partial<RestoreTarget>;
  if (typeof snapshots.restore !== 'function') throw new Error('these stores cannot take a former install: snapshots.restore is missing');
  return { ...stores, snapshots: snapshots as SnapshotStore & RestoreTarget };
}
