import type { EndedAgreement } from '../domain/agreements/diff';
import { agencyKey } from '../domain/agreements/agency';
import type { ListEvent } from '../domain/agreements/events';
import type { HeldRow, OperatorNotice, RecentRename, SourceState, Verdict } from '../domain/agreements/guards';
import { activeAgreements } from '../domain/agreements/identity';
import { agreementIdentity, type Agreement, type FileMeta, type ListKind, type Snapshot } from '../domain/types';
import type { KeyvFactory } from './keyv-factory';

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

/** What ice-watch knows of one agreement over time. */
export interface LedgerEntry {
  state: string;
  stateCode: string | null;
  agency: string;
  model: string;
  signed: string | null;
  firstSeen: string;
  lastSeen: string;
  endedAt: string | null;
  /** Names (and states) ICE listed it under before, oldest first. */
  previousNames?: string[];
  /** Times it was off ICE's list and came back with the same SIGNED date. */
  gaps?: Array<{ from: string; to: string }>;
  /** SIGNED dates ICE corrected, with when the bot saw the correction. */
  corrections?: Array<{ from: string | null; to: string | null; at: string }>;
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

interface StoredState {
  viewHash: string;
  viewMeta: FileMeta;
  detectedKind: ListKind;
  warnings: string[];
  lastFileSha256: string;
  held: HeldRow[];
  unconfirmed?: HeldRow[];
  heldAdditions?: HeldRow[];
  recentlyEnded?: EndedAgreement[];
  lastSeenAt?: string;
  recentRenames?: RecentRename[];
}

/** Snapshots, history, per-agreement ledger and judgements of the 287(g) sources. */
export interface SnapshotStore {
  getState(source: ListKind): Promise<SourceState | null>;
  /**
   * Stores a new accepted state: rows, history, ledger, then the state pointer last. The
   * events of the change carry renames, relistings and corrections into the ledger.
   */
  saveState(source: ListKind, state: SourceState, verdict: Verdict, events?: readonly ListEvent[]): Promise<void>;
  recordJudgement(source: ListKind, judgement: Judgement): Promise<void>;
  judgements(source: ListKind): Promise<Judgement[]>;
  history(source: ListKind): Promise<HistoryEntry[]>;
  rowsOf(contentHash: string): Promise<Agreement[] | null>;
  ledger(source: ListKind): Promise<Record<string, LedgerEntry>>;
  /** The URL and validators of the last file fetched, for a conditional GET next time. */
  lastFetch(source: ListKind): Promise<LastFetch | null>;
  setLastFetch(source: ListKind, value: LastFetch): Promise<void>;
  /** Which workbooks the 287(g) page linked when it was last read (null before the first read). */
  pageLinks(): Promise<PageLinks | null>;
  setPageLinks(value: PageLinks): Promise<void>;
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

const MAX_JUDGEMENTS = 50;
/** Lists kept parsed in memory: the two sources' current lists and the ones just replaced. */
const ROW_CACHE_ENTRIES = 4;

export class StoreCorruptError extends Error {
  override name = 'StoreCorruptError';
}

export function createSnapshotStore(keyv: KeyvFactory): SnapshotStore {
  const states = keyv.open<StoredState>('source-state');
  const rows = keyv.open<Agreement[]>('snapshot-rows');
  const histories = keyv.open<HistoryEntry[]>('history');
  const ledgers = keyv.open<Record<string, LedgerEntry>>('ledger');
  const judgements = keyv.open<Judgement[]>('judgements');
  const fetches = keyv.open<LastFetch>('last-fetch');
  const links = keyv.open<PageLinks>('page-links');

  // Rows are stored by content hash, so a hash always names the same rows: caching the few
  // most recent ones is safe even with several instances, and spares every command a parse
  // of the whole list. The small state record is still read from the store each time.
  const cache = new Map<string, Agreement[]>();
  const rowsOf = async (hash: string) => {
    const hit = cache.get(hash);
    if (hit) return hit;
    const found = (await rows.get(hash)) ?? null;
    if (found) {
      cache.set(hash, found);
      if (cache.size > ROW_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    }
    return found;
  };

  return {
    async getState(source) {
      const stored = await states.get(source);
      if (!stored) return null;
      const viewRows = await rowsOf(stored.viewHash);
      if (!viewRows) throw new StoreCorruptError(`the ${source} state points at snapshot ${stored.viewHash}, which is missing`);
      const view: Snapshot = {
        source,
        detectedKind: stored.detectedKind,
        rows: viewRows,
        contentHash: stored.viewHash,
        meta: stored.viewMeta,
        warnings: stored.warnings,
      };
      return {
        view,
        lastFileSha256: stored.lastFileSha256,
        held: stored.held,
        unconfirmed: stored.unconfirmed ?? [],
        heldAdditions: stored.heldAdditions ?? [],
        recentlyEnded: stored.recentlyEnded ?? [],
        lastSeenAt: stored.lastSeenAt ?? stored.viewMeta.fetchedAt,
        recentRenames: stored.recentRenames ?? [],
      };
    },

    async saveState(source, state, verdict, events = []) {
      const { view } = state;
      const previous = await states.get(source);
      if (previous?.viewHash !== view.contentHash) {
        if (!(await rows.has(view.contentHash))) await rows.set(view.contentHash, view.rows);
        const history = (await histories.get(source)) ?? [];
        history.push({
          contentHash: view.contentHash,
          verdict,
          rowCount: view.rows.length,
          fileName: view.meta.fileName,
          sha256: view.meta.sha256,
          fetchedAt: view.meta.fetchedAt,
          ...(events.length ? { events: countEvents(events) } : {}),
        });
        await histories.set(source, history);
        await ledgers.set(source, updateLedger((await ledgers.get(source)) ?? {}, view.rows, view.meta.fetchedAt, events));
      }
      await states.set(source, {
        viewHash: view.contentHash,
        viewMeta: view.meta,
        detectedKind: view.detectedKind,
        warnings: view.warnings,
        lastFileSha256: state.lastFileSha256,
        held: state.held,
        unconfirmed: state.unconfirmed ?? [],
        heldAdditions: state.heldAdditions ?? [],
        recentlyEnded: state.recentlyEnded ?? [],
        lastSeenAt: state.lastSeenAt ?? view.meta.fetchedAt,
        recentRenames: state.recentRenames ?? [],
      });
    },

    async recordJudgement(source, judgement) {
      const list = (await judgements.get(source)) ?? [];
      list.push(judgement);
      await judgements.set(source, list.slice(-MAX_JUDGEMENTS));
    },
    judgements: async (source) => (await judgements.get(source)) ?? [],
    history: async (source) => (await histories.get(source)) ?? [],
    rowsOf,
    ledger: async (source) => (await ledgers.get(source)) ?? {},
    lastFetch: async (source) => (await fetches.get(source)) ?? null,
    setLastFetch: async (source, value) => {
      await fetches.set(source, value);
    },
    pageLinks: async () => (await links.get('287g')) ?? null,
    setPageLinks: async (value) => {
      await links.set('287g', value);
    },
  };
}

function countEvents(events: readonly ListEvent[]): Partial<Record<ListEvent['type'], number>> {
  const counts: Partial<Record<ListEvent['type'], number>> = {};
  for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return counts;
}

/**
 * Brings the ledger up to a new accepted list: one entry per agreement (rows ICE printed
 * twice count once). A rename moves the entry to its new name, keeping when it was first
 * seen; a relisting closes its gap; a correction is recorded. Then every agreement listed
 * is seen at `at` (first seen when new) and every one no longer listed has ended at `at`.
 */
export function updateLedger(
  ledger: Record<string, LedgerEntry>,
  current: readonly Agreement[],
  at: string,
  events: readonly ListEvent[] = [],
): Record<string, LedgerEntry> {
  const idOf = (state: string, stateCode: string | null, agency: string, model: string) =>
    agreementIdentity({ state, stateCode, agencyKey: agencyKey(agency), model });
  for (const e of events) {
    if (e.type === 'agreement.renamed') {
      const from =
        e.previousState === null
          ? idOf(e.state, e.stateCode, e.previousAgency, e.model)
          : idOf(e.previousState, e.previousStateCode, e.previousAgency, e.model);
      const to = idOf(e.state, e.stateCode, e.agency, e.model);
      const old = ledger[from];
      if (!old || from === to) continue;
      delete ledger[from];
      ledger[to] = {
        ...old,
        previousNames: [...(old.previousNames ?? []), e.previousState ? `${old.agency} (${e.previousState})` : old.agency],
      };
    } else if (e.type === 'agreement.relisted') {
      const entry = ledger[idOf(e.state, e.stateCode, e.agency, e.model)];
      if (entry?.endedAt) {
        entry.gaps = [...(entry.gaps ?? []), { from: entry.endedAt, to: at }];
        entry.endedAt = null;
      }
    } else if (e.type === 'agreement.corrected') {
      const entry = ledger[idOf(e.state, e.stateCode, e.agency, e.model)];
      if (entry) entry.corrections = [...(entry.corrections ?? []), { from: e.previousSigned, to: e.signed, at }];
    }
  }
  const seen = new Set<string>();
  for (const r of activeAgreements(current)) {
    const id = agreementIdentity(r);
    seen.add(id);
    const old = ledger[id];
    ledger[id] = {
      ...old,
      state: r.state,
      stateCode: r.stateCode,
      agency: r.agency,
      model: r.model,
      signed: r.signed,
      firstSeen: old && !old.endedAt ? old.firstSeen : at,
      lastSeen: at,
      endedAt: null,
    };
  }
  for (const [id, entry] of Object.entries(ledger)) {
    if (!seen.has(id) && !entry.endedAt) entry.endedAt = at;
  }
  return ledger;
}
