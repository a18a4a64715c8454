import { eventFields, type ListEvent } from './events';
import { matchRenames } from './renames';
import { agreementIdentity, type Agreement, type ListKind } from './types';

/** What changed between two lists, by agreement identity (state + normalized agency + model). */
export interface ListDiff {
  events: ListEvent[];
  /** Rows whose identity left the list and that no rename explains. */
  ended: Agreement[];
  signed: Agreement[];
  renamed: number;
}

/**
 * Indexes a list by identity. ICE sometimes lists one identity twice (a re-signing
 * left beside the old row); the row with the latest SIGNED date stands for it. Between
 * two rows with the same date the choice must not depend on the row order (ICE re-sorts
 * its files): the greater by `rowOrderKey` wins.
 */
export function indexByIdentity(rows: readonly Agreement[]): Map<string, Agreement> {
  const byId = new Map<string, Agreement>();
  for (const row of rows) {
    const id = agreementIdentity(row);
    const seen = byId.get(id);
    const [a, b] = [row.signed ?? '', seen?.signed ?? ''];
    if (!seen || a > b || (a === b && rowOrderKey(row) > rowOrderKey(seen))) byId.set(id, row);
  }
  return byId;
}

/** Every published field of a row, for choosing between rows of one identity without regard to their order. */
function rowOrderKey(r: Agreement): string {
  return [r.agency, r.state, r.type, r.county, r.moaUrl, r.addendumUrl].join('\u001f');
}

/** The rows sorted by identity (each identity computed once: removed and added can be 100,000 rows). */
function sortedByIdentity(rows: readonly Agreement[]): Agreement[] {
  return rows
    .map((row) => [agreementIdentity(row), row] as const)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([, row]) => row);
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
 * Diffs two lists of the same kind. For the participating list: `agreement.signed`,
 * `agreement.ended`, `agreement.renewed` (same identity, later SIGNED date),
 * `agreement.renamed` (see `matchRenames`), `state.first` and `state.cleared`.
 * For the pending list: `pending.added` and `pending.removed` (renames there are
 * corrections of a request, not news, and give no event). Events come sorted by
 * state, then type, then agency, so output is stable whatever the row order.
 */
export function diffLists(previous: readonly Agreement[], next: readonly Agreement[], kind: ListKind): ListDiff {
  const before = indexByIdentity(previous);
  const after = indexByIdentity(next);
  const removed: Agreement[] = [];
  const added: Agreement[] = [];
  const events: ListEvent[] = [];
  for (const [id, row] of before) if (!after.has(id)) removed.push(row);
  for (const [id, row] of after) {
    const old = before.get(id);
    if (!old) added.push(row);
    else if (kind === 'participating' && row.signed && (!old.signed || row.signed > old.signed)) {
      events.push({ type: 'agreement.renewed', previousSigned: old.signed, previousMoaUrl: old.moaUrl, ...eventFields(row) });
    }
  }
  // Rename candidates are tried in identity order, not row order: which rows pair up must not depend on how ICE sorted the file.
  const renames = matchRenames(sortedByIdentity(removed), sortedByIdentity(added));
  const renamedFrom = new Set(renames.map((p) => p.from));
  const renamedTo = new Set(renames.map((p) => p.to));
  const ended = removed.filter((r) => !renamedFrom.has(r));
  const signed = added.filter((r) => !renamedTo.has(r));

  if (kind === 'participating') {
    for (const r of signed) events.push({ type: 'agreement.signed', ...eventFields(r) });
    for (const r of ended) events.push({ type: 'agreement.ended', lastListedAt: null, ...eventFields(r) });
    for (const { from, to, rule } of renames) {
      const moved = (from.stateCode ?? from.state) !== (to.stateCode ?? to.state);
      events.push({
        type: 'agreement.renamed',
        previousAgency: from.agency,
        previousState: moved ? from.state : null,
        previousStateCode: moved ? from.stateCode : null,
        evidence: rule,
        ...eventFields(to),
      });
    }
    const countsBefore = countByState(before.values());
    const countsAfter = countByState(after.values());
    for (const [key, c] of countsAfter) {
      if (!countsBefore.has(key)) events.push({ type: 'state.first', state: c.state, stateCode: c.stateCode, total: c.total });
    }
    for (const [key, c] of countsBefore) {
      if (!countsAfter.has(key)) {
        events.push({ type: 'state.cleared', state: c.state, stateCode: c.stateCode, previousTotal: c.total });
      }
    }
  } else {
    for (const r of signed) events.push({ type: 'pending.added', ...eventFields(r) });
    for (const r of ended) events.push({ type: 'pending.removed', ...eventFields(r) });
  }
  events.sort(compareEvents);
  return { events, ended, signed, renamed: renames.length };
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
