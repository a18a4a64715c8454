/**
 * Which agreement of an earlier list is which of a later one: ICE renames, re-dates and moves
 * rows, and publishes no ID. `pairAgreements` pairs the groups (identity.ts) that left a list
 * with those that joined it, strongest evidence first; `dateChange` says whether a paired
 * agreement's new SIGNED date is a renewal or a correction. Pure; ICE's own examples below.
 */
import { agencyLocality, canonicalAgencyName } from './agency';
import type { MatchEvidence } from './events';
import { groupBy, namesAUnit, nearNameDistance, push, sameCountyIfBoth, sameNumbers, type AgreementGroup } from './identity';

const ALL_TIERS: ReadonlySet<MatchEvidence> = new Set([
  'same-document',
  'same-name',
  'near-name',
  'named-unit',
  'same-place',
  'moved-state',
  're-signed',
]);

/** A group of an earlier list and a group of a later list judged one agreement, and why. */
export interface AgreementPair {
  from: AgreementGroup;
  to: AgreementGroup;
  evidence: MatchEvidence;
}

/**
 * Pairs the agreements that left a list with those that joined it when the evidence says
 * they are one agreement, strongest evidence first; each agreement pairs at most once, and
 * anything left unpaired is a real ending or signing. The tiers, with ICE's own examples:
 *
 * 1. same-document: both link the same MOA or addendum PDF, same state and model. "City of Miami
 *    Springs Police Department" -> "Miami Springs Police Department" (July 2025);
 *    "Okaloosa County Sheriff's Office" -> "Okaloosa County Department of Corrections"
 *    (WSO, okaloosaCoCommishBoard_WSO_MOA_02262025.pdf); "Florida Department of
 *    Agriculture" -> "Office of Aggricultural Law Enforcement" -> "Office of Agricultural
 *    Law Enforcement". The SIGNED date may differ: that is a correction or a renewal.
 * 2. same-name: the folded names are equal (see `canonicalAgencyName`), same state and
 *    model, whatever the date: "Tampa PD" -> "Tampa Police Department".
 * 3. near-name: same state, model and SIGNED date, folded names within one edit per ten
 *    letters, and the place named within one edit per five of its letters: "Lampass County
 *    Sheriff's Office" -> "Lampasas County ...", "Somerville" -> "Somervell", "Indialantic"
 *    -> "Indiatlantic". "Pima County" / "Pinal County" (two edits in four letters) stay apart.
 * 4. named-unit: same state, model and date, and one name is the other with a unit named:
 *    "Board of County Commissioners" -> "Board of County Commissioners / Department of
 *    Corrections".
 * 5. same-place: the only agreement that left and the only one that joined in one state,
 *    model and SIGNED date, serving the same place ("Pasco County BOCC" -> "Pasco County
 *    Sheriff's Office", TFM, 2025-02-26; in Virginia a city and the county of its name are
 *    one place: "Hopewell County Sheriff's Office" <-> "Hopewell Sheriff's Office").
 *    Different agencies of one county leaving and joining with the very same date is far
 *    less likely than ICE editing a name.
 * 6. moved-state: the same folded name, model and date in another state (ICE moved Cass
 *    County Sheriff's Office from Montana to Minnesota, Lake Placid Police Department from
 *    New York to Florida).
 *
 * 7. re-signed: see `pairReSignings` (a later date and a new MOA, one office).
 *
 * Distinct agencies never pair: "Melbourne Beach Police Department" / "Melbourne Police
 * Department", "University of Florida" / "University of West Florida", "Florida
 * Department of Law Enforcement" / "Florida Department of Environmental Protection,
 * Division of Law Enforcement" differ in folded name, place and unit; below the document
 * and name tiers, names with different numbers never pair ("Constable's Office Pct.1" /
 * "Pct.4").
 */
export function pairAgreements(
  removed: readonly AgreementGroup[],
  added: readonly AgreementGroup[],
  tiers: ReadonlySet<MatchEvidence> = ALL_TIERS,
): AgreementPair[] {
  const pairing: Pairing = { pairs: [], freeRemoved: new Set(sortedByKey(removed)), freeAdded: new Set(sortedByKey(added)) };
  if (removed.length === 0 || added.length === 0) return pairing.pairs;
  if (tiers.has('same-document')) pairByDocument(pairing);
  if (tiers.has('same-name')) pairByName(pairing);
  if (tiers.has('near-name') || tiers.has('named-unit')) pairByCloseName(pairing, tiers);
  if (tiers.has('same-place')) pairByPlace(pairing);
  if (tiers.has('moved-state')) pairAcrossStates(pairing);
  if (tiers.has('re-signed')) pairReSignings(pairing);
  return pairing.pairs;
}

