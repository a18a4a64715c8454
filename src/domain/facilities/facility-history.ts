/**
 * Facilities followed across every stored release: each gets an id the first time ICE lists
 * it, and keeps it through renames and spelling changes (facility-match.ts) and through
 * absences (ICE lists only facilities holding someone at its data pull, so a small jail drops
 * off and comes back). Releases without a facility list (stored before it was read, or with
 * the table refused) are skipped: the next list is compared with the last one there was.
 */
import { facilityKey, matchFacilities, type RenameEvidence } from './facility-match';
import type { FacilityRow } from './facility-row';

/** What the tracker needs of a release. */
export interface FacilityRelease {
  asOf: string;
  fiscalYear: number;
  facilities?: FacilityRow[];
}

/** One facility in one release where ICE listed it. */
export interface FacilityPoint {
  asOf: string;
  fiscalYear: number;
  row: FacilityRow;
}

export interface TrackedFacility {
  id: number;
  /** Every release that listed it, oldest first (the name as ICE wrote it each time). */
  points: FacilityPoint[];
}

/** How one release's list differs from the last one before it. */
export interface FacilityStep {
  previous: FacilityRelease;
  next: FacilityRelease;
  /** Listed for the first time ever (`returned: false`), or again after an absence (with when it was last listed). */
  appeared: Array<{ row: FacilityRow; returned: boolean; lastListed: string | null }>;
  left: FacilityRow[];
  renamed: Array<{ previous: FacilityRow; next: FacilityRow; evidence: RenameEvidence }>;
}

export interface FacilityHistory {
  facilities: TrackedFacility[];
  /** One step per release with a list after the first such release. */
  steps: FacilityStep[];
}

/** Follows the facilities of `releases` (in publication order). Pure. */
export function trackFacilities(releases: readonly FacilityRelease[]): FacilityHistory {
  const facilities: TrackedFacility[] = [];
  const byKey = new Map<string, TrackedFacility>();
  const steps: FacilityStep[] = [];
  let last: { release: FacilityRelease; ids: Map<FacilityRow, TrackedFacility> } | null = null;
  for (const release of releases) {
    if (!release.facilities?.length) continue;
    const ids = new Map<FacilityRow, TrackedFacility>();
    const add = (row: FacilityRow, tracked: TrackedFacility) => {
      ids.set(row, tracked);
      tracked.points.push({ asOf: release.asOf, fiscalYear: release.fiscalYear, row });
      byKey.set(facilityKey(row), tracked);
    };
    if (!last) {
      for (const row of release.facilities) add(row, newFacility(facilities));
    } else {
      const match = matchFacilities(last.release.facilities!, release.facilities);
      const step: FacilityStep = { previous: last.release, next: release, appeared: [], left: match.left, renamed: [] };
      for (const pair of match.same) {
        add(pair.next, last.ids.get(pair.previous)!);
        if (pair.evidence !== 'same-name') step.renamed.push({ previous: pair.previous, next: pair.next, evidence: pair.evidence });
      }
      for (const row of match.appeared) {
        const known = byKey.get(facilityKey(row));
        // A facility listed before under this name (absent from the last list only) is back, not new.
        const back = known && ![...ids.values()].includes(known) ? known : undefined;
        step.appeared.push({ row, returned: Boolean(back), lastListed: back?.points.at(-1)?.asOf ?? null });
        add(row, back ?? newFacility(facilities));
      }
      steps.push(step);
    }
    last = { release, ids };
  }
  return { facilities, steps };
}

function newFacility(all: TrackedFacility[]): TrackedFacility {
  const tracked = { id: all.length + 1, points: [] };
  all.push(tracked);
  return tracked;
}
