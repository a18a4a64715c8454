/**
 * Property tests of the list diff (issue 7, robustness). On lists built from a small
 * vocabulary (so identities collide, names are near-identical, states move and rows repeat):
 * a list diffed with itself, in any row order, gives no event; and the events of
 * diff(a, b), applied to a's agreements, give exactly b's agreements (an agreement is a
 * group of rows, see identity.ts: rows ICE printed twice are one).
 */
import fc from 'fast-check';
import { agencyKey } from '../../../src/domain/agreements/agency';
import { diffLists } from '../../../src/domain/agreements/diff';
import type { ListEvent } from '../../../src/domain/agreements/events';
import { agreementKey, groupAgreements } from '../../../src/domain/agreements/identity';
import type { Agreement, ListKind } from '../../../src/domain/types';

const RUNS = 400;

const STATE_PICKS: Array<[string, string | null]> = [
  ['Texas', 'TX'],
  ['Florida', 'FL'],
  ['Oklahoma', 'OK'],
  ['Guam', 'GU'],
  // Published names that matched no state, as normalizeState keeps them (title-cased, so one spelling each).
  ['Atlantis', null],
  ['Lemuria', null],
];
/** Agency names with the pairs the rename rules look for: abbreviations, typos, the same place. */
const AGENCIES = [
  'Tampa PD',
  'Tampa Police Department',
  'Tampa Police Dept.',
  "Harris County Sheriff's Office",
  'Harris County Sheriffs Office',
  'HARRIS COUNTY SHERIFF OFFICE',
  'Pasco County BOCC',
  "Pasco County Sheriff's Office",
  'Pasco County Board of County Commissioners',
  '16th Judicial Distric Drug Task Force',
  '16th Judicial District Drug Task Force',
  'Lake Placid Police Department',
  'Department of Corrections',
  'Texas Department of Corrections',
  'Office of the Attorney General',
  'Texas Office of the Attorney General',
  "Cass County Sheriff's Office",
];
const MODELS = ['JEM', 'TFM', 'WSO'];
const DATES = ['2025-02-19', '2025-02-26', '2025-03-05', null];

const agency = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...AGENCIES) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
);
/** MOA links: none (link pending), a few PDFs that rows share (one agreement, or ICE pasting one agency's link into another's row), and a page that is no document. */
const LINKS = [
  null,
  null,
  'https://www.ice.gov/doclib/287gMOA/TampaPD_TFM_MOA_02282025.pdf',
  'https://www.ice.gov/doclib/287gMOA/PascoBOCC_WSO_MOA_02262025.pdf',
  'https://www.ice.gov/identify-and-arrest/287g',
];
const row = fc
  .record({
    place: fc.constantFrom(...STATE_PICKS),
    agency,
    model: fc.constantFrom(...MODELS),
    signed: fc.constantFrom(...DATES),
    county: fc.constantFrom('Harris County', 'Pasco County', null),
    moaUrl: fc.constantFrom(...LINKS),
  })
  .map(
    ({ place: [state, stateCode], agency: name, model, signed, county, moaUrl }): Agreement => ({
      state,
      stateCode,
      agency: name,
      agencyKey: agencyKey(name),
      type: 'County',
      county,
      model,
      signed,
      moaUrl,
      addendumUrl: null,
    }),
  );