/** The pairs found so far and what is still unpaired, in key order (the result never follows ICE's row order). */
interface Pairing {
  pairs: AgreementPair[];
  freeRemoved: Set<AgreementGroup>;
  freeAdded: Set<AgreementGroup>;
}

function take(p: Pairing, from: AgreementGroup, to: AgreementGroup, evidence: MatchEvidence): void {
  p.pairs.push({ from, to, evidence });
  p.freeRemoved.delete(from);
  p.freeAdded.delete(to);
}

const stateOf = (g: AgreementGroup) => g.row.stateCode ?? g.row.state;
const slotOf = (g: AgreementGroup) => `${stateOf(g)}|${g.row.model}|${g.row.signed}`;

/** 1. The same document, when only one agreement on each side links it. */
function pairByDocument(p: Pairing): void {
  const documentSlot = (g: AgreementGroup, d: string) => `${stateOf(g)}|${g.row.model}|${d}`;
  const addedByDocument = new Map<string, AgreementGroup[]>();
  for (const to of p.freeAdded) for (const d of to.documents) push(addedByDocument, documentSlot(to, d), to);
  const removedByDocument = new Map<string, AgreementGroup[]>();
  for (const from of p.freeRemoved) for (const d of from.documents) push(removedByDocument, documentSlot(from, d), from);
  for (const from of [...p.freeRemoved]) {
    for (const d of [...from.documents].sort()) {
      const k = documentSlot(from, d);
      const tos = addedByDocument.get(k) ?? [];
      if (tos.length === 1 && removedByDocument.get(k)!.length === 1 && p.freeAdded.has(tos[0])) {
        take(p, from, tos[0], 'same-document');
        break;
      }
    }
  }
}

/** 2. The same folded name, state and model. */
function pairByName(p: Pairing): void {
  const addedByKey = new Map<string, AgreementGroup>();
  for (const to of p.freeAdded) addedByKey.set(to.key, to);
  for (const from of [...p.freeRemoved]) {
    const to = addedByKey.get(from.key);
    if (to && p.freeAdded.has(to)) take(p, from, to, 'same-name');
  }
}

/** 3 and 4: within one state + model + SIGNED slot, the closest misspelt name, else a name with a unit named. */
function pairByCloseName(p: Pairing, tiers: ReadonlySet<MatchEvidence>): void {
  const addedBySlot = groupBy(p.freeAdded, slotOf);
  for (const from of [...p.freeRemoved]) {
    let best: AgreementGroup | null = null;
    let bestScore = Infinity;
    let bestEvidence: MatchEvidence = 'near-name';
    for (const to of addedBySlot.get(slotOf(from)) ?? []) {
      if (!p.freeAdded.has(to)) continue;
      const near = tiers.has('near-name') ? nearNameDistance(from.row, to.row) : null;
      if (near !== null && near < bestScore) [best, bestScore, bestEvidence] = [to, near, 'near-name'];
      else if (near === null && bestScore === Infinity && tiers.has('named-unit') && namesAUnit(from.row, to.row))
        [best, bestEvidence] = [to, 'named-unit'];
    }
    if (best) take(p, from, best, bestEvidence);
  }
}

/** 5. The one agreement left and the one joined in a slot, serving the same place. */
function pairByPlace(p: Pairing): void {
  const remainingAdded = groupBy(p.freeAdded, slotOf);
  for (const [slot, froms] of groupBy(p.freeRemoved, slotOf)) {
    const tos = remainingAdded.get(slot);
    if (froms.length !== 1 || !tos || tos.length !== 1) continue;
    const [from, to] = [froms[0], tos[0]];
    const place = agencyLocality(from.row.agency, from.row.stateCode);
    if (
      place &&
      place === agencyLocality(to.row.agency, to.row.stateCode) &&
      sameCountyIfBoth(from.row, to.row) &&
      sameNumbers(from.row, to.row)
    ) {
      take(p, from, to, 'same-place');
    }
  }
}

