import { canonicalAgencyName } from './agency';
import { diffLists, type EndedAgreement } from './diff';
import type { ListEvent } from './events';
import { activeAgreements, agreementKey } from './identity';
import { detectStale, detectSwap, withReadableRows, type OlderList } from './publication-checks';
import { rememberEnded, withLastListed, withoutFlipFlops, type RecentRename } from './remembered';
import { contentHashOf } from './snapshot';
import type { Agreement, Snapshot } from '../types';
import type { OperatorNotice } from '../alerts/operator-notice';

/** Thresholds of the guards of SPEC section 3. */
export interface GuardSettings {
  /** An ending of more than this share of the list at once is suspect (0.05 = 5%). */
  massEndShare: number;
  /** ... and of more than this many rows. */
  massEndMinRows: number;
  /** A held ending is confirmed by a publication at least this long after it was first seen. */
  confirmAfterMs: number;
  /**
   * Unset (null): an ending is announced at once. Set: an ending waits until a later,
   * different publication still lacks it, or this long passes with nothing new; a row back
   * before then was never news (`ENDING_CONFIRM_HOURS`).
   */
  endingConfirmMs: number | null;
  /** Signings of more than this share of the list at once are suspect (1 = the list more than doubles)... */
  massAddShare: number;
  /** ... and of more than this many agreements (ICE's largest real jump: about 90 onto 151). */
  massAddMinRows: number;
}

export const DEFAULT_GUARDS: GuardSettings = {
  massEndShare: 0.05,
  massEndMinRows: 10,
  confirmAfterMs: 3_600_000,
  endingConfirmMs: null,
  massAddShare: 1,
  massAddMinRows: 100,
};

/** A row whose ending is held as suspect (or waits for confirmation), and since when. */
export interface HeldRow {
  row: Agreement;
  since: string;
  /** When the row was last seen on ICE's list, for the ending's "last listed" line. */
  lastListedAt?: string | null;
  /** Content hash of the publication that first lacked it: a later, different one confirms it. */
  firstMissingIn?: string;
}

/** What ice-watch believes about one source: the accepted list and any held endings. */
export interface SourceState {
  /** The accepted list ("last good snapshot"); rows whose ending is held or unconfirmed are still in it. */
  view: Snapshot;
  /** SHA-256 of the last file that was judged (accepted or not), to skip re-reading it. */
  lastFileSha256: string;
  held: HeldRow[];
  /** Endings waiting for confirmation (`endingConfirmMs`); absent in states stored before it existed. */
  unconfirmed?: HeldRow[];
  /** Signings held as suspect (a mass addition): not in the view until a later publication confirms them. */
  heldAdditions?: HeldRow[];
  /** Agreements announced as ended, so that one back on the list is `agreement.relisted`. */
  recentlyEnded?: EndedAgreement[];
  /** When a publication with these rows was last judged (ISO 8601): the "last listed" time of an ending. */
  lastSeenAt?: string;
  /** Renames announced lately, so that ICE flipping a name back and forth is announced once. */
  recentRenames?: RecentRename[];
}

export type Verdict = 'baseline' | 'accepted' | 'unchanged' | 'rejected' | 'held';

export type { OlderList, OperatorNotice, RecentRename };

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
  /** Older accepted lists that later ones superseded (newest first): a list that goes back to one of them is stale. */
  olderLists?: readonly OlderList[];
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
 *
 * The stale-list guard: on 2025-04-21 ICE served, row for row, its list of 2025-03-06
 * (308 rows) six weeks after moving on to ~440. A list that equals, or nearly equals, an
 * older accepted list while the lists since have changed much more is rejected: nothing in
 * it is alerted, and the next list is judged against the last good one.
 */
export function judgePublication(prev: SourceState | null, published: Snapshot, opts: JudgeOptions): Outcome {
  const readable = withReadableRows(published, prev?.view.rows ?? []);
  const outcome = judgeRows(prev, readable.snapshot, opts);
  if (readable.notice) outcome.notices.unshift(readable.notice);
  return outcome;
}