/** A later publication of `list`: rows dropped, added, renamed, moved, re-dated; or an unrelated list. */
type Edit = { kind: 'drop' | 'rename' | 'move' | 'redate' | 'relink' | 'add'; at: number; with: Agreement };
function applyEdits(list: Agreement[], edits: Edit[]): Agreement[] {
  const out = [...list];
  for (const e of edits) {
    const i = out.length ? e.at % out.length : -1;
    if (e.kind === 'add' || i < 0) out.push(e.with);
    else if (e.kind === 'drop') out.splice(i, 1);
    else if (e.kind === 'rename') out[i] = { ...out[i], agency: e.with.agency, agencyKey: e.with.agencyKey };
    else if (e.kind === 'move') out[i] = { ...out[i], state: e.with.state, stateCode: e.with.stateCode };
    else if (e.kind === 'relink') out[i] = { ...out[i], moaUrl: e.with.moaUrl };
    else out[i] = { ...out[i], signed: e.with.signed };
  }
  return out;
}
const edit = fc.record({
  kind: fc.constantFrom('drop', 'rename', 'move', 'redate', 'relink', 'add'),
  at: fc.nat(),
  with: row,
}) as fc.Arbitrary<Edit>;
const list = fc.array(row, { maxLength: 25 });
const pair = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(list, fc.array(edit, { maxLength: 10 })).map(([a, edits]) => [a, applyEdits(a, edits)] as const) },
  { weight: 1, arbitrary: fc.tuple(list, list) },
);
const kind = fc.constantFrom<ListKind>('participating', 'pending');

const idOf = (state: string, stateCode: string | null, name: string, model: string) =>
  agreementKey({ state, stateCode, agency: name, model });
const identities = (rows: readonly Agreement[]) => new Set(groupAgreements(rows).map((g) => g.key));
const sorted = (ids: Iterable<string>) => [...ids].sort();

/** a's identities with the events of diff(a, b) applied. */
function applyEvents(before: Set<string>, events: ListEvent[]): Set<string> {
  const ids = new Set(before);
  for (const e of events) {
    switch (e.type) {
      case 'agreement.signed':
      case 'pending.added':
        expect(ids.has(idOf(e.state, e.stateCode, e.agency, e.model))).toBe(false);
        ids.add(idOf(e.state, e.stateCode, e.agency, e.model));
        break;
      case 'agreement.ended':
      case 'pending.removed':
        expect(ids.delete(idOf(e.state, e.stateCode, e.agency, e.model))).toBe(true);
        break;
      case 'agreement.renamed': {
        const from =
          e.previousState === null
            ? idOf(e.state, e.stateCode, e.previousAgency, e.model)
            : idOf(e.previousState, e.previousStateCode, e.previousAgency, e.model);
        expect(ids.delete(from)).toBe(true);
        ids.add(idOf(e.state, e.stateCode, e.agency, e.model));
        break;
      }
      default:
        break;
    }
  }
  // The events of one diff happen at once: a renewal or correction names the agreement as it now stands.
  for (const e of events) {
    if (e.type === 'agreement.renewed' || e.type === 'agreement.corrected')
      expect(ids.has(idOf(e.state, e.stateCode, e.agency, e.model))).toBe(true);
  }
  return ids;
}

