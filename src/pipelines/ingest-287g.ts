import { createHash } from 'node:crypto';
import { buildStateAlerts, type StateAlert } from '../domain/alerts/alerts';
import type { ListEvent } from '../domain/agreements/events';
import { judgePublication, type GuardSettings, type OlderList, type OperatorNotice, type Verdict } from '../domain/agreements/guards';
import { makeSnapshot } from '../domain/agreements/snapshot';
import type { Agreement, FileMeta, ListKind } from '../domain/types';
import type { Logger } from '../logging/logger';
import { WorkbookFormatError, WorkbookSchemaError, type WorkbookLimits } from '../sources/errors';
import { parse287gWorkbook } from '../sources/workbook-287g';
import type { SnapshotStore } from '../store/snapshot-store';

/** How many older lists of about a candidate's size the stale-list guard compares it with. */
const MAX_OLDER_LISTS = 6;

/** What one publication of a 287(g) list came to. */
export interface IngestResult {
  source: ListKind;
  verdict: Verdict;
  reason: string | null;
  events: ListEvent[];
  alerts: StateAlert[];
  notices: OperatorNotice[];
  warnings: string[];
  file: FileMeta;
}

export interface Ingest287g {
  /** Parses, judges and stores one published file; returns the alerts to deliver. */
  ingest(source: ListKind, bytes: Buffer, meta: FileMeta): Promise<IngestResult>;
}

export interface Ingest287gDeps {
  snapshots: SnapshotStore;
  guards: GuardSettings;
  logger: Logger;
  now?: () => Date;
  /** Parse caps (defaults: DEFAULT_WORKBOOK_LIMITS). */
  parseLimits?: WorkbookLimits;
  /** Plans and stores the deliveries of a publication's alerts; runs before the new state is stored. */
  route?: (alerts: StateAlert[], at: Date) => Promise<void>;
}

/**
 * The 287(g) pipeline after the fetch: parse -> guards -> store -> alerts. A file that
 * cannot be read is a `rejected` verdict with the reason, never an exception, and it
 * never moves the stored state. Store failures do throw: they must not look like news.
 */
export function createIngest287g(deps: Ingest287gDeps): Ingest287g {
  const { snapshots, guards, logger } = deps;
  const now = deps.now ?? (() => new Date());

  return {
    async ingest(source, bytes, meta) {
      const log = logger.child({ source, file: meta.fileName });
      const at = now();
      let result: IngestResult;
      try {
        const parsed = await parse287gWorkbook(bytes, deps.parseLimits);
        const candidate = makeSnapshot(source, parsed, meta);
        const prev = await snapshots.getState(source);
        const participating = source === 'pending' ? (await snapshots.getState('participating'))?.view.rows : undefined;
        const olderLists = prev ? await olderListsLike(snapshots, source, candidate.rows.length, prev.view.contentHash) : [];
        const outcome = judgePublication(prev, candidate, { now: at, guards, participating, olderLists });
        // The same file judged again gives news only when endings waited long enough (ENDING_CONFIRM_HOURS): those
        // alerts need ids of their own, or they would be taken for the file's first alerts of the same states (deduped).
        const occasion = prev?.lastFileSha256 === meta.sha256 ? confirmationOccasion(outcome.events) : undefined;
        const alerts =
          outcome.events.length && outcome.next ? await alertsFor(source, outcome.events, outcome.next.view.rows, meta, occasion) : [];
        // Deliveries are planned and stored before the snapshot is marked seen: a crash in
        // between re-judges the same file next poll and plans the same ids again (deduped).
        if (alerts.length && deps.route) await deps.route(alerts, at);
        if (outcome.next) await snapshots.saveState(source, outcome.next, outcome.verdict, outcome.events);
        result = { source, ...outcome, alerts, warnings: parsed.warnings, file: meta };
      } catch (err) {
        if (!(err instanceof WorkbookFormatError || err instanceof WorkbookSchemaError)) throw err;
        const reason = err.message;
        result = {
          source,
          verdict: 'rejected',
          reason,
          events: [],
          alerts: [],
          notices: [{ kind: 'workbook-unreadable', text: `${meta.fileName} rejected: ${reason}` }],
          warnings: [],
          file: meta,
        };
      }
      await snapshots.recordJudgement(source, {
        verdict: result.verdict,
        reason: result.reason,
        fileName: meta.fileName,
        sha256: meta.sha256,
        at: at.toISOString(),
        eventCount: result.events.length,
        notices: result.notices,
      });
      log.info(
        { verdict: result.verdict, reason: result.reason, events: result.events.length, warnings: result.warnings.length },
        'publication judged',
      );
      return result;
    },
  };

  /** Alerts with the states' numbers after this change: the new list of this source, the stored list of the other. */
  async function alertsFor(
    source: ListKind,
    events: ListEvent[],
    rows: Agreement[],
    meta: FileMeta,
    occasion?: string,
  ): Promise<StateAlert[]> {
    const other = async (kind: ListKind) => (await snapshots.getState(kind))?.view.rows ?? null;
    const participating = source === 'participating' ? rows : ((await other('participating')) ?? []);
    const pending = source === 'pending' ? rows : await other('pending');
    return buildStateAlerts({ source, events, participating, pending, file: meta, occasion });
  }
}

/**
 * The older accepted lists a candidate of `rowCount` rows could be a stale copy of: the
 * stale-list guard needs only those within 1% of its size (a list within a few agreements
 * of another has nearly its size), newest first, a few at most. The ingest and the doctor
 * both judge with them.
 */
export async function olderListsLike(
  snapshots: SnapshotStore,
  source: ListKind,
  rowCount: number,
  currentHash: string,
): Promise<OlderList[]> {
  const tolerance = Math.max(2, Math.ceil(0.01 * rowCount));
  const seen = new Set([currentHash]);
  const out: OlderList[] = [];
  const history = await snapshots.history(source);
  // Only lists older than the accepted one: an entry after it is a list whose saving a crash cut
  // short (history is written before the state pointer), and the file is being judged again now.
  const current = history.map((h) => h.contentHash).lastIndexOf(currentHash);
  for (let i = (current < 0 ? history.length : current) - 1; i >= 0 && out.length < MAX_OLDER_LISTS; i--) {
    const h = history[i];
    if (seen.has(h.contentHash)) continue;
    seen.add(h.contentHash);
    if (Math.abs(h.rowCount - rowCount) > tolerance) continue;
    const rows = await snapshots.rowsOf(h.contentHash);
    if (rows) out.push({ rows, fileName: h.fileName, fetchedAt: h.fetchedAt });
  }
  return out;
}

/**
 * The occasion of endings confirmed by time on a file already judged: named by what they confirm, so a
 * crash before the state is stored plans the same ids again (deduped), and a later batch gets new ones.
 */
function confirmationOccasion(events: readonly ListEvent[]): string {
  const keys = events.map((e) =>
    JSON.stringify([
      e.type,
      e.stateCode ?? e.state,
      'agency' in e ? e.agency : '',
      'model' in e ? e.model : '',
      'signed' in e ? e.signed : '',
    ]),
  );
  return `confirmed-${createHash('sha256').update(keys.sort().join('\n')).digest('hex').slice(0, 12)}`;
}
