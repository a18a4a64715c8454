import type { ListEvent } from '../domain/agreements/events';
import type { OperatorNotice, SourceState, Verdict } from '../domain/agreements/guards';
import type { Agreement, FileMeta, ListKind, Snapshot } from '../domain/types';
import type { StoreDb } from './db/database';
import type { KeyValueStores } from './key-value';
import { type LedgerEntry, ledgerChanges, rowOfEntry, updateLedger } from './ledger';
import {
  CHUNK,
  type GuardState,
  insertSnapshot,
  lockSource,
  MAX_JUDGEMENTS,
  pruneJudgements,
  readLedger,
  upsertAgreements,
  writeState,
} from './snapshot-tables';

export { type LedgerEntry, updateLedger } from './ledger';

/** One accepted change of a source's list, in order. The rows are stored once per content hash. */
export interface HistoryEntry {
  contentHash: string;
  verdict: Verdict;
  rowCount: number;
  fileName: string;
  sha256: string;
  fetchedAt: string;
  /** The change's events by type (corrections included, which channels do not get by default). */
  events?: Partial<Record<ListEvent['type'], number>>;
}

/** The last judgement of a source's publication, for /status and operators. */
export interface Judgement {
  verdict: Verdict;
  reason: string | null;
  fileName: string;
  sha256: string;
  at: string;
  eventCount: number;
  notices: OperatorNotice[];
}

/** A source's whole record as a former store held it, for moving an install. */
export interface SourceDump {
  state: SourceState | null;
  history: HistoryEntry[];
  /** Rows of every list the history (and the state's view) names, by content hash. */
  rows: Record<string, Agreement[]>;
  ledger: Record<string, LedgerEntry>;
  judgements: Judgement[];
}

/** Snapshots, history, per-agreement ledger and judgements of the 287(g) sources. */
export interface SnapshotStore {
  getState(source: ListKind): Promise<SourceState | null>;
  /**
   * Stores a new accepted state in one transaction: rows (when new), history, ledger, then the
   * state pointer last. The events of the change carry renames, relistings and corrections into
   * the ledger. A failure leaves the previous state, history and ledger as they were.
   */
  saveState(source: ListKind, state: SourceState, verdict: Verdict, events?: readonly ListEvent[]): Promise<void>;
  /** Keeps the newest 50 judgements of the source. */
  recordJudgement(source: ListKind, judgement: Judgement): Promise<void>;
  /** Oldest first. */
  judgements(source: ListKind): Promise<Judgement[]>;
  /** Oldest first. */
  history(source: ListKind): Promise<HistoryEntry[]>;
  rowsOf(contentHash: string): Promise<Agreement[] | null>;
  /** Every agreement the source ever listed, by identity. */
  ledger(source: ListKind): Promise<Record<string, LedgerEntry>>;
  /** The URL and validators of the last file fetched, for a conditional GET next time. */
  lastFetch(source: ListKind): Promise<LastFetch | null>;
  setLastFetch(source: ListKind, value: LastFetch): Promise<void>;
  /** Which workbooks the 287(g) page linked when it was last read (null before the first read). */
  pageLinks(): Promise<PageLinks | null>;
  setPageLinks(value: PageLinks): Promise<void>;
  /** Writes a whole dump in one transaction, replacing what the store holds for that source. */
  restore(source: ListKind, dump: SourceDump): Promise<void>;
}

/** The workbooks the 287(g) page linked, and when it was read: no pending list linked is a state of its own. */
export interface PageLinks {
  at: string;
  participating: string | null;
  pending: string | null;
}

export interface LastFetch {
  url: string;
  etag: string | null;
  lastModified: string | null;
}

/** Lists kept parsed in memory: the two sources' current lists and the ones just replaced. */
const ROW_CACHE_ENTRIES = 4;
/** The key of the page's links among the HTTP validators (the sources' keys are their names). */
const PAGE_LINKS_KEY = 'page-links:287g';

