import { eventFields, type ListEvent } from './events';
import { groupAgreements, type AgreementGroup } from './identity';
import { dateChange, pairAgreements, type AgreementPair } from './pairing';
import type { Agreement, ListKind } from '../types';

/** What changed between two lists, agreement by agreement (see identity.ts). */
export interface ListDiff {
  events: ListEvent[];
  /** Agreements (the row that stands for each) that left the list and that nothing pairs with. */
  ended: Agreement[];
  /** Agreements that joined the list: new, or back on it (`relisted`). */
  signed: Agreement[];
  renamed: number;
  /** The remembered endings (`DiffOptions.ended` rows) that are back on the list. */
  relistedFrom: Agreement[];
}

/** An agreement announced as no longer listed, remembered so that its return is a relisting, not news. */
export interface EndedAgreement {
  row: Agreement;
  /** When its ending was announced (ISO 8601). */
  since: string;
}

export interface DiffOptions {
  /** When the earlier list was last seen (ISO 8601): the "last listed" time of its endings. */
  lastListedAt?: string | null;
  /** Agreements announced as ended before: one back with the same SIGNED date is `agreement.relisted`. */
  ended?: readonly EndedAgreement[];
}

/** Counts agreements per state (by USPS code, or the published name when unknown). */
export function countByState(rows: Iterable<Agreement>): Map<string, { state: string; stateCode: string | null; total: number }> {
  const counts = new Map<string, { state: string; stateCode: string | null; total: number }>();
  for (const r of rows) {
    const key = r.stateCode ?? r.state;
    const c = counts.get(key);
    if (c) c.total++;
    else counts.set(key, { state: r.state, stateCode: r.stateCode, total: 1 });
  }
  return counts;
}

/**
 * Diffs two lists of the same kind, agreement by agreement: rows ICE printed twice count
 * once, and a row that left is paired with a row that joined when the evidence says they
 * are one agreement (`pairAgreements`). For the participating list: `agreement.signed`,
 * `agreement.ended`, `agreement.relisted` (back with the same SIGNED date after an
 * announced ending), `agreement.renamed` (the printed name or state changed; with the
 * evidence), `agreement.corrected` and `agreement.renewed` (the SIGNED date changed; see
 * `dateChange`), `state.first` and `state.cleared`. For the pending list:
 * `pending.added` and `pending.removed` (renames there are corrections of a request, not
 * news, and give no event). Events come sorted by state, then type, then agency, so the
 * output is stable whatever the row order.
 */
