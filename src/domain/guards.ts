import { canonicalAgencyName } from './agency';
import { diffLists } from './diff';
import type { ListEvent } from './events';
import { contentHashOf } from './snapshot';
import { agreementIdentity, type Agreement, type Snapshot } from './types';

/** Thresholds of the mass-ending guard (SPEC section 3). */
export interface GuardSettings {
  /** An ending of more than this share of the list at once is suspect (0.05 = 5%). */
  massEndShare: number;
  /** ... and of more than this many rows. */
  massEndMinRows: number;
  /** A held ending is confirmed by a publication at least this long after it was first seen. */
  confirmAfterMs: number;
}

export const DEFAULT_GUARDS: GuardSettings = { massEndShare: 0.05, massEndMinRows: 10, confirmAfterMs: 3_600_000 };

/** A row whose ending is held as suspect, and since when. */
export interface HeldRow {
  row: Agreement;
  since: string;
}

/** What ice-watch believes about one source: the accepted list and any held endings. */
export interface SourceState {
  /** The accepted list ("last good snapshot"); rows whose ending is held are still in it. */
  view: Snapshot;
  /** SHA-256 of the last file that was judged (accepted or not), to skip re-reading it. */
  lastFileSha256: string;
  held: HeldRow[];
}

export type Verdict = 'baseline' | 'accepted' | 'unchanged' | 'rejected' | 'held';

export interface OperatorNotice {
  kind: 'baseline' | 'rejected' | 'held' | 'confirmed' | 'discarded' | 'failing' | 'recovered';
  text: string;
}

export interface Outcome {
  verdict: Verdict;
  reason: string | null;
  /** Events to alert subscribers with (none for baseline, rejected, unchanged). */
  events: ListEvent[];
  /** The state to store, or null to leave the stored state as it is. */
  next: SourceState | null;
  notices: OperatorNotice[];
}

export interface JudgeOptions {
  now: Date;
  guards: GuardSettings;
  /** For the pending list: the accepted participating rows, to tell `pending.signed` from `pending.removed`. */
  participating?: readonly Agreement[];
}

/**
 * Judges one publication of a source against what was accepted before, applying every
 * guard of SPEC section 3. Pure: the caller stores `next` and delivers `events`.
 *
 * The mass-ending guard, worked through: the accepted list has 1,000 rows; a file
 * arrives without 60 of them (6% and more than 10 rows, after renames). Those 60 are
 * held: the verdict is `held`, their endings are not alerted, they stay in the accepted
 * view, and every other change in the file (say 5 signings) is alerted at once. A file
 * published at least an hour later that still lacks them confirms the 60 endings (they
 * are alerted then); one that has them back discards the hold. A held ending never
 * freezes the source.
 */
export function judgePublication(prev: SourceState | null, candidate: Snapshot, opts: JudgeOptions): Outcome {
  const { source } = candidate;
  const reject = (reason: string): Outcome => ({
    verdict: 'rejected',
    reason,
    events: [],
    next: null,
    notices: [{ kind: 'rejected', text: `${candidate.meta.fileName} rejected: ${reason}` }],
  });
  if (candidate.rows.length === 0) return reject('the list is empty: a header and no rows');
  const rejection = detectSwap(candidate, opts);
  if (rejection) return reject(rejection);

  if (!prev) {
    return {
      verdict: 'baseline',
      reason: 'first snapshot of this source: stored as the baseline, nothing alerted',
      events: [],
      next: { view: candidate, lastFileSha256: candidate.meta.sha256, held: [] },
      notices: [{ kind: 'baseline', text: `${source} baseline: ${candidate.rows.length} rows from ${candidate.meta.fileName}` }],
    };
  }
  if (prev.lastFileSha256 === candidate.meta.sha256) {
    return { verdict: 'unchanged', reason: 'the same file as the last poll', events: [], next: null, notices: [] };
  }
  if (prev.held.length === 0 && prev.view.contentHash === candidate.contentHash) {
    return {
      verdict: 'unchanged',
      reason: 'the same rows as the accepted list (the file bytes differ)',
      events: [],
      next: { ...prev, lastFileSha256: candidate.meta.sha256 },
      notices: [],
    };
  }
  return judgeChange(prev, candidate, opts);
}

