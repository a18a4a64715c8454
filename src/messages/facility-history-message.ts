/** /facility: one facility's history across releases, or the facilities a name matches. */
import type { FacilityRelease, TrackedFacility } from '../domain/facilities/facility-history';
import { stateByCode } from '../domain/states';
import { ADP_NOTE } from './facilities-message';
import type { Line, Reply, ReplyBlock } from './reply';

const whole = (x: number) => Math.round(x).toLocaleString('en-US');
/** More than this many matches: a list to narrow down, not histories. */
const MAX_HISTORIES = 3;

function historyBlock(f: TrackedFacility, releases: readonly FacilityRelease[]): ReplyBlock[] {
  const last = f.points.at(-1)!.row;
  const listedOn = new Map(f.points.map((p) => [p.asOf, p]));
  const lines: Line[] = releases.map((r) => {
    const p = listedOn.get(r.asOf);
    if (!p) return [`${r.asOf} (FY${r.fiscalYear}): not on ICE's list`];
    return [
      `${r.asOf} (FY${r.fiscalYear}): ADP ${whole(p.row.adp)} · ${p.row.type}${p.row.name !== last.name ? ` · listed as ${p.row.name}` : ''}`,
    ];
  });
  const names = [...new Set(f.points.map((p) => p.row.name))];
  const state = stateByCode(last.state)?.name ?? last.state;
  return [
    {
      kind: 'fields',
      fields: [
        { name: 'Where', value: [`${last.address}, ${last.city}, ${state} ${last.zip ?? ''}`.trim()] },
        { name: 'Type · AOR · held', value: [`${last.type} · ${last.aor} · ${last.gender || 'not stated'}`], inline: true },
        ...(last.guaranteedMinimum === null ? [] : [{ name: 'Guaranteed minimum', value: [whole(last.guaranteedMinimum)], inline: true }]),
        ...(names.length > 1 ? [{ name: 'Names ICE has used', value: [names.join(' → ')] }] : []),
      ],
    },
    { kind: 'list', heading: `${last.name}: by release`, items: lines },
  ];
}

export function facilityHistoryReply(query: string, found: TrackedFacility[], releases: readonly FacilityRelease[], footer: string): Reply {
  const shown = found.slice(0, MAX_HISTORIES);
  const first = found[0].points.at(-1)!.row;
  const title =
    found.length === 1
      ? `${first.name}, ${first.city}, ${first.state}: ${found[0].points.length} of ${releases.length} releases`
      : `${found.length} facilities match "${query}"`;
  const blocks: ReplyBlock[] = shown.flatMap((f) => historyBlock(f, releases));
  if (found.length > MAX_HISTORIES) {
    blocks.push({
      kind: 'list',
      heading: 'Also matching (name more of it to see one)',
      items: found.slice(MAX_HISTORIES).map((f) => {
        const p = f.points.at(-1)!;
        return [`${p.row.name}, ${p.row.city}, ${p.row.state} (last listed ${p.asOf})`];
      }),
    });
  }
  blocks.push({ kind: 'text', lines: [[ADP_NOTE]] });
  return { tone: 'info', title, blocks, footer, data: { query, facilities: found.map((f) => ({ id: f.id, points: f.points })) } };
}
