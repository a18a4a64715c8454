import { agencyLocality, canonicalAgencyName } from './agency';
import { editDistance } from './text';
import type { Agreement } from './types';

/** A removed row and an added row judged to be one agreement under a corrected name or state. */
export interface RenamePair {
  from: Agreement;
  to: Agreement;
  rule: 'same-name' | 'near-name' | 'same-place' | 'moved-state';
}

/**
 * Pairs rows that left a list with rows that joined it when they are one agreement
 * whose name (or state) ICE corrected, so that a correction is one `agreement.renamed`
 * instead of an ending plus a signing. Both rows must share the model and the SIGNED
 * date: a rename never changes when the agreement was signed. Then, in this order:
 *
 * 1. same-name: the canonical names are equal once abbreviations are expanded and a
 *    state-name prefix dropped. Real pairs from 2025-03-06 -> 2025-03-17:
 *    "Tampa PD" -> "Tampa Police Department", "Panama City Beach Police Dept." ->
 *    "Panama City Beach Police Department", "Gulf County BOCC" -> "Gulf County Board of
 *    County Commissioners", "Department of Corrections" -> "Alaska Department of
 *    Corrections", "Office of the Attorney General" -> "Texas Office of the Attorney General".
 * 2. near-name: canonical names within one edit per ten letters (typo fixes such as
 *    "16th Judicial Distric Drug Task Force" -> "... District ...").
 * 3. same-place: the only removed and the only added row of that state, model and date
 *    that serve the same place ("Pasco County BOCC" -> "Pasco County Sheriff's Office",
 *    both TFM, signed 2025-02-26). Two different agencies of one county ending and
 *    starting with the very same SIGNED date is far less likely than a correction.
 * 4. moved-state: the same agency key in another state (ICE moved Cass County Sheriff's
 *    Office from Montana to Minnesota, and Lake Placid Police Department from New York
 *    to Florida, keeping the SIGNED date).
 *
 * Anything left unpaired is a real ending or signing.
 */
export function matchRenames(removed: Agreement[], added: Agreement[]): RenamePair[] {
  const pairs: RenamePair[] = [];
  if (removed.length === 0 || added.length === 0) return pairs;
  const freeRemoved = new Set(removed);
  const freeAdded = new Set(added);
  const take = (from: Agreement, to: Agreement, rule: RenamePair['rule']) => {
    pairs.push({ from, to, rule });
    freeRemoved.delete(from);
    freeAdded.delete(to);
  };
  const canon = new Map<Agreement, string>();
  const canonOf = (a: Agreement) => {
    let c = canon.get(a);
    if (c === undefined) canon.set(a, (c = canonicalAgencyName(a.agency)));
    return c;
  };
  // Candidates are only ever compared within one state + model + SIGNED slot (rules 1-3)
  // or one model + SIGNED + name slot (rule 4), so large diffs stay linear.
  const slotOf = (a: Agreement) => `${a.stateCode ?? a.state}|${a.model}|${a.signed}`;
  const addedBySlot = groupBy(added, slotOf);

  // Rules 1 and 2: best-scoring candidate in the slot.
  for (const from of removed) {
    let best: Agreement | null = null;
    let bestScore = Infinity;
    const a = canonOf(from);
    for (const to of addedBySlot.get(slotOf(from)) ?? []) {
      if (!freeAdded.has(to)) continue;
      const b = canonOf(to);
      const allowed = Math.floor(Math.min(a.length, b.length) / 10);
      const d = a === b ? 0 : editDistance(a, b, allowed);
      if (d <= allowed && d < bestScore) {
        best = to;
        bestScore = d;
      }
    }
    if (best) take(from, best, bestScore === 0 ? 'same-name' : 'near-name');
  }

  // Rule 3: the one remaining removed and added row of a slot, serving the same place.
  const remainingAdded = groupBy(freeAdded, slotOf);
  for (const [slot, froms] of groupBy(freeRemoved, slotOf)) {
    const tos = remainingAdded.get(slot);
    if (froms.length !== 1 || !tos || tos.length !== 1) continue;
    const place = agencyLocality(froms[0].agency);
    if (place && place === agencyLocality(tos[0].agency)) take(froms[0], tos[0], 'same-place');
  }

  // Rule 4: the same agency, model and date in another state.
  const movedKey = (a: Agreement) => `${canonOf(a)}|${a.model}|${a.signed}`;
  const addedByName = groupBy(freeAdded, movedKey);
  for (const from of [...freeRemoved]) {
    const to = (addedByName.get(movedKey(from)) ?? []).find((t) => freeAdded.has(t));
    if (to) take(from, to, 'moved-state');
  }
  return pairs;
}

function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