describe('diffLists properties', () => {
  test('diff(a, a) is empty, for either list kind and any row order of the second copy', () => {
    fc.assert(
      fc.property(
        list.chain((a) => fc.tuple(fc.constant(a), fc.shuffledSubarray(a, { minLength: a.length }))),
        kind,
        ([a, shuffled], k) => {
          expect(diffLists(a, a, k)).toMatchObject({ events: [], ended: [], signed: [], renamed: 0, relistedFrom: [] });
          expect(diffLists(a, shuffled, k).events).toEqual([]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("participating: applying the events of diff(a, b) to a gives exactly b's identities", () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const { events } = diffLists(a, b, 'participating');
        expect(sorted(applyEvents(identities(a), events))).toEqual(sorted(identities(b)));
      }),
      { numRuns: RUNS },
    );
  });

  test('participating: state.first and state.cleared name exactly the states that gained their first or lost their last row', () => {
    const statesOf = (rows: readonly Agreement[]) => new Set(rows.map((r) => r.stateCode ?? r.state));
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const { events } = diffLists(a, b, 'participating');
        const [before, after] = [statesOf(a), statesOf(b)];
        const first = events.flatMap((e) => (e.type === 'state.first' ? [e.stateCode ?? e.state] : []));
        const cleared = events.flatMap((e) => (e.type === 'state.cleared' ? [e.stateCode ?? e.state] : []));
        expect(sorted(first)).toEqual(sorted([...after].filter((s) => !before.has(s))));
        expect(sorted(cleared)).toEqual(sorted([...before].filter((s) => !after.has(s))));
      }),
      { numRuns: RUNS },
    );
  });

  test('pending: added and removed rows are real arrivals and departures, and the rest pair up one to one as silent corrections', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const { events } = diffLists(a, b, 'pending');
        const [before, after] = [identities(a), identities(b)];
        const arrived = [...after].filter((id) => !before.has(id));
        const departed = [...before].filter((id) => !after.has(id));
        const added = events
          .filter((e) => e.type === 'pending.added')
          .map((e) => 'agency' in e && idOf(e.state, e.stateCode, e.agency, e.model));
        const removed = events
          .filter((e) => e.type === 'pending.removed')
          .map((e) => 'agency' in e && idOf(e.state, e.stateCode, e.agency, e.model));
        expect(events.every((e) => e.type === 'pending.added' || e.type === 'pending.removed')).toBe(true);
        for (const id of added) expect(arrived).toContain(id);
        for (const id of removed) expect(departed).toContain(id);
        expect(arrived.length - added.length).toBe(departed.length - removed.length);
      }),
      { numRuns: RUNS },
    );
  });

  test('the events do not depend on the row order of either list', () => {
    fc.assert(
      fc.property(
        pair.chain(([a, b]) =>
          fc.tuple(
            fc.constant(a),
            fc.constant(b),
            fc.shuffledSubarray([...a], { minLength: a.length }),
            fc.shuffledSubarray([...b], { minLength: b.length }),
          ),
        ),
        kind,
        ([a, b, a2, b2], k) => {
          expect(diffLists(a2, b2, k).events).toEqual(diffLists(a, b, k).events);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** Counterexamples the properties found, kept as examples. */
describe('diffLists: counterexamples found by the properties', () => {
  const tx = (agency: string, over: Partial<Agreement> = {}): Agreement => ({
    state: 'Texas',
    stateCode: 'TX',
    agency,
    agencyKey: agencyKey(agency),
    type: 'County',
    county: 'Harris County',
    model: 'JEM',
    signed: '2025-02-19',
    moaUrl: null,
    addendumUrl: null,
    ...over,
  });

  test('an agency named like an Object.prototype member ("constructor") is diffed, not a TypeError in the rename rules', () => {
    const events = diffLists([tx('constructor')], [tx('Tampa PD'), tx('toString Police Department')], 'participating');
    expect(events.events.map((e) => `${e.type} ${'agency' in e ? e.agency : ''}`)).toEqual([
      'agreement.signed Tampa PD',
      'agreement.signed toString Police Department',
      'agreement.ended constructor',
    ]);
  });

  test('one identity listed twice with the same SIGNED date: the event shows the same row whatever the row order', () => {
    const harris = tx('Office of the Attorney General', { state: 'Guam', stateCode: 'GU' });
    const pasco = { ...harris, county: 'Pasco County' };
    const one = diffLists([], [harris, pasco], 'participating').events;
    const other = diffLists([], [pasco, harris], 'participating').events;
    expect(other).toEqual(one);
    expect(one.find((e) => e.type === 'agreement.signed')).toMatchObject({ county: 'Pasco County' });
  });

  test('one agency signing several models at once: events in model order, whatever the row order', () => {
    const rows = [tx('Tampa PD', { model: 'WSO' }), tx('Tampa PD', { model: 'JEM' }), tx('Tampa PD', { model: 'TFM' })];
    const models = (list: Agreement[]) =>
      diffLists([], list, 'participating')
        .events.filter((e) => e.type === 'agreement.signed')
        .map((e) => 'model' in e && e.model);
    expect(models(rows)).toEqual(['JEM', 'TFM', 'WSO']);
    expect(models([...rows].reverse())).toEqual(['JEM', 'TFM', 'WSO']);
  });
});