/** 6. The same agency, model and date in another state. */
function pairAcrossStates(p: Pairing): void {
  const movedKey = (g: AgreementGroup) => `${canonicalAgencyName(g.row.agency)}|${g.row.model}|${g.row.signed}`;
  const addedByName = groupBy(p.freeAdded, movedKey);
  for (const from of [...p.freeRemoved]) {
    const to = (addedByName.get(movedKey(from)) ?? []).find((t) => p.freeAdded.has(t) && stateOf(t) !== stateOf(from));
    if (to) take(p, from, to, 'moved-state');
  }
}

/**
 * 7. A re-signing under a fuller name: the only agreement that left and the only one that
 * joined in one state and model for one office, the new one signed later with a MOA
 * document the old one did not have. The office is the same when one name is the other
 * with a unit named ("Florida Department of Financial Services" -> "Florida Department of
 * Financial Services, Criminal Investigation Division", 2025-03-25 -> 2025-07-24, a new
 * MOA), or when both serve the same place as the same kind of agency (the TYPE column) with
 * the same numbers. The old agreement did not end: it was superseded.
 */
function pairReSignings(p: Pairing): void {
  const officeSlot = (g: AgreementGroup) => `${stateOf(g)}|${g.row.model}`;
  const addedBySlot = groupBy(p.freeAdded, officeSlot);
  const removedBySlot = groupBy(p.freeRemoved, officeSlot);
  for (const [slot, froms] of removedBySlot) {
    for (const from of froms) {
      const candidates = (addedBySlot.get(slot) ?? []).filter((to) => p.freeAdded.has(to) && supersedes(from, to));
      // Unique both ways: one office, one old agreement, one new one.
      if (candidates.length !== 1 || froms.filter((f) => supersedes(f, candidates[0])).length !== 1) continue;
      take(p, from, candidates[0], 're-signed');
    }
  }
}

function supersedes(from: AgreementGroup, to: AgreementGroup): boolean {
  const [a, b] = [from.row, to.row];
  if (!a.signed || !b.signed || b.signed <= a.signed) return false;
  if (!to.documents.some((d) => !from.documents.includes(d))) return false;
  if (namesAUnit(a, b)) return true;
  const place = agencyLocality(a.agency, a.stateCode);
  return (
    place !== '' &&
    place === agencyLocality(b.agency, b.stateCode) &&
    a.type !== null &&
    a.type === b.type &&
    sameNumbers(a, b) &&
    sameCountyIfBoth(a, b)
  );
}

function sortedByKey(groups: readonly AgreementGroup[]): AgreementGroup[] {
  return [...groups].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

/** How many days apart two ISO dates are. */
function daysBetween(a: string, b: string): number {
  return Math.abs(Date.parse(b) - Date.parse(a)) / 86_400_000;
}

/** A date moved further than this while the old document is gone and no new one is posted reads as a re-signing, not a typo. */
const RESIGNING_DAYS = 90;

/**
 * What a change of SIGNED date between two rows of one agreement means:
 * - `renewed`: a new agreement document, dated later (a new MOA or addendum link; or the
 *   old document gone, no new one yet, and a date months later: a re-signing still "link pending");
 * - `corrected`: anything else: the same document, or a document still pending
 *   (St. Lucie County 2025-02-19 -> 02-26 and Rockwall County 07-07 -> 07-08 were re-dated
 *   as their MOA links were posted; Jim Wells County 02-27 -> 02-28 kept its MOA);
 * - null: no change, or one of the dates is unknown (an unreadable date never makes a
 *   renewal or a correction out of a later, readable one).
 */
export function dateChange(from: AgreementGroup, to: AgreementGroup): 'renewed' | 'corrected' | null {
  const [before, after] = [from.row.signed, to.row.signed];
  if (!before || !after || before === after) return null;
  if (after < before) return 'corrected';
  const [oldDocs, newDocs] = [from.documents, to.documents];
  if (oldDocs.length === 0) return 'corrected';
  if (newDocs.length > 0) return newDocs.some((d) => !oldDocs.includes(d)) ? 'renewed' : 'corrected';
  return daysBetween(before, after) > RESIGNING_DAYS ? 'renewed' : 'corrected';
}