function judgeRows(prev: SourceState | null, candidate: Snapshot, opts: JudgeOptions): Outcome {
  const { source } = candidate;
  const reject = (reason: string, next: SourceState | null = null): Outcome => ({
    verdict: 'rejected',
    reason,
    events: [],
    next,
    notices: [{ kind: 'rejected', text: `${candidate.meta.fileName} rejected: ${reason}` }],
  });
  if (candidate.rows.length === 0) return reject('the list is empty: no row with a readable state and model');
  const rejection = detectSwap(candidate, opts.participating);
  if (rejection) return reject(rejection);

  if (!prev) {
    return {
      verdict: 'baseline',
      reason: 'first snapshot of this source: stored as the baseline, nothing alerted',
      events: [],
      next: { view: candidate, lastFileSha256: candidate.meta.sha256, held: [], lastSeenAt: candidate.meta.fetchedAt },
      notices: [{ kind: 'baseline', text: `${source} baseline: ${candidate.rows.length} rows from ${candidate.meta.fileName}` }],
    };
  }
  if (prev.lastFileSha256 === candidate.meta.sha256) {
    return (
      confirmByTime(prev, opts) ?? { verdict: 'unchanged', reason: 'the same file as the last poll', events: [], next: null, notices: [] }
    );
  }
  if (
    prev.held.length === 0 &&
    !prev.unconfirmed?.length &&
    !prev.heldAdditions?.length &&
    prev.view.contentHash === candidate.contentHash
  ) {
    return {
      verdict: 'unchanged',
      reason: 'the same rows as the accepted list (the file bytes differ)',
      events: [],
      next: { ...prev, lastFileSha256: candidate.meta.sha256, lastSeenAt: candidate.meta.fetchedAt },
      notices: [],
    };
  }
  const stale = detectStale(prev.view, candidate, opts.olderLists ?? []);
  // The stale file is remembered as judged, so that the next poll of the same bytes is quiet.
  if (stale) return reject(stale, { ...prev, lastFileSha256: candidate.meta.sha256 });
  return judgeChange(prev, candidate, opts);
}

function judgeChange(prev: SourceState, candidate: Snapshot, opts: JudgeOptions): Outcome {
  const { guards, now } = opts;
  const at = now.toISOString();
  const previousRows = prev.view.rows;
  const lastListedAt = prev.lastSeenAt ?? prev.view.meta.fetchedAt;
  const probe = diffLists(previousRows, candidate.rows, candidate.source);
  const endedKeys = new Map(probe.ended.map((r) => [agreementKey(r), r]));
  const additions = judgeAdditions(prev, probe.signed, previousRows, opts, candidate.meta.fileName);

  const confirmed: HeldRow[] = [];
  const stillHeld: HeldRow[] = [];
  const discarded: HeldRow[] = [];
  for (const h of prev.held) {
    if (!endedKeys.has(agreementKey(h.row))) discarded.push(h);
    else if (now.getTime() - Date.parse(h.since) >= guards.confirmAfterMs) confirmed.push(h);
    else stillHeld.push(h);
  }
  // Endings waiting for confirmation: a later, different publication that still lacks them confirms them.
  const waitingConfirmed: HeldRow[] = [];
  const stillWaiting: HeldRow[] = [];
  for (const u of prev.unconfirmed ?? []) {
    if (!endedKeys.has(agreementKey(u.row))) continue; // back before it was news: never news
    const due = u.firstMissingIn !== candidate.contentHash || now.getTime() - Date.parse(u.since) >= (guards.endingConfirmMs ?? 0);
    (due ? waitingConfirmed : stillWaiting).push(u);
  }
  const known = new Set([...prev.held, ...(prev.unconfirmed ?? [])].map((h) => agreementKey(h.row)));
  // A pending request that leaves because it was signed is news, not a suspect ending.
  const signedKeys = candidate.source === 'pending' && opts.participating ? new Set(opts.participating.map(signedKey)) : null;
  const fresh = [...endedKeys].filter(([key, r]) => !known.has(key) && !signedKeys?.has(signedKey(r))).map(([, r]) => r);
  const mass = fresh.length > guards.massEndMinRows && fresh.length > guards.massEndShare * previousRows.length;
  const newlyHeld: HeldRow[] = mass ? fresh.map((row) => ({ row, since: at, lastListedAt })) : [];
  const newlyWaiting: HeldRow[] =
    !mass && guards.endingConfirmMs !== null && candidate.source === 'participating'
      ? fresh.map((row) => ({ row, since: at, lastListedAt, firstMissingIn: candidate.contentHash }))
      : [];
  const held = [...stillHeld, ...newlyHeld];
  const unconfirmed = [...stillWaiting, ...newlyWaiting];

  const kept = [...held, ...unconfirmed];
  const withheld = new Set(additions.held.map((h) => agreementKey(h.row)));
  const listed = withheld.size ? candidate.rows.filter((r) => !withheld.has(agreementKey(r))) : candidate.rows;
  const rows = kept.length ? [...listed, ...kept.map((h) => h.row)] : listed;
  const diff = diffLists(previousRows, rows, candidate.source, { lastListedAt, ended: prev.recentlyEnded });
  const renames = withoutFlipFlops(withLastListed(diff.events, [...confirmed, ...waitingConfirmed]), prev.recentRenames ?? [], now);
  let events = renames.events;
  if (candidate.source === 'pending' && opts.participating) events = markPendingSigned(events, opts.participating);
  const view: Snapshot = { ...candidate, rows, contentHash: rows === candidate.rows ? candidate.contentHash : contentHashOf(rows) };

  const notices: OperatorNotice[] = [...additions.notices];
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
  const corrections = events.filter((e) => e.type === 'agreement.corrected');
  if (corrections.length) notices.push({ kind: 'corrected', text: correctionNotice(file, corrections) });
  const holding = newlyHeld.length > 0 || additions.newlyHeld;
  const reason = holding ? notices.find((n) => n.kind === 'held')!.text : null;
  return {
    verdict: holding ? 'held' : 'accepted',
    reason,
    events,
    next: {
      view,
      lastFileSha256: candidate.meta.sha256,
      held,
      unconfirmed,
      heldAdditions: additions.held,
      recentlyEnded: rememberEnded(prev.recentlyEnded ?? [], diff, now),
      lastSeenAt: candidate.meta.fetchedAt,
      recentRenames: renames.remembered,
    },
    notices,
  };
}

