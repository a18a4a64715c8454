import { readFileSync } from 'node:fs';
import { detectFacilityChanges, DEFAULT_FACILITY_SETTINGS, type FacilityEvent } from '../../../src/domain/facilities/facility-events';
import { matchFacilities, renameEvidence } from '../../../src/domain/facilities/facility-match';
import { trackFacilities } from '../../../src/domain/facilities/facility-history';
import type { DetentionRelease } from '../../../src/domain/totals/totals';
import { parseDetentionWorkbook } from '../../../src/sources/detention-workbook';
import { detentionPath } from '../../helpers/fixtures';

const FILES = [
  '2025-02-15_FY25_detentionStats02142025.xlsx',
  '2025-10-30_FY25_detentionStats09252025.xlsx',
  '2026-01-09_FY26_detentionStats01082026.xlsx',
  '2026-02-03_FY26_detentionStats02022026.xlsx',
];

let releases: DetentionRelease[];
beforeAll(async () => {
  releases = await Promise.all(FILES.map((f) => parseDetentionWorkbook(readFileSync(detentionPath(f)))));
});

const eventsOf = (i: number) => detectFacilityChanges(releases.slice(0, i), releases[i]).flatMap((c) => c.events);
const named = (events: FacilityEvent[], name: string) =>
  events.filter((e) => 'facility' in e && (e.facility.name === name || (e.type === 'facility.renamed' && e.previous.name === name)));