export class StoreCorruptError extends Error {
  override name = 'StoreCorruptError';
}

/**
 * The 287(g) sources on the relational database: the state pointer in source_states, each list's
 * rows once per content hash in snapshots, history and judgements as rows in order, the ledger as
 * one row per agreement. The HTTP validators are key-value (kv namespace `http-validators`).
 */
export function createSnapshotStore(db: StoreDb, kv: KeyValueStores): SnapshotStore {
  const validators = kv.open<LastFetch | PageLinks>('http-validators');

  // Rows are stored by content hash, so a hash always names the same rows: caching the few
  // most recent ones is safe even with several instances, and spares every command a parse
  // of the whole list. The small state row is still read from the database each time.
  const cache = new Map<string, Agreement[]>();
  const rowsOf = async (hash: string) => {
    const hit = cache.get(hash);
    if (hit) return hit;
    const k = await db.ready();
    const found = await k.selectFrom('snapshots').select('rows').where('content_hash', '=', hash).executeTakeFirst();
    if (!found) return null;
    const parsed = JSON.parse(found.rows) as Agreement[];
    cache.set(hash, parsed);
    if (cache.size > ROW_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    return parsed;
  };

  return {
    async getState(source) {
      const k = await db.ready();
      const stored = await k.selectFrom('source_states').selectAll().where('source', '=', source).executeTakeFirst();
      if (!stored) return null;
      const viewRows = await rowsOf(stored.view_hash);
      if (!viewRows) throw new StoreCorruptError(`the ${source} state points at snapshot ${stored.view_hash}, which is missing`);
      const meta = JSON.parse(stored.view_meta) as FileMeta;
      const guard = JSON.parse(stored.guard) as GuardState;
      const view: Snapshot = {
        source,
        detectedKind: stored.detected_kind as ListKind,
        rows: viewRows,
        contentHash: stored.view_hash,
        meta,
        warnings: JSON.parse(stored.warnings) as string[],
      };
      return {
        view,
        lastFileSha256: stored.last_file_sha256,
        held: guard.held,
        unconfirmed: guard.unconfirmed ?? [],
        heldAdditions: guard.heldAdditions ?? [],
        recentlyEnded: guard.recentlyEnded ?? [],
        lastSeenAt: guard.lastSeenAt ?? meta.fetchedAt,
        recentRenames: guard.recentRenames ?? [],
      };
    },

    async saveState(source, state, verdict, events = []) {
      const { view } = state;
      const k = await db.ready();
      await k.transaction().execute(async (trx) => {
        await lockSource(db, trx, source);
        const previous = await trx.selectFrom('source_states').select('view_hash').where('source', '=', source).executeTakeFirst();
        if (previous?.view_hash !== view.contentHash) {
          // Read before this change's history row: still-listed agreements were last seen by the previous list.
          const before = await readLedger(trx, source);
          await insertSnapshot(trx, source, view.contentHash, view.rows);
          await trx
            .insertInto('history')
            .values(historyRow(source, historyEntryOf(state, verdict, events)))
            .execute();
          const after = updateLedger(structuredClone(before), view.rows, view.meta.fetchedAt, events);
          const { upserts, deletes } = ledgerChanges(source, before, after);
          for (let i = 0; i < deletes.length; i += CHUNK)
            await trx
              .deleteFrom('agreements')
              .where('source', '=', source)
              .where('identity', 'in', deletes.slice(i, i + CHUNK))
              .execute();
          await upsertAgreements(trx, upserts);
        }
        await writeState(trx, source, state);
      });
    },

    async recordJudgement(source, judgement) {
      const k = await db.ready();
      await k.transaction().execute(async (trx) => {
        await trx.insertInto('judgements').values(judgementRow(source, judgement)).execute();
        await pruneJudgements(trx, source);
      });
    },
    async judgements(source) {
      const k = await db.ready();
      const rows = await k.selectFrom('judgements').selectAll().where('source', '=', source).orderBy('id').execute();
      return rows.map((r) => ({
        verdict: r.verdict as Verdict,
        reason: r.reason,
        fileName: r.file_name,
        sha256: r.sha256,
        at: r.at,
        eventCount: Number(r.event_count),
        notices: JSON.parse(r.notices) as OperatorNotice[],
      }));
    },
    async history(source) {
      const k = await db.ready();
      const rows = await k.selectFrom('history').selectAll().where('source', '=', source).orderBy('id').execute();
      return rows.map((r) => ({
        contentHash: r.content_hash,
        verdict: r.verdict as Verdict,
        rowCount: Number(r.row_count),
        fileName: r.file_name,
        sha256: r.sha256,
        fetchedAt: r.fetched_at,
        ...(r.events !== null ? { events: JSON.parse(r.events) as HistoryEntry['events'] } : {}),
      }));
    },
    rowsOf,
    ledger: async (source) => readLedger(await db.ready(), source),
    lastFetch: async (source) => ((await validators.get(source)) as LastFetch | undefined) ?? null,
    setLastFetch: async (source, value) => {
      await validators.set(source, value);
    },
    pageLinks: async () => ((await validators.get(PAGE_LINKS_KEY)) as PageLinks | undefined) ?? null,
    setPageLinks: async (value) => {
      await validators.set(PAGE_LINKS_KEY, value);
    },

    async restore(source, dump) {
      const k = await db.ready();
      await k.transaction().execute(async (trx) => {
        await lockSource(db, trx, source);
        for (const table of ['source_states', 'history', 'agreements', 'judgements'] as const)
          await trx.deleteFrom(table).where('source', '=', source).execute();
        const lists = { ...dump.rows, ...(dump.state ? { [dump.state.view.contentHash]: dump.state.view.rows } : {}) };
        for (const [hash, rows] of Object.entries(lists)) await insertSnapshot(trx, source, hash, rows);
        const history = dump.history.map((h) => historyRow(source, h));
        for (let i = 0; i < history.length; i += CHUNK)
          await trx
            .insertInto('history')
            .values(history.slice(i, i + CHUNK))
            .execute();
        await upsertAgreements(
          trx,
          Object.entries(dump.ledger).map(([identity, entry]) => rowOfEntry(source, identity, entry)),
        );
        const judgements = dump.judgements.slice(-MAX_JUDGEMENTS).map((j) => judgementRow(source, j));
        if (judgements.length) await trx.insertInto('judgements').values(judgements).execute();
        if (dump.state) await writeState(trx, source, dump.state);
      });
    },
  };
}

function historyEntryOf(state: SourceState, verdict: Verdict, events: readonly ListEvent[]): HistoryEntry {
  const { view } = state;
  return {
    contentHash: view.contentHash,
    verdict,
    rowCount: view.rows.length,
    fileName: view.meta.fileName,
    sha256: view.meta.sha256,
    fetchedAt: view.meta.fetchedAt,
    ...(events.length ? { events: countEvents(events) } : {}),
  };
}

function historyRow(source: string, h: HistoryEntry) {
  return {
    source,
    content_hash: h.contentHash,
    verdict: h.verdict,
    row_count: h.rowCount,
    file_name: h.fileName,
    sha256: h.sha256,
    fetched_at: h.fetchedAt,
    events: h.events ? JSON.stringify(h.events) : null,
  };
}

function judgementRow(source: string, j: Judgement) {
  return {
    source,
    verdict: j.verdict,
    reason: j.reason,
    file_name: j.fileName,
    sha256: j.sha256,
    at: j.at,
    event_count: j.eventCount,
    notices: JSON.stringify(j.notices),
  };
}

function countEvents(events: readonly ListEvent[]): Partial<Record<ListEvent['type'], number>> {
  const counts: Partial<Record<ListEvent['type'], number>> = {};
  for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return counts;
}
