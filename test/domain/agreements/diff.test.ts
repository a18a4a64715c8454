import { diffLists } from '../../../src/domain/agreements/diff';
import type { ListEvent } from '../../../src/domain/agreements/events';
import type { Agreement } from '../../../src/domain/types';
import { loadSnapshot } from '../../helpers/fixtures';

const count = (events: ListEvent[], type: ListEvent['type']) => events.filter((e) => e.type === type).length;
const agenciesOf = (events: ListEvent[], type: ListEvent['type']) =>
  events.filter((e) => e.type === type).map((e) => ('agency' in e ? e.agency : e.state));

async function diffFixtures(a: string, b: string) {
  const [prev, next] = await Promise.all([loadSnapshot(a), loadSnapshot(b)]);
  return diffLists(prev.rows, next.rows, 'participating').events;
}

describe('diffLists on consecutive real ICE participating lists', () => {
  test('02-21 -> 02-26 2025: 88 signed, and St. Lucie re-dated while its MOA link was pending is a correction, not a renewal', async () => {
    const events = await diffFixtures('participatingAgencies-20250221214937.xlsx', 'participatingAgencies-20250226183301.xlsx');
    expect(count(events, 'agreement.signed')).toBe(88);
    expect(count(events, 'agreement.ended')).toBe(0);
    expect(count(events, 'agreement.renewed')).toBe(0);
    expect(events.filter((e) => e.type === 'agreement.corrected')).toEqual([
      expect.objectContaining({
        agency: "St. Lucie County Sheriff's Office",
        model: 'TFM',
        signed: '2025-02-26',
        previousSigned: '2025-02-19',
      }),
    ]);
  });

  test('05-16 -> 05-19 2025: 17 signings, and ICE misspelling Indialantic is a rename, not an ending plus a signing', async () => {
    // README counts rows: +18 / -1. One of the 18 is "Indiatlantic Police Department", ICE's typo for the
    // Indialantic row that left (same TFM, same 2025-05-13 date); 09-22 spells it right again.
    const events = await diffFixtures('participatingAgencies05162025am.xlsx', 'participatingAgencies05192025pm.xlsx');
    expect(count(events, 'agreement.signed')).toBe(17);
    expect(count(events, 'agreement.ended')).toBe(0);
    const renamed = events.filter((e) => e.type === 'agreement.renamed');
    expect(renamed).toEqual([
      expect.objectContaining({
        previousAgency: 'Indialantic Police Department',
        agency: 'Indiatlantic Police Department',
        stateCode: 'FL',
        model: 'TFM',
        previousState: null,
      }),
    ]);
  });

  test('10-16 -> 10-17 2025: 63 signed, and Rockwall County WSO re-dated as its MOA link was posted is a correction', async () => {
    const events = await diffFixtures('participatingAgencies10162025pm.xlsx', 'participatingAgencies10172025mid.xlsx');
    expect(count(events, 'agreement.signed')).toBe(63);
    expect(count(events, 'agreement.ended')).toBe(0);
    expect(count(events, 'agreement.renewed')).toBe(0);
    expect(events.filter((e) => e.type === 'agreement.corrected')).toEqual([
      expect.objectContaining({
        agency: "Rockwall County Sheriff's Office",
        model: 'WSO',
        stateCode: 'TX',
        previousSigned: '2025-07-07',
        signed: '2025-07-08',
      }),
    ]);
  });

  test('03-06 -> 03-17 2025: the renames are renames, and moved rows are corrections, leaving one real ending', async () => {
    const events = await diffFixtures('participatingAgencies03062025am.xlsx', 'participatingAgencies-20250317231040.xlsx');
    const renames = events
      .filter((e): e is Extract<ListEvent, { type: 'agreement.renamed' }> => e.type === 'agreement.renamed')
      .map((e) => `${e.previousState ?? e.state}: ${e.previousAgency} -> ${e.state}: ${e.agency} [${e.model}]`);
    expect(renames).toEqual(
      expect.arrayContaining([
        'Alaska: Department of Corrections -> Alaska: Alaska Department of Corrections [WSO]',
        'Florida: Tampa PD -> Florida: Tampa Police Department [TFM]',
        'Florida: Gulfport PD -> Florida: Gulfport Police Department [TFM]',
        'Florida: Kenneth City PD -> Florida: Kenneth City Police Department [TFM]',
        'Florida: Pinellas Park PD -> Florida: Pinellas Park Police Department [TFM]',
        'Florida: Panama City Police Dept. -> Florida: Panama City Police Department [TFM]',
        'Florida: Panama City Beach Police Dept. -> Florida: Panama City Beach Police Department [TFM]',
        'Florida: Gulf County BOCC -> Florida: Gulf County Board of County Commissioners [WSO]',
        'Florida: Pasco County BOCC -> Florida: Pasco County Board of County Commissioners [WSO]',
        'Texas: Office of the Attorney General -> Texas: Texas Office of the Attorney General [TFM]',
        'Virginia: Department of Corrections -> Virginia: Virginia Department of Corrections [JEM]',
        'Virginia: Department of State Police -> Virginia: Virginia Department of State Police [TFM]',
        "Montana: Cass County Sheriff's Office -> Minnesota: Cass County Sheriff's Office [TFM]",
        'New York: Lake Placid Police Department -> Florida: Lake Placid Police Department [TFM]',
      ]),
    );
    // README: +68 / -16 by identity. Renames account for 15 of each side.
    expect(renames).toHaveLength(15);
    expect(count(events, 'agreement.signed')).toBe(68 - 15);
    expect(agenciesOf(events, 'agreement.ended')).toEqual(["Douglas County Sheriff's Office"]);
    expect(count(events, 'state.cleared')).toBe(0);
  });

  test("a snapshot keeps the workbook's own modified time as evidence, apart from the fetch time", async () => {
    // README: the 09-22 am file was last modified on 09-18.
    const snap = await loadSnapshot('participatingAgencies09222025am.xlsx', 'participating', '2025-09-22T13:00:00.000Z');
    expect(snap.meta).toMatchObject({ modifiedInFile: '2025-09-18T15:42:42.000Z', fetchedAt: '2025-09-22T13:00:00.000Z' });
  });

  test('diffing a list against itself gives no event, whatever the row order', async () => {
    const snap = await loadSnapshot('participatingAgencies07012025pm.xlsx');
    expect(diffLists(snap.rows, [...snap.rows].reverse(), 'participating').events).toEqual([]);
  });
});