function judgeChange(prev: SourceState, candidate: Snapshot, opts: JudgeOptions): Outcome {
  const { guards, now } = opts;
  const previousRows = prev.view.rows;
  const endedIds = new Map(diffLists(previousRows, candidate.rows, candidate.source).ended.map((r) => [agreementIdentity(r), r]));
  const heldById = new Map(prev.held.map((h) => [agreementIdentity(h.row), h]));

  const confirmed: HeldRow[] = [];
  const stillHeld: HeldRow[] = [];
  const discarded: HeldRow[] = [];
  for (const [id, h] of heldById) {
    if (!endedIds.has(id)) discarded.push(h);
    else if (now.getTime() - Date.parse(h.since) >= guards.confirmAfterMs) confirmed.push(h);
    else stillHeld.push(h);
  }
  // A pending request that leaves because it was signed is news, not a suspect ending.
  const signedKeys = candidate.source === 'pending' && opts.participating ? new Set(opts.participating.map(signedKey)) : null;
  const fresh = [...endedIds].filter(([id, r]) => !heldById.has(id) && !signedKeys?.has(signedKey(r))).map(([, r]) => r);
  const mass = fresh.length > guards.massEndMinRows && fresh.length > guards.massEndShare * previousRows.length;
  const newlyHeld: HeldRow[] = mass ? fresh.map((row) => ({ row, since: now.toISOString() })) : [];
  const held = [...stillHeld, ...newlyHeld];

  const rows = held.length ? [...candidate.rows, ...held.map((h) => h.row)] : candidate.rows;
  let events = diffLists(previousRows, rows, candidate.source).events;
  if (candidate.source === 'pending' && opts.participating) events = markPendingSigned(events, opts.participating);
  const view: Snapshot = { ...candidate, rows, contentHash: held.length ? contentHashOf(rows) : candidate.contentHash };

  const notices: OperatorNotice[] = [];
  const file = candidate.meta.fileName;
  if (newlyHeld.length) {
    const pct = ((100 * fresh.length) / previousRows.length).toFixed(1);
    notices.push({
      kind: 'held',
      text:
        `${file}: ${fresh.length} of ${previousRows.length} ${candidate.source} rows (${pct}%) would end at once; ` +
        `their endings are held until a publication at least ${Math.round(guards.confirmAfterMs / 60000)} minutes later confirms them ` +
        `(other changes in this file were accepted)`,
    });
  }
  if (confirmed.length) {
    notices.push({ kind: 'confirmed', text: `${file}: confirms ${confirmed.length} held endings (held since ${confirmed[0].since})` });
  }
  if (discarded.length) {
    notices.push({ kind: 'discarded', text: `${file}: ${discarded.length} held endings are back in the list; that hold is discarded` });
  }
  const reason = newlyHeld.length ? notices[0].text : null;
  return {
    verdict: newlyHeld.length ? 'held' : 'accepted',
    reason,
    events,
    next: { view, lastFileSha256: candidate.meta.sha256, held },
    notices,
  };
}

/**
 * ICE swapped its two files on 2025-09-22: the "participating" URL served the pending
 * list (no SIGNED column) and the "pending" URL the participating list. Either half is refused.
 */
function detectSwap(candidate: Snapshot, opts: JudgeOptions): string | null {
  const kind = candidate.detectedKind;
  if (candidate.source === 'participating' && kind === 'pending') {
    return 'the participating file has no SIGNED column: it looks like the pending list (ICE swapped the two files on 2025-09-22)';
  }
  if (candidate.source === 'pending' && kind === 'participating') {
    return 'the pending file has a SIGNED column: it looks like the participating list (ICE swapped the two files on 2025-09-22)';
  }
  if (candidate.source === 'pending' && opts.participating && opts.participating.length > 0) {
    if (contentHashOf(opts.participating) === candidate.contentHash) return 'the pending file holds the participating list';
  }
  return null;
}

/** A pending row that left the list while the same agency and model is now participating was signed. */
function markPendingSigned(events: ListEvent[], participating: readonly Agreement[]): ListEvent[] {
  const signedBy = new Map<string, Agreement>();
  for (const r of participating) signedBy.set(signedKey(r), r);
  return events.map((e) => {
    if (e.type !== 'pending.removed') return e;
    const match = signedBy.get(signedKey(e));
    return match ? { ...e, type: 'pending.signed', signedOn: match.signed, moaUrl: match.moaUrl } : e;
  });
}

/** Matches a pending request to a participating agreement: same state, agency (canonical name) and model. */
function signedKey(a: { state: string; stateCode: string | null; agency: string; model: string }): string {
  return `${a.stateCode ?? a.state}|${canonicalAgencyName(a.agency)}|${a.model}`;
}

/**
 * An operator's decision on held endings. `accept` ends them now (their events are
 * returned for alerting); `discard` keeps the rows as active and forgets the hold (a
 * later publication that still lacks them is judged afresh).
 */
export function resolveHeld(state: SourceState, action: 'accept' | 'discard'): { events: ListEvent[]; next: SourceState; notices: OperatorNotice[] } {
  const count = state.held.length;
  if (action === 'discard') {
    return { events: [], next: { ...state, held: [] }, notices: [{ kind: 'discarded', text: `an operator discarded ${count} held endings` }] };
  }
  const heldIds = new Set(state.held.map((h) => agreementIdentity(h.row)));
  const rows = state.view.rows.filter((r) => !heldIds.has(agreementIdentity(r)));
  const events = diffLists(state.view.rows, rows, state.view.source).events;
  return {
    events,
    next: { ...state, view: { ...state.view, rows, contentHash: contentHashOf(rows) }, held: [] },
    notices: [{ kind: 'confirmed', text: `an operator accepted ${count} held endings` }],
  };
}
