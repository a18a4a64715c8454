import type { ListEvent } from '../agreements/events';
import { activeAgreements } from '../agreements/identity';
import { countByModel, type ModelCounts } from '../agreements/summary';
import type { Agreement, FileMeta, ListKind } from '../types';

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

/** What happened to agreements that stay agreements, said before "287(g) agreements": "2 new, 1 renewed". */
const AGREEMENT_WORDS: Array<[ListEvent['type'] | 'moved', string]> = [
  ['agreement.signed', 'new'],
  ['agreement.renewed', 'renewed'],
  ['agreement.renamed', 'renamed'],
  ['moved', 'moved'],
];
/**
 * What happened to ICE's list, said after it: words that claim only what is known. A row gone
 * from the list is "no longer on ICE's list" (it may be back next week), not "ended".
 */
const LIST_WORDS: Array<[ListEvent['type'], string]> = [
  ['agreement.ended', "no longer on ICE's list"],
  ['agreement.relisted', "back on ICE's list"],
  ['agreement.corrected', 'date corrected'],
];
const PENDING_WORDS: Array<[ListEvent['type'], string]> = [
  ['pending.signed', 'signed'],
  ['pending.added', 'new'],
  ['pending.removed', 'withdrawn or removed'],
];

/**
 * The title of a state's alert: counts by kind of change, short enough for any platform
 * (Discord's 256, Slack's 150 characters for the largest counts of every kind). Examples:
 * - "3 new 287(g) agreements in Texas"
 * - "2 new, 1 renewed 287(g) agreements in Florida; 1 no longer on ICE's list, 1 back on ICE's list"
 * - "287(g) agreements in Ohio: 1 no longer on ICE's list, 2 date corrected"
 * - "1 new pending 287(g) request in Utah"
 * - "First 287(g) agreement in Vermont: 1 new agreement"
 * - "Maine has no 287(g) agreement left on ICE's list (1 agreement no longer listed)"
 */
export function alertTitle(state: string, events: readonly ListEvent[]): string {
  const n = (type: ListEvent['type'] | 'moved') =>
    type === 'moved'
      ? events.filter((e) => e.type === 'agreement.renamed' && e.previousState).length
      : events.filter((e) => e.type === type && !(e.type === 'agreement.renamed' && e.previousState)).length;
  const signed = n('agreement.signed');
  if (n('state.first') && signed)
    return `First 287(g) ${signed === 1 ? 'agreement' : 'agreements'} in ${state}: ${plural(signed, 'new agreement')}`;
  if (n('state.cleared')) {
    const gone = n('agreement.ended');
    return `${state} has no 287(g) agreement left on ICE's list${gone ? ` (${plural(gone, 'agreement')} no longer listed)` : ''}`;
  }
  type Words = Array<[ListEvent['type'] | 'moved', string]>;
  const counted = (words: Words) => words.filter(([t]) => n(t)).map(([t, word]) => `${n(t)} ${word}`);
  const sum = (words: Words) => words.reduce((s, [t]) => s + n(t), 0);
  const agreementParts = counted(AGREEMENT_WORDS);
  const listParts = counted(LIST_WORDS);
  const pendingParts = counted(PENDING_WORDS);
  const sentences: string[] = [];
  if (agreementParts.length) {
    const head = `${agreementParts.join(', ')} 287(g) ${sum(AGREEMENT_WORDS) === 1 ? 'agreement' : 'agreements'} in ${state}`;
    sentences.push(listParts.length ? `${head}; ${listParts.join(', ')}` : head);
  } else if (listParts.length) {
    sentences.push(`287(g) ${sum(LIST_WORDS) === 1 ? 'agreement' : 'agreements'} in ${state}: ${listParts.join(', ')}`);
  }
  if (pendingParts.length) {
    // After an agreement sentence the state is already named.
    const where = sentences.length ? '' : ` in ${state}`;
    sentences.push(`${pendingParts.join(', ')} pending 287(g) ${sum(PENDING_WORDS) === 1 ? 'request' : 'requests'}${where}`);
  }
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
  /**
   * What the alerts are besides the file's own news, when one file can give two sets of alerts:
   * an operator accepting what a file had held (`held-accepted`). Part of their ids, so they are
   * not taken for the file's first alerts (ids dedupe deliveries).
   */
  occasion?: string;
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
        id: `${input.source}:${input.file.sha256}:${input.occasion ? `${input.occasion}:` : ''}${key}`,
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
