/**
 * What /facilities, /totals <state> and /agreements <state> say of a state's detention: its
 * figures in the latest release with a facility list, the change since the one before, each
 * facility's own change (followed through renames), and the state's ADP over releases. Pure.
 */
import { trackFacilities, type FacilityRelease } from './facility-history';
import type { FacilityRow } from './facility-row';
import {
  compareStateFigures,
  releasesWithFacilities,
  stateFigures,
  type StateFacilityFigures,
  type StateFiguresChange,
} from './state-figures';

export interface FacilityWithChange {
  row: FacilityRow;
  /** Its ADP in the previous release when listed there in the same fiscal year; else null. */
  previousAdp: number | null;
  /** Not in the previous release's list (new, or back). */
  appeared: boolean;
  /** Its name in the previous release when ICE renamed it since. */
  previousName: string | null;
}

export interface StateDetentionView<R extends FacilityRelease> {
  latest: R;
  previous: R | null;
  figures: StateFacilityFigures;
  change: StateFiguresChange | null;
  /** The state's facilities in the latest release, largest ADP first. */
  facilities: FacilityWithChange[];
  /** The state's figures at every release with a list, oldest first (the chart's series). */
  series: StateFacilityFigures[];
}

/** The view of a state from `releases` (in order), or null when none carries a facility list. */
export function viewStateDetention<R extends FacilityRelease>(releases: readonly R[], stateCode: string): StateDetentionView<R> | null {
  const listed = releasesWithFacilities(releases);
  const latest = listed.at(-1);
  if (!latest) return null;
  const previous = listed.at(-2) ?? null;
  const figures = stateFigures(latest, stateCode);
  const history = trackFacilities(previous ? [previous, latest] : [latest]);
  const step = history.steps[0];
  const before = new Map<FacilityRow, FacilityRow>();
  for (const f of history.facilities) {
    const [a, b] = f.points;
    if (a && b) before.set(b.row, a.row);
  }
  const sameYear = previous?.fiscalYear === latest.fiscalYear;
  const facilities = figures.largest.length
    ? (latest.facilities ?? [])
        .filter((r) => r.state === stateCode)
        .sort((a, b) => b.adp - a.adp || a.name.localeCompare(b.name))
        .map((row) => {
          const old = before.get(row);
          return {
            row,
            previousAdp: old && sameYear ? old.adp : null,
            appeared: Boolean(step) && !old,
            previousName: old && old.name !== row.name ? old.name : null,
          };
        })
    : [];
  return {
    latest,
    previous,
    figures,
    change: previous ? compareStateFigures(stateFigures(previous, stateCode), figures) : null,
    facilities,
    series: listed.map((r) => stateFigures(r, stateCode)),
  };
}
