/**
 * The checks guards.ts runs on a publication before it diffs it: ICE's swapped files, a list
 * that goes back in time, and cells that are not data. Each takes values and returns a
 * reason to refuse (or the repaired rows); the worked examples are ICE's real publications.
 */
import { activeAgreements, agreementKey } from './identity';
import { contentHashOf } from './snapshot';
import { MODELS, type Agreement, type Snapshot } from '../types';
import type { OperatorNotice } from '../alerts/operator-notice';

/** An older accepted list of the source, for the stale-list guard. */
export interface OlderList {
  rows: readonly Agreement[];
  fileName: string;
  fetchedAt: string;
}

/** How far apart two lists are: the agreements (with their SIGNED dates) that only one of them has. */
function distance(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let d = 0;
  for (const k of a) if (!b.has(k)) d++;
  for (const k of b) if (!a.has(k)) d++;
  return d;
}

function datedKeys(rows: readonly Agreement[]): Set<string> {
  return new Set(activeAgreements(rows).map((r) => `${agreementKey(r)}|${r.signed}`));
}

/**
 * A list is stale when it is within a few agreements (1%, at least 2) of an older accepted
 * list, while the lists since that one moved at least three times as far (and at least 10
 * agreements): it would undo that history. A list that undoes one or two rows is judged as
 * usual: only a list going back in time wholesale is refused.
 */
export function detectStale(current: Snapshot, candidate: Snapshot, older: readonly OlderList[]): string | null {
  if (!older.length) return null;
  const cand = datedKeys(candidate.rows);
  const accepted = datedKeys(current.rows);
  for (const list of older) {
    const old = datedKeys(list.rows);
    const tolerance = Math.max(2, Math.ceil(0.01 * old.size));
    const back = distance(cand, old);
    if (back > tolerance) continue;
    const span = distance(old, accepted);
    if (span < Math.max(10, 3 * tolerance) || distance(cand, accepted) <= back) continue;
    const same = back === 0 ? 'holds the same agreements as' : `is within ${back} agreements of`;
    return (
      `the list goes back in time: it ${same} the older list ${list.fileName} (fetched ${list.fetchedAt.slice(0, 10)}), ` +
      `which later lists changed by ${span} agreements; nothing in it is alerted, and the next list is judged against ${current.meta.fileName}`
    );
  }
  return null;
}

/** Text Excel shows for a formula that failed: #REF!, #N/A, #VALUE!, #DIV/0!, #NAME?, #NUM!, #NULL!, #SPILL!, #CALC!. */
const EXCEL_ERROR = /^#[A-Z0-9/]+[!?]?$/i;

/** A row whose state, model and agency are data: a U.S. state or territory, JEM/TFM/WSO, a name. */
function isReadable(r: Agreement): boolean {
  return r.stateCode !== null && (MODELS as readonly string[]).includes(r.model) && r.agency !== '' && !EXCEL_ERROR.test(r.agency);
}

/**
 * Cells that are not data are not data. A row whose STATE, SUPPORT TYPE or agency is an
 * Excel error (`#REF!`, `#DIV/0!`), blank, or no U.S. state or territory (`__proto__`,
 * `<!channel>`) is never a state, a model or an event: when the last accepted list has the
 * same agreement (same agency, SIGNED date, and whichever of state and model is readable),
 * the row keeps that state and model, so a broken column is no wave of endings and
 * signings; otherwise it is left out. Either way operators are told how many.
 */
export function withReadableRows(
  candidate: Snapshot,
  previousRows: readonly Agreement[],
): { snapshot: Snapshot; notice: OperatorNotice | null } {
  const bad = candidate.rows.filter((r) => !isReadable(r));
  if (!bad.length) return { snapshot: candidate, notice: null };
  const earlier = new Map<string, Agreement[]>();
  for (const r of previousRows) {
    const k = `${r.agencyKey}|${r.signed}`;
    const list = earlier.get(k);
    if (list) list.push(r);
    else earlier.set(k, [r]);
  }
  let kept = 0;
  const repaired = new Map<Agreement, Agreement>();
  for (const r of bad) {
    const matches = (earlier.get(`${r.agencyKey}|${r.signed}`) ?? []).filter(
      (p) =>
        (r.stateCode === null || p.stateCode === r.stateCode) && (!(MODELS as readonly string[]).includes(r.model) || p.model === r.model),
    );
    if (matches.length === 1 && r.agency !== '' && !EXCEL_ERROR.test(r.agency)) {
      repaired.set(r, { ...r, state: matches[0].state, stateCode: matches[0].stateCode, model: matches[0].model });
      kept++;
    }
  }
  const rows = candidate.rows.flatMap((r) => (isReadable(r) ? [r] : repaired.has(r) ? [repaired.get(r)!] : []));
  const shown = [
    ...new Set(
      bad
        .flatMap((r) => [r.stateCode === null ? r.state : null, (MODELS as readonly string[]).includes(r.model) ? null : r.model])
        .filter((v): v is string => Boolean(v)),
    ),
  ]
    .slice(0, 5)
    .map((v) => JSON.stringify(v.slice(0, 40)));
  const text =
    `${candidate.meta.fileName}: ${bad.length} ${bad.length === 1 ? 'row has' : 'rows have'} no readable state, model or agency` +
    `${shown.length ? ` (${shown.join(', ')})` : ''}: ${kept} kept as in the last list, ${bad.length - kept} left out; none of them is news`;
  return {
    snapshot: { ...candidate, rows, contentHash: contentHashOf(rows), warnings: [...candidate.warnings, text] },
    notice: { kind: 'unreadable', text },
  };
}

/**
 * ICE swapped its two files on 2025-09-22: the "participating" URL served the pending
 * list (no SIGNED column) and the "pending" URL the participating list. Either half is refused.
 */
export function detectSwap(candidate: Snapshot, participating: readonly Agreement[] | undefined): string | null {
  const kind = candidate.detectedKind;
  if (candidate.source === 'participating' && kind === 'pending') {
    return 'the participating file has no SIGNED column: it looks like the pending list (ICE swapped the two files on 2025-09-22)';
  }
  if (candidate.source === 'pending' && kind === 'participating') {
    return 'the pending file has a SIGNED column: it looks like the participating list (ICE swapped the two files on 2025-09-22)';
  }
  if (candidate.source === 'pending' && participating && participating.length > 0) {
    if (contentHashOf(participating) === candidate.contentHash) return 'the pending file holds the participating list';
  }
  return null;
}
