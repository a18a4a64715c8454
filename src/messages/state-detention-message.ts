/**
 * A state's detention facilities as a Reply (/facilities) and as a few lines for other
 * answers (/totals <state>, /agreements <state>), from the state's view (state-view.ts).
 */
import type { StateDetentionView } from '../domain/facilities/state-view';
import type { FacilityRelease } from '../domain/facilities/facility-history';
import { ADP_NOTE, adpChangeText, facilityAdp, figuresLine, signedAdp } from './facilities-message';
import type { Line, Paging, ReplyBlock, ReplyField } from './reply';

const whole = (x: number) => Math.round(x).toLocaleString('en-US');

/** "Texas: 28 detention facilities, ADP 18,684, as of 2026-01-25" */
export function stateDetentionTitle(stateName: string, view: StateDetentionView<FacilityRelease>): string {
  const f = view.figures;
  return `${stateName}: ${f.facilities} detention ${f.facilities === 1 ? 'facility' : 'facilities'}, ADP ${whole(f.adp)}, as of ${f.asOf}`;
}

/** The fields of a state's figures: ADP and its change, facilities and theirs, ADP by type. */
export function stateDetentionFields(view: StateDetentionView<FacilityRelease>): ReplyField[] {
  const { figures, change, previous } = view;
  const fields: ReplyField[] = [
    { name: 'Total ADP', value: [`${whole(figures.adp)}${change && previous ? `, ${adpChangeText(change.adp, previous.asOf)}` : ''}`] },
    {
      name: 'Facilities',
      value: [`${figures.facilities}${change && previous ? ` (${signedAdp(change.facilities)} since ${previous.asOf})` : ''}`],
      inline: true,
    },
  ];
  if (figures.byType.length) {
    fields.push({
      name: 'ADP by type',
      value: [figures.byType.map((t) => `${t.type} ${whole(t.adp)} (${t.facilities})`).join(' · ')],
      inline: true,
    });
  }
  return fields;
}

/** One facility of the list: name, city, type, AOR, ADP with its change, and "new" or its former name. */
export function facilityListLine(f: StateDetentionView<FacilityRelease>['facilities'][number]): Line {
  const note = f.previousName ? ` (renamed; was ${f.previousName})` : f.appeared ? ' (new in this release)' : '';
  return [{ bold: f.row.name }, `, ${f.row.city} · ${f.row.type} · AOR ${f.row.aor} · ${facilityAdp(f.row, f.previousAdp)}${note}`];
}

/** The blocks of /facilities: figures, the page of facilities, 287(g) beside it, and what ADP is. */
export function stateDetentionBlocks(
  view: StateDetentionView<FacilityRelease>,
  page: { items: StateDetentionView<FacilityRelease>['facilities']; paging?: Paging; number: number },
  agreements287g: number | null,
): ReplyBlock[] {
  const fields = stateDetentionFields(view);
  fields.push({
    name: 'Active 287(g) agreements',
    value: [agreements287g === null ? 'no 287(g) list stored yet' : String(agreements287g)],
    inline: true,
  });
  const blocks: ReplyBlock[] = [{ kind: 'fields', fields }];
  if (page.items.length) {
    blocks.push({
      kind: 'list',
      heading: page.number === 1 ? 'Facilities by ADP' : `Facilities by ADP, page ${page.number}`,
      items: page.items.map(facilityListLine),
    });
  } else blocks.push({ kind: 'text', lines: [["ICE's list has no facility in this state in this release."]] });
  blocks.push({ kind: 'text', lines: [[ADP_NOTE]] });
  return blocks;
}

/** One line for another answer: "Detention (ICE, as of 2026-01-25): 28 facilities · ADP 18,684 ..." */
export function stateDetentionLine(view: StateDetentionView<FacilityRelease>): Line {
  return [{ bold: `Detention (ICE facility list as of ${view.figures.asOf})` }, `: ${figuresLine(view.figures)}. ${ADP_NOTE}`];
}
