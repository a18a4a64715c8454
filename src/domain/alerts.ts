import type { ListEvent } from './events';
import { activeAgreements } from './identity';
import { countByModel, type ModelCounts } from './summary';
import type { Agreement, FileMeta, ListKind } from './types';

/** One alert: everything one poll changed in one state, for one message (SPEC section 6). */
export interface StateAlert {
  /** Stable within a poll: `<source>:<file sha256>:<state code>`; delivery ids build on it. */
  id: string;
  source: ListKind;
  state: string;
  stateCode: string | null;
  title: string;
  events: ListEvent[];
  /** The state's numbers after the change. */
  totals: { total: number; byModel: ModelCounts; pending: number | null };
  file: Pick<FileMeta, 'fileName' | 'url' | 'fetchedAt' | 'sha256'>;
}

/** The states an event concerns: a move between states concerns both. */
export function statesOfEvent(e: ListEvent): string[] {
  const own = e.stateCode ?? e.state;
  if (e.type === 'agreement.renamed' && e.previousState) return [own, e.previousStateCode ?? e.previousState];
  return [own];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "3 new 287(g) agreements in Texas", "2 new, 1 ended 287(g) agreements in Florida", ... */
export function alertTitle(state: string, events: readonly ListEvent[]): string {
  const n = (type: ListEvent['type'] | 'moved') =>
    type === 'moved'
      ? events.filter((e) => e.type === 'agreement.renamed' && e.previousState).length
      : events.filter((e) => e.type === type && !(e.type === 'agreement.renamed' && e.previousState)).length;
  if (n('state.first')) return `First 287(g) ${n('agreement.signed') === 1 ? 'agreement' : 'agreements'} in ${state}: ${plural(n('agreement.signed'), 'new agreement')}`;
  if (n('state.cleared')) return `${state} no longer has any 287(g) agreement: ${plural(n('agreement.ended'), 'agreement')} ended`;
  const parts: string[] = [];
  const agreementParts: Array<[ListEvent['type'] | 'moved', string]> = [
    ['agreement.signed', 'new'],
    ['agreement.ended', 'ended'],
    ['agreement.renewed', 'renewed'],
    ['agreement.renamed', 'renamed'],
    ['moved', 'moved'],
  ];
  for (const [type, word] of agreementParts) if (n(type)) parts.push(`${n(type)} ${word}`);
  const agreementsTotal = agreementParts.reduce((s, [t]) => s + n(t), 0);
  const pendingParts: Array<[ListEvent['type'], string]> = [
    ['pending.signed', 'signed'],
    ['pending.added', 'new'],
    ['pending.removed', 'withdrawn or removed'],
  ];
  const pending: string[] = [];
  for (const [type, word] of pendingParts) if (n(type)) pending.push(`${n(type)} ${word}`);
  const pendingTotal = pendingParts.reduce((s, [t]) => s + n(t), 0);
  const sentences: string[] = [];
  if (parts.length) sentences.push(`${parts.join(', ')} 287(g) ${agreementsTotal === 1 ? 'agreement' : 'agreements'} in ${state}`);
  if (pending.length) sentences.push(`${pending.join(', ')} pending 287(g) ${pendingTotal === 1 ? 'request' : 'requests'} in ${state}`);
  return sentences.join('; ') || `287(g) changes in ${state}`;
}

export interface BuildAlertsInput {
  source: ListKind;
  events: readonly ListEvent[];
  /** The participating list after the change, for the state's totals. */
  participating: readonly Agreement[];
  /** The pending list after the change, when known. */
  pending: readonly Agreement[] | null;
  file: StateAlert['file'];
}

/** Groups a poll's events by state into one alert per state, states in alphabetical order. */
export function buildStateAlerts(input: BuildAlertsInput): StateAlert[] {
  const byState = new Map<string, { state: string; stateCode: string | null; events: ListEvent[] }>();
  for (const e of input.events) {
    for (const key of statesOfEvent(e)) {
      const isPrevious = key !== (e.stateCode ?? e.state);
      const state = isPrevious && e.type === 'agreement.renamed' ? e.previousState! : e.state;
      const stateCode = isPrevious && e.type === 'agreement.renamed' ? e.previousStateCode : e.stateCode;
      const group = byState.get(key) ?? { state, stateCode, events: [] };
      group.events.push(e);
      byState.set(key, group);
    }
  }
  // The state's numbers count agreements: a row ICE printed twice is one.
  const participating = activeAgreements(input.participating);
  const pending = input.pending && activeAgreements(input.pending);
  const inState = (rows: readonly Agreement[], key: string) => rows.filter((r) => (r.stateCode ?? r.state) === key);
  return [...byState.entries()]
    .sort(([, a], [, b]) => a.state.localeCompare(b.state))
    .map(([key, g]) => {
      const rows = inState(participating, key);
      return {
        id: `${input.source}:${input.file.sha256}:${key}`,
        source: input.source,
        state: g.state,
        stateCode: g.stateCode,
        title: alertTitle(g.state, g.events),
        events: g.events,
        totals: { total: rows.length, byModel: countByModel(rows), pending: pending ? inState(pending, key).length : null },
        file: input.file,
      };
    });
}
