/**
 * A state's detention figures in one release, from ICE's facility list, and how they moved
 * since the previous release. ADP is fiscal-year-to-date: it restarts every October 1, so a
 * state's ADP is compared within one fiscal year only, as the national year-to-date totals
 * are (src/domain/totals/totals.ts); across a rollover the change says so instead.
 */
import type { FacilityRow } from './facility-row';
import type { FacilityRelease } from './facility-history';

/** Facilities named as a state's largest. */
export const LARGEST_FACILITIES = 5;

export interface StateFacilityFigures {
  stateCode: string;
  asOf: string;
  fiscalYear: number;
  facilities: number;
  /** The sum of the facilities' ADP (each the sum of its classification levels A-D). */
  adp: number;
  /** By facility type, largest ADP first. */
  byType: Array<{ type: string; facilities: number; adp: number }>;
  /** The largest facilities by ADP, at most LARGEST_FACILITIES. */
  largest: FacilityRow[];
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** The facility rows of one state, largest ADP first (ties by name). */
export function facilitiesOfState(rows: readonly FacilityRow[], stateCode: string): FacilityRow[] {
  return rows.filter((r) => r.state === stateCode).sort((a, b) => b.adp - a.adp || a.name.localeCompare(b.name));
}

/** A state's figures in a release (zeros where ICE lists no facility there). */
export function stateFigures(release: FacilityRelease, stateCode: string): StateFacilityFigures {
  const rows = facilitiesOfState(release.facilities ?? [], stateCode);
  const types = new Map<string, { type: string; facilities: number; adp: number }>();
  for (const row of rows) {
    const type = row.type || 'unknown';
    const entry = types.get(type) ?? { type, facilities: 0, adp: 0 };
    entry.facilities++;
    entry.adp = round6(entry.adp + row.adp);
    types.set(type, entry);
  }
  return {
    stateCode,
    asOf: release.asOf,
    fiscalYear: release.fiscalYear,
    facilities: rows.length,
    adp: round6(rows.reduce((sum, r) => sum + r.adp, 0)),
    byType: [...types.values()].sort((a, b) => b.adp - a.adp || a.type.localeCompare(b.type)),
    largest: rows.slice(0, LARGEST_FACILITIES),
  };
}

/** A state's ADP across two releases: a change within a fiscal year, or a new year's figure that does not compare. */
export type AdpChange =
  | { comparable: true; previous: number; next: number; change: number; percent: number | null }
  | { comparable: false; why: 'new-fiscal-year' | 'earlier-fiscal-year'; previous: number; previousFiscalYear: number; next: number };

export interface StateFiguresChange {
  previous: StateFacilityFigures;
  next: StateFacilityFigures;
  facilities: number;
  adp: AdpChange;
}

export function compareStateFigures(previous: StateFacilityFigures, next: StateFacilityFigures): StateFiguresChange {
  const adp: AdpChange =
    previous.fiscalYear === next.fiscalYear
      ? {
          comparable: true,
          previous: previous.adp,
          next: next.adp,
          change: round6(next.adp - previous.adp),
          percent: previous.adp > 0 ? ((next.adp - previous.adp) / previous.adp) * 100 : null,
        }
      : {
          comparable: false,
          why: next.fiscalYear > previous.fiscalYear ? 'new-fiscal-year' : 'earlier-fiscal-year',
          previous: previous.adp,
          previousFiscalYear: previous.fiscalYear,
          next: next.adp,
        };
  return { previous, next, facilities: next.facilities - previous.facilities, adp };
}

/** The releases that carry a facility list, in order (older stored ones lack it). */
export function releasesWithFacilities<R extends FacilityRelease>(releases: readonly R[]): R[] {
  return releases.filter((r) => r.facilities?.length);
}