/**
 * The mass-addition guard, the mirror of the mass-ending one: a publication that adds more
 * than `massAddShare` of the list and more than `massAddMinRows` agreements at once (a
 * 20,000-row file, a list glued to itself) has those signings held: they stay out of the
 * accepted list and out of the alerts, everything else in the file is accepted, and
 * operators are told. A publication at least `confirmAfterMs` later that still lists them
 * confirms them (they are alerted then); one without them drops the hold.
 */
function judgeAdditions(
  prev: SourceState,
  joined: readonly Agreement[],
  previousRows: readonly Agreement[],
  opts: JudgeOptions,
  file: string,
) {
  const { guards, now } = opts;
  const present = new Set(joined.map(agreementKey));
  const before = prev.heldAdditions ?? [];
  const stillHeld = before.filter((h) => present.has(agreementKey(h.row)) && now.getTime() - Date.parse(h.since) < guards.confirmAfterMs);
  const confirmed = before.filter((h) => present.has(agreementKey(h.row)) && now.getTime() - Date.parse(h.since) >= guards.confirmAfterMs);
  const dropped = before.length - stillHeld.length - confirmed.length;
  const known = new Set(before.map((h) => agreementKey(h.row)));
  const fresh = joined.filter((r) => !known.has(agreementKey(r)));
  const size = activeAgreements(previousRows).length;
  const mass = fresh.length > guards.massAddMinRows && fresh.length > guards.massAddShare * size;
  const newlyHeld = mass ? fresh.map((row) => ({ row, since: now.toISOString() })) : [];
  const notices: OperatorNotice[] = [];
  if (mass) {
    notices.push({
      kind: 'held',
      text:
        `${file}: ${fresh.length} agreements would be new at once onto ${size} (more than ${Math.round(guards.massAddShare * 100)}% and ${guards.massAddMinRows}); ` +
        `these signings are held until a publication at least ${Math.round(guards.confirmAfterMs / 60000)} minutes later still lists them (other changes were accepted)`,
    });
  }
  if (confirmed.length)
    notices.push({ kind: 'confirmed', text: `${file}: confirms ${confirmed.length} held signings (held since ${confirmed[0].since})` });
  if (dropped) notices.push({ kind: 'discarded', text: `${file}: ${dropped} held signings are no longer listed; that hold is dropped` });
  return { held: [...stillHeld, ...newlyHeld], newlyHeld: mass, notices };
}

