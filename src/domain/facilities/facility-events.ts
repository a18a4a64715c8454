/**
 * What a new detention release changed in each state's facilities (issue 17): a facility
 * ICE lists for the first time, one back after an absence, one no longer listed, one
 * renamed (reported once, as a rename: facility-match.ts), and a state's total ADP moving by
 * more than the operator's threshold. The first release with a facility list is a baseline:
 * no events. Pure.
 */
import { trackFacilities, type FacilityRelease } from './facility-history';
import type { RenameEvidence } from './facility-match';
import type { FacilityRow } from './facility-row';
import { compareStateFigures, stateFigures, type StateFiguresChange } from './state-figures';

export type FacilityEvent =
  | { type: 'facility.appeared'; facility: FacilityRow; returned: false }
  | { type: 'facility.appeared'; facility: FacilityRow; returned: true; lastListed: string | null }
  | { type: 'facility.left'; facility: FacilityRow; lastListed: string }
  | { type: 'facility.renamed'; previous: FacilityRow; facility: FacilityRow; evidence: RenameEvidence }
  | { type: 'state.adp-moved'; previous: number; next: number; change: number; percent: number };

export interface FacilitySettings {
  /** A state's ADP moving by more than this share of its previous ADP is an event (FACILITY_ADP_ALERT_PERCENT). */
  adpChangePercent: number;
  /** ... and by at least this many (so a state going from 3 to 5 is not news). */
  adpChangeMin: number;
}

export const DEFAULT_FACILITY_SETTINGS: FacilitySettings = { adpChangePercent: 10, adpChangeMin: 50 };

/** One state's changes in one release, with its figures before and after. */
export interface StateFacilityChanges {
  stateCode: string;
  events: FacilityEvent[];
  figures: StateFiguresChange;
}

/**
 * The changes `next` brings against the releases before it (`history`, in order), one entry
 * per state with at least one event, by state code. Empty when no earlier release has a
 * facility list (a baseline) or `next` has none.
 */
export function detectFacilityChanges(
  history: readonly FacilityRelease[],
  next: FacilityRelease,
  settings: FacilitySettings = DEFAULT_FACILITY_SETTINGS,
): StateFacilityChanges[] {
  if (!next.facilities?.length) return [];
  const tracked = trackFacilities([...history, next]);
  const step = tracked.steps.at(-1);
  if (!step || step.next !== next) return [];
  const events = new Map<string, FacilityEvent[]>();
  const push = (state: string, event: FacilityEvent) => events.set(state, [...(events.get(state) ?? []), event]);
  for (const a of step.appeared) {
    push(
      a.row.state,
      a.returned
        ? { type: 'facility.appeared', facility: a.row, returned: true, lastListed: a.lastListed }
        : { type: 'facility.appeared', facility: a.row, returned: false },
    );
  }
  for (const row of step.left) push(row.state, { type: 'facility.left', facility: row, lastListed: step.previous.asOf });
  for (const r of step.renamed)
    push(r.next.state, { type: 'facility.renamed', previous: r.previous, facility: r.next, evidence: r.evidence });

  const states = new Set([...step.previous.facilities!.map((r) => r.state), ...next.facilities.map((r) => r.state)]);
  const changes: StateFacilityChanges[] = [];
  for (const stateCode of [...states].sort()) {
    const figures = compareStateFigures(stateFigures(step.previous, stateCode), stateFigures(next, stateCode));
    const own = events.get(stateCode) ?? [];
    const adp = figures.adp;
    if (
      adp.comparable &&
      adp.percent !== null &&
      Math.abs(adp.percent) > settings.adpChangePercent &&
      Math.abs(adp.change) >= settings.adpChangeMin
    ) {
      own.unshift({ type: 'state.adp-moved', previous: adp.previous, next: adp.next, change: adp.change, percent: adp.percent });
    }
    if (own.length) changes.push({ stateCode, events: own, figures });
  }
  return changes;
}