describe('facility events between real ICE releases', () => {
  test('the first release with a facility list is a baseline: no events', () => {
    expect(detectFacilityChanges([], releases[0])).toEqual([]);
  });

  test('2026-01-07 -> 2026-01-25: Val Verde (Del Rio, TX) is new in the list; East Hidalgo is back (last listed 2025-09-21), not new', () => {
    const events = eventsOf(3);
    expect(named(events, 'VAL VERDE CORRECTIONAL FACILITY')).toEqual([
      {
        type: 'facility.appeared',
        returned: false,
        facility: expect.objectContaining({ city: 'DEL RIO', state: 'TX', type: expect.any(String) }),
      },
    ]);
    expect(named(events, 'EAST HIDALGO DETENTION CENTER')).toEqual([
      { type: 'facility.appeared', returned: true, lastListed: '2025-09-21', facility: expect.objectContaining({ city: 'LA VILLA' }) },
    ]);
    // Every facility reported as new was in none of the earlier lists, and every one listed before and absent last time is "back".
    const earlier = new Set(releases.slice(0, 3).flatMap((r) => r.facilities!.map((f) => `${f.name}|${f.city}`)));
    for (const e of events)
      if (e.type === 'facility.appeared' && !e.returned) expect(earlier.has(`${e.facility.name}|${e.facility.city}`)).toBe(false);
  });

  test('a renamed facility is reported once, as a rename: Cambria County Jail, PA -> Cambria County Prison (same address), never new + no longer listed', () => {
    const events = eventsOf(3);
    expect(named(events, 'CAMBRIA COUNTY PRISON')).toEqual([
      {
        type: 'facility.renamed',
        evidence: 'address',
        previous: expect.objectContaining({ name: 'CAMBRIA COUNTY JAIL, PA', address: '425 MANOR DRIVE' }),
        facility: expect.objectContaining({ name: 'CAMBRIA COUNTY PRISON', address: '425 MANOR DRIVE' }),
      },
    ]);
    expect(named(events, 'CAMBRIA COUNTY JAIL, PA')).toHaveLength(1);
  });

  test('2025-09-21 -> 2026-01-07: renames by new name at the same address and by spelling, each once', () => {
    const renames = eventsOf(2)
      .filter((e) => e.type === 'facility.renamed')
      .map(
        (e) =>
          e.type === 'facility.renamed' &&
          `${e.previous.name} (${e.previous.city}) -> ${e.facility.name} (${e.facility.city}): ${e.evidence}`,
      );
    expect(renames).toEqual(
      expect.arrayContaining([
        'CALIFORNIA CITY CORRECTIONAL CENTER (CALIFORNIA CITY) -> CALIFORNIA CITY IMMIGRATION PROCESSING CENTER (CALIFORNIA CITY): address',
        'DOD DETENTION FACILITY AT FORT BLISS (EL PASO) -> ERO EL PASO CAMP EAST MONTANA (EL PASO): address',
        'NORTH LAKE CORRECTIONAL F (BALDWIN) -> NORTH LAKE CORRECTIONAL FACILITY (BALDWIN): spelling',
        'BROOME COUNTY JAIL (BINGHAMPTON) -> BROOME COUNTY JAIL (BINGHAMTON): spelling',
      ]),
    );
    const names = eventsOf(2).flatMap((e) => ('facility' in e ? [e.facility.name] : []));
    expect(names.filter((n) => n === 'ERO EL PASO CAMP EAST MONTANA')).toHaveLength(1);
  });

  test('abbreviations and a state ICE appends are the same name: no event (Pickens County Det Ctr, Phelps County Jail (NE))', () => {
    const events = eventsOf(1);
    expect(named(events, 'PICKENS COUNTY DETENTION CENTER')).toEqual([]);
    expect(named(events, 'PHELPS COUNTY JAIL (NE)')).toEqual([]);
  });

  test('different names at different addresses stay two facilities (Oldham County, La Grange KY)', () => {
    const [jail] = releases[0].facilities!.filter((f) => f.name === 'OLDHAM COUNTY JAIL');
    const [center] = releases[1].facilities!.filter((f) => f.name === 'OLDHAM COUNTY DETENTION CENTER');
    expect(renameEvidence(jail, center)).toBeNull();
    const m = matchFacilities([jail], [center]);
    expect(m.same).toEqual([]);
  });

  test('across the fiscal-year rollover no state ADP move is reported (ADP restarts on October 1)', () => {
    expect(eventsOf(2).filter((e) => e.type === 'state.adp-moved')).toEqual([]);
  });

  test("a state's ADP moving past the threshold is an event; under it, or under 50, is not", () => {
    const base = releases[3];
    const previous = { ...base, asOf: '2026-01-11', facilities: base.facilities };
    const scaled = (k: number, state = 'TX') => ({
      ...base,
      facilities: base.facilities!.map((f) => (f.state === state ? { ...f, adp: f.adp * k } : f)),
    });
    const moved = (k: number, percent: number, state = 'TX') =>
      detectFacilityChanges([previous], scaled(k, state), { ...DEFAULT_FACILITY_SETTINGS, adpChangePercent: percent }).flatMap((c) =>
        c.events.filter((e) => e.type === 'state.adp-moved').map((e) => ({ state: c.stateCode, e })),
      );
    const txAdp = base.facilities!.filter((f) => f.state === 'TX').reduce((s, f) => s + f.adp, 0);
    expect(moved(1.2, 10)).toEqual([
      {
        state: 'TX',
        e: {
          type: 'state.adp-moved',
          previous: expect.closeTo(txAdp, 3),
          next: expect.closeTo(txAdp * 1.2, 3),
          change: expect.closeTo(txAdp * 0.2, 3),
          percent: expect.closeTo(20, 6),
        },
      },
    ]);
    expect(moved(1.2, 25)).toEqual([]);
    expect(moved(0.85, 10).map((m) => m.state)).toEqual(['TX']);
    // A state with little detention (ADP 20 to 150): +30% is a big share but under 50, not news.
    const adpOf = (state: string) => base.facilities!.filter((f) => f.state === state).reduce((s, f) => s + f.adp, 0);
    const small = [...new Set(base.facilities!.map((f) => f.state))].find((s) => adpOf(s) > 20 && adpOf(s) < 150)!;
    expect(moved(1.3, 10, small)).toEqual([]);
    expect(moved(1.3, 10, 'TX').map((m) => m.state)).toEqual(['TX']);
  });

  test('a facility keeps one identity through renames and absences across the four releases', () => {
    const { facilities } = trackFacilities(releases);
    const camp = facilities.find((f) => f.points.some((p) => p.row.name === 'ERO EL PASO CAMP EAST MONTANA'))!;
    expect(camp.points.map((p) => `${p.asOf} ${p.row.name}`)).toEqual([
      '2025-09-21 DOD DETENTION FACILITY AT FORT BLISS',
      '2026-01-07 ERO EL PASO CAMP EAST MONTANA',
      '2026-01-25 ERO EL PASO CAMP EAST MONTANA',
    ]);
  });
});