describe('diffLists on small lists', () => {
  const row = (over: Partial<Agreement>): Agreement => ({
    state: 'Maine',
    stateCode: 'ME',
    agency: 'Wells Police Department',
    agencyKey: 'wells police department',
    type: 'Municipality',
    county: null,
    model: 'TFM',
    signed: '2025-04-02',
    moaUrl: null,
    addendumUrl: null,
    ...over,
  });

  test('a state losing its last agreement is cleared, and a state getting its first is announced', () => {
    const maine = row({});
    const vermont = row({ state: 'Vermont', stateCode: 'VT', agency: 'Franklin County Sheriff', agencyKey: 'franklin county sheriff' });
    const events = diffLists([maine], [vermont], 'participating').events.map((e) => `${e.type} ${e.stateCode}`);
    expect(events).toEqual(['agreement.ended ME', 'state.cleared ME', 'state.first VT', 'agreement.signed VT']);
  });

  test('an earlier SIGNED date is a correction, not a renewal', () => {
    const events = diffLists([row({ signed: '2025-04-02' })], [row({ signed: '2016-03-19' })], 'participating').events;
    expect(events).toEqual([expect.objectContaining({ type: 'agreement.corrected', previousSigned: '2025-04-02', signed: '2016-03-19' })]);
  });

  test('a later SIGNED date with the same MOA document is a correction; with a new document, a renewal', () => {
    const moa = 'https://www.ice.gov/doclib/287gMOA/WellsPD_TFM_MOA_04022025.pdf';
    const same = diffLists([row({ moaUrl: moa })], [row({ signed: '2026-04-02', moaUrl: moa })], 'participating').events;
    expect(same.map((e) => e.type)).toEqual(['agreement.corrected']);
    const renewedMoa = 'https://www.ice.gov/doclib/287gMOA/WellsPD_TFM_MOA_05012026.pdf';
    const renewed = diffLists([row({ moaUrl: moa })], [row({ signed: '2026-05-01', moaUrl: renewedMoa })], 'participating').events;
    expect(renewed).toEqual([
      expect.objectContaining({ type: 'agreement.renewed', previousSigned: '2025-04-02', previousMoaUrl: moa, moaUrl: renewedMoa }),
    ]);
  });

  test('a date that was unreadable (null) and is now readable is neither a renewal nor a correction', () => {
    expect(diffLists([row({ signed: null })], [row({ signed: '2025-07-07' })], 'participating').events).toEqual([]);
    expect(diffLists([row({ signed: '2025-07-07' })], [row({ signed: null })], 'participating').events).toEqual([]);
  });

  test('an ended agreement back with the same SIGNED date is relisted, with a new date it is a new agreement', () => {
    const ended = [{ row: row({}), since: '2025-09-02T12:00:00.000Z' }];
    expect(diffLists([], [row({})], 'participating', { ended }).events).toEqual([
      expect.objectContaining({ type: 'state.first' }),
      expect.objectContaining({ type: 'agreement.relisted', agency: 'Wells Police Department', missingSince: '2025-09-02T12:00:00.000Z' }),
    ]);
    expect(diffLists([], [row({ signed: '2025-10-01' })], 'participating', { ended }).events.map((e) => e.type)).toEqual([
      'state.first',
      'agreement.signed',
    ]);
  });

  test('an ending carries the time its agreement was last listed', () => {
    const events = diffLists(
      [row({})],
      [row({ agency: 'Kennebunk Police Department', agencyKey: 'kennebunk police department', signed: '2025-05-05' })],
      'participating',
      {
        lastListedAt: '2025-09-02T12:00:00.000Z',
      },
    ).events;
    expect(events.find((e) => e.type === 'agreement.ended')).toMatchObject({
      agency: 'Wells Police Department',
      lastListedAt: '2025-09-02T12:00:00.000Z',
    });
  });

  test('pending lists give pending.added and pending.removed, and no state events', () => {
    const a = row({ signed: null });
    const b = row({ signed: null, agency: 'York County Sheriff', agencyKey: 'york county sheriff' });
    expect(diffLists([a], [b], 'pending').events.map((e) => e.type)).toEqual(['pending.added', 'pending.removed']);
  });
});