export function diffLists(previous: readonly Agreement[], next: readonly Agreement[], kind: ListKind, opts: DiffOptions = {}): ListDiff {
  const before = groupAgreements(previous);
  const after = groupAgreements(next);
  const afterByKey = new Map<string, AgreementGroup>();
  for (const g of after) afterByKey.set(g.key, g);
  // Pairs whose printed fields changed (an unchanged agreement needs no pair: lists run to 100,000 rows).
  const pairs: AgreementPair[] = [];
  const removed: AgreementGroup[] = [];
  for (const g of before) {
    const same = afterByKey.get(g.key);
    if (!same) {
      removed.push(g);
      continue;
    }
    afterByKey.delete(g.key);
    const [a, b] = [g.row, same.row];
    if (a.agencyKey !== b.agencyKey || a.signed !== b.signed || a.stateCode !== b.stateCode || a.state !== b.state) {
      pairs.push({ from: g, to: same, evidence: sharesDocument(g, same) ? 'same-document' : 'same-name' });
    }
  }
  const added = [...afterByKey.values()];
  const moved = pairAgreements(removed, added);
  pairs.push(...moved);
  const pairedFrom = new Set(moved.map((p) => p.from));
  const pairedTo = new Set(moved.map((p) => p.to));
  const joined = added.filter((g) => !pairedTo.has(g));
  const ended = removed.filter((g) => !pairedFrom.has(g));

  const events: ListEvent[] = [];
  let renamed = 0;
  const back = kind === 'participating' ? relistings(joined, opts.ended ?? []) : new Map<AgreementGroup, Relisting>();
  if (kind === 'participating') {
    for (const { from, to, evidence } of pairs) {
      const [a, b] = [from.row, to.row];
      const moved = (a.stateCode ?? a.state) !== (b.stateCode ?? b.state);
      if (moved || a.agencyKey !== b.agencyKey || from.key !== to.key) {
        renamed++;
        events.push({
          type: 'agreement.renamed',
          previousAgency: a.agency,
          previousState: moved ? a.state : null,
          previousStateCode: moved ? a.stateCode : null,
          evidence,
          ...eventFields(b),
        });
      }
      const change = evidence === 're-signed' ? 'renewed' : dateChange(from, to);
      if (change === 'renewed')
        events.push({ type: 'agreement.renewed', previousSigned: a.signed, previousMoaUrl: a.moaUrl, ...eventFields(b) });
      if (change === 'corrected') events.push({ type: 'agreement.corrected', previousSigned: a.signed, evidence, ...eventFields(b) });
    }
    for (const g of joined) {
      const was = back.get(g);
      events.push(
        was
          ? { type: 'agreement.relisted', missingSince: was.since, ...eventFields(g.row) }
          : { type: 'agreement.signed', ...eventFields(g.row) },
      );
    }
    for (const g of ended) events.push({ type: 'agreement.ended', lastListedAt: opts.lastListedAt ?? null, ...eventFields(g.row) });
    const countsBefore = countByState(before.map((g) => g.row));
    const countsAfter = countByState(after.map((g) => g.row));
    for (const [key, c] of countsAfter) {
      if (!countsBefore.has(key)) events.push({ type: 'state.first', state: c.state, stateCode: c.stateCode, total: c.total });
    }
    for (const [key, c] of countsBefore) {
      if (!countsAfter.has(key)) events.push({ type: 'state.cleared', state: c.state, stateCode: c.stateCode, previousTotal: c.total });
    }
  } else {
    for (const g of joined) events.push({ type: 'pending.added', ...eventFields(g.row) });
    for (const g of ended) events.push({ type: 'pending.removed', ...eventFields(g.row) });
  }
  events.sort(compareEvents);
  return {
    events,
    ended: ended.map((g) => g.row),
    signed: joined.map((g) => g.row),
    renamed,
    relistedFrom: [...back.values()].flatMap((b) => b.rows),
  };
}

function sharesDocument(a: AgreementGroup, b: AgreementGroup): boolean {
  return a.documents.some((d) => b.documents.includes(d));
}

/**
 * The joined agreements that are ended ones back on the list: paired by the same evidence
 * as a rename, with the same SIGNED date (a different date is a new agreement). Moore
 * County Sheriff's Office (Tennessee, WSO, 2025-08-28) was missing from one list of
 * 2025-09-02 and back in the next.
 */
interface Relisting {
  since: string;
  /** The remembered rows it pairs with. */
  rows: Agreement[];
}

function relistings(joined: readonly AgreementGroup[], ended: readonly EndedAgreement[]): Map<AgreementGroup, Relisting> {
  const back = new Map<AgreementGroup, Relisting>();
  if (!joined.length || !ended.length) return back;
  const sinceOf = new Map(ended.map((e) => [e.row, e.since]));
  for (const p of pairAgreements(groupAgreements(ended.map((e) => e.row)), joined)) {
    if (p.from.row.signed !== p.to.row.signed) continue;
    back.set(p.to, {
      since: p.from.rows
        .map((r) => sinceOf.get(r)!)
        .sort()
        .at(-1)!,
      rows: p.from.rows,
    });
  }
  return back;
}

const TYPE_ORDER: Record<ListEvent['type'], number> = {
  'state.first': 0,
  'agreement.signed': 1,
  'agreement.renewed': 2,
  'agreement.relisted': 3,
  'agreement.renamed': 4,
  'agreement.corrected': 5,
  'agreement.ended': 6,
  'state.cleared': 7,
  'pending.signed': 8,
  'pending.added': 9,
  'pending.removed': 10,
};

function compareEvents(a: ListEvent, b: ListEvent): number {
  const sa = a.state;
  const sb = b.state;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (a.type !== b.type) return TYPE_ORDER[a.type] - TYPE_ORDER[b.type];
  const aa = 'agency' in a ? a.agency : '';
  const ab = 'agency' in b ? b.agency : '';
  if (aa !== ab) return aa < ab ? -1 : 1;
  // One agency often signs several models at once: order them too, so the output never follows row order.
  const ma = 'model' in a ? a.model : '';
  const mb = 'model' in b ? b.model : '';
  return ma < mb ? -1 : ma > mb ? 1 : 0;
}