/**
 * With `endingConfirmMs` set and no new publication: endings that waited that long are
 * announced now (the file has not changed, so nothing else is news).
 */
function confirmByTime(prev: SourceState, opts: JudgeOptions): Outcome | null {
  const wait = opts.guards.endingConfirmMs;
  if (wait === null || !prev.unconfirmed?.length) return null;
  const due = prev.unconfirmed.filter((u) => opts.now.getTime() - Date.parse(u.since) >= wait);
  if (!due.length) return null;
  const dueKeys = new Set(due.map((u) => agreementKey(u.row)));
  const rows = prev.view.rows.filter((r) => !dueKeys.has(agreementKey(r)));
  const diff = diffLists(prev.view.rows, rows, prev.view.source, { ended: prev.recentlyEnded });
  const view: Snapshot = { ...prev.view, rows, contentHash: contentHashOf(rows) };
  return {
    verdict: 'accepted',
    reason: `${due.length} endings waited ${Math.round(wait / 3_600_000)} hours with no new publication: announced`,
    events: withLastListed(diff.events, due),
    next: {
      ...prev,
      view,
      unconfirmed: prev.unconfirmed.filter((u) => !dueKeys.has(agreementKey(u.row))),
      recentlyEnded: rememberEnded(prev.recentlyEnded ?? [], diff, opts.now),
    },
    notices: [],
  };
}

/** One operator line per publication with SIGNED-date corrections (they are not alerted to channels by default). */
function correctionNotice(file: string, corrections: ListEvent[]): string {
  const shown = corrections.slice(0, 10).map((e) => {
    const c = e as Extract<ListEvent, { type: 'agreement.corrected' }>;
    return `${c.agency} (${c.stateCode ?? c.state}, ${c.model}) ${c.previousSigned} -> ${c.signed}`;
  });
  const more = corrections.length > shown.length ? `; and ${corrections.length - shown.length} more` : '';
  return `${file}: ICE corrected ${corrections.length} SIGNED ${corrections.length === 1 ? 'date' : 'dates'}: ${shown.join('; ')}${more}`;
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
  return `${a.stateCode ?? a.state}|${canonicalAgencyName(a.agency, a.stateCode)}|${a.model}`;
}

/**
 * An operator's decision on held endings and signings. `accept` ends and adds them now
 * (their events are returned for alerting); `discard` keeps the ending rows as active, the
 * held signings out, and forgets the hold (a later publication is judged afresh).
 */
export function resolveHeld(
  state: SourceState,
  action: 'accept' | 'discard',
  now: Date = new Date(),
): { events: ListEvent[]; next: SourceState; notices: OperatorNotice[] } {
  const count = state.held.length;
  const additions = state.heldAdditions ?? [];
  const what = [count ? `${count} held endings` : '', additions.length ? `${additions.length} held signings` : '']
    .filter(Boolean)
    .join(' and ');
  if (action === 'discard') {
    return {
      events: [],
      next: { ...state, held: [], heldAdditions: [] },
      notices: [{ kind: 'discarded', text: `an operator discarded ${what}` }],
    };
  }
  const heldIds = new Set(state.held.map((h) => agreementKey(h.row)));
  const rows = [...state.view.rows.filter((r) => !heldIds.has(agreementKey(r))), ...additions.map((h) => h.row)];
  const diff = diffLists(state.view.rows, rows, state.view.source, { ended: state.recentlyEnded });
  const events = withLastListed(diff.events, state.held);
  return {
    events,
    next: {
      ...state,
      view: { ...state.view, rows, contentHash: contentHashOf(rows) },
      held: [],
      heldAdditions: [],
      recentlyEnded: rememberEnded(state.recentlyEnded ?? [], diff, now),
    },
    notices: [{ kind: 'confirmed', text: `an operator accepted ${what}` }],
  };
}
