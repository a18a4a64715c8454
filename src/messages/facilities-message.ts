/**
 * Detention facilities in words: one facility line, a state's figures, and the facility
 * alert. Every reply that shows ADP says what it is (ADP_NOTE): readers take "ADP 1,200"
 * for 1,200 people held today, and it is not.
 */
import type { FacilityEvent } from '../domain/facilities/facility-events';
import type { FacilityRow } from '../domain/facilities/facility-row';
import type { AdpChange, StateFacilityFigures } from '../domain/facilities/state-figures';
import { type FacilityAlert, facilityAlertTitle } from '../domain/totals/totals-alerts';
import { sourceFooter } from './format';
import type { Line, Reply, ReplyField } from './reply';

export const ADP_NOTE =
  "ADP is ICE's fiscal-year-to-date average daily population (the average number held each day since October 1), not today's head count.";

const whole = (x: number) => Math.round(x).toLocaleString('en-US');
/** "+12", "−3", "±0" on rounded ADP. */
export const signedAdp = (x: number): string => {
  const r = Math.round(x);
  return r > 0 ? `+${whole(r)}` : r < 0 ? `−${whole(-r)}` : '±0';
};

/** "Karnes County Correctional Center, Karnes City · IGSA · SNA" as ICE writes them. */
export function facilityPlace(row: FacilityRow): string {
  return [`${row.name}, ${row.city}`, row.type, row.aor].filter(Boolean).join(' · ');
}

/** "ADP 1,234 (+56)": the facility's ADP, and its change when a comparable one is known. */
export function facilityAdp(row: FacilityRow, previousAdp: number | null): string {
  return `ADP ${whole(row.adp)}${previousAdp === null ? '' : ` (${signedAdp(row.adp - previousAdp)})`}`;
}

/** A state's ADP change in words: "+1,234 (+7%) since 2026-01-07" or the new fiscal year's restart. */
export function adpChangeText(change: AdpChange, previousAsOf: string): string {
  if (!change.comparable) {
    return `a new fiscal year: ADP restarted on October 1 (FY${change.previousFiscalYear} stood at ${whole(change.previous)} as of ${previousAsOf})`;
  }
  const pct = change.percent === null ? '' : ` (${change.percent >= 0 ? '+' : '−'}${Math.abs(change.percent).toFixed(1)}%)`;
  return `${signedAdp(change.change)}${pct} since ${previousAsOf}`;
}

/** "14 facilities · ADP 18,684 · USMS IGA 6,012 (9) · DIGSA 5,100 (3) ...": a state's figures in one line. */
export function figuresLine(figures: StateFacilityFigures): string {
  const types = figures.byType.map((t) => `${t.type} ${whole(t.adp)} (${t.facilities})`).join(' · ');
  return `${figures.facilities} ${figures.facilities === 1 ? 'facility' : 'facilities'} · ADP ${whole(figures.adp)}${types ? ` · by type: ${types}` : ''}`;
}

function eventLine(e: Exclude<FacilityEvent, { type: 'state.adp-moved' }>): Line {
  switch (e.type) {
    case 'facility.appeared':
      return [
        { bold: e.facility.name },
        `, ${e.facility.city} · ${e.facility.type} · AOR ${e.facility.aor} · ${facilityAdp(e.facility, null)}`,
        e.returned ? ` (back on the list; last listed ${e.lastListed ?? 'earlier'})` : '',
      ];
    case 'facility.left':
      return [
        { bold: e.facility.name },
        `, ${e.facility.city} · ${e.facility.type} · last listed ${e.lastListed} with ${facilityAdp(e.facility, null)}`,
      ];
    case 'facility.renamed':
      return [
        `${e.previous.name} → `,
        { bold: e.facility.name },
        `, ${e.facility.city} · ${e.evidence === 'address' ? `same address (${e.facility.address})` : 'same name, written another way'}`,
      ];
  }
}

/** A state's facility alert: what appeared, left and was renamed, and the state's figures now. */
export function facilityAlertToReply(alert: FacilityAlert): Reply {
  const of = (type: FacilityEvent['type'], returned?: boolean) =>
    alert.events.filter((e) => e.type === type && (returned === undefined || ('returned' in e && e.returned === returned))) as Array<
      Exclude<FacilityEvent, { type: 'state.adp-moved' }>
    >;
  const sections: Array<[string, Array<Exclude<FacilityEvent, { type: 'state.adp-moved' }>>]> = [
    ["New in ICE's facility list", of('facility.appeared', false)],
    ["Back on ICE's facility list", of('facility.appeared', true)],
    ["No longer on ICE's facility list (held no one at ICE's data pull, or closed)", of('facility.left')],
    ['Renamed by ICE (same facility: not new, not closed)', of('facility.renamed')],
  ];
  const { previous, next, adp } = alert.figures;
  const fields: ReplyField[] = [
    { name: `${alert.state} now`, value: [figuresLine(next)] },
    { name: 'ADP change', value: [adpChangeText(adp, previous.asOf)], inline: true },
    { name: 'Facilities', value: [`${next.facilities} (${signedAdp(alert.figures.facilities)} since ${previous.asOf})`], inline: true },
  ];
  return {
    tone: 'info',
    title: facilityAlertTitle(alert),
    blocks: [
      ...sections
        .filter(([, events]) => events.length)
        .map(([heading, events]) => ({
          kind: 'list' as const,
          heading,
          items: events.map(eventLine),
          moreHint: `/facilities ${alert.stateCode.toLowerCase()} lists them all`,
        })),
      { kind: 'fields', fields },
      { kind: 'text', lines: [[`ICE detention statistics as of ${alert.asOf}. ${ADP_NOTE}`]] },
    ],
    footer: sourceFooter(alert, { list: 'detention statistics' }),
  };
}
