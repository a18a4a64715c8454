import { agencyKey, agencyLocality, canonicalAgencyName } from '../../src/domain/agency';
import { matchRenames } from '../../src/domain/renames';
import type { Agreement } from '../../src/domain/types';

const row = (agency: string, over: Partial<Agreement> = {}): Agreement => ({
  state: 'Florida', stateCode: 'FL', agency, agencyKey: agencyKey(agency), type: null, county: null,
  model: 'TFM', signed: '2025-02-28', moaUrl: null, addendumUrl: null, ...over,
});

describe('agency names', () => {
  test.each([
    ["Sheriff's Office ", 'sheriffs office'],
    ['SHERIFFS  OFFICE', 'sheriffs office'],
    ['Department of Public Safety- Criminal Investigations Division', 'department of public safety criminal investigations division'],
    ['A & B Police', 'a and b police'],
  ])('agencyKey(%j) is %j', (name, key) => expect(agencyKey(name)).toBe(key));

  test.each([
    ['Tampa PD', 'Tampa Police Department'],
    ['Panama City Police Dept.', 'Panama City Police Department'],
    ['Gulf County BOCC', 'Gulf County Board of County Commissioners'],
    ['Department of Corrections', 'Alaska Department of Corrections'],
    ['Office of the Attorney General', 'Texas Office of the Attorney General'],
    ['Ft. Myers Police Department', 'Fort Myers Police Department'],
  ])('%j and %j have one canonical name', (a, b) => expect(canonicalAgencyName(a)).toBe(canonicalAgencyName(b)));

  test('different agencies keep different canonical names', () => {
    expect(canonicalAgencyName('Tampa Police Department')).not.toBe(canonicalAgencyName('Temple Police Department'));
    expect(canonicalAgencyName('Lee County Sheriff’s Office')).not.toBe(canonicalAgencyName('Levy County Sheriff’s Office'));
  });

  test('the locality is the place before the kind of agency', () => {
    expect(agencyLocality('Pasco County BOCC')).toBe('pasco county');
    expect(agencyLocality("Pasco County Sheriff's Office")).toBe('pasco county');
    expect(agencyLocality('Department of Corrections')).toBe('');
  });
});

describe('matchRenames', () => {
  test('pairs an abbreviation fix, needs the same model and SIGNED date', () => {
    const pairs = matchRenames([row('Tampa PD')], [row('Tampa Police Department')]);
    expect(pairs.map((p) => p.rule)).toEqual(['same-name']);
    expect(matchRenames([row('Tampa PD')], [row('Tampa Police Department', { signed: '2025-03-01' })])).toEqual([]);
    expect(matchRenames([row('Tampa PD')], [row('Tampa Police Department', { model: 'WSO' })])).toEqual([]);
  });

  test('pairs a one-letter typo, never two unrelated agencies of one state and date', () => {
    expect(matchRenames([row('Indialantic Police Department')], [row('Indiatlantic Police Department')]).map((p) => p.rule)).toEqual(['near-name']);
    expect(matchRenames([row('Tampa Police Department')], [row('Miami Police Department')])).toEqual([]);
  });

  test('same-place needs exactly one candidate on each side', () => {
    expect(matchRenames([row('Pasco County BOCC')], [row("Pasco County Sheriff's Office")]).map((p) => p.rule)).toEqual(['same-place']);
    expect(matchRenames([row('Pasco County BOCC')], [row("Pasco County Sheriff's Office"), row('Pasco County Jail')])).toEqual([]);
  });

  test('a row moved to another state with the same date is a correction', () => {
    const from = row("Cass County Sheriff's Office", { state: 'Montana', stateCode: 'MT' });
    const to = row("Cass County Sheriff's Office", { state: 'Minnesota', stateCode: 'MN' });
    expect(matchRenames([from], [to])).toEqual([{ from, to, rule: 'moved-state' }]);
  });

  test('each row is paired at most once, best match first', () => {
    const removed = [row('Tampa PD'), row('Tampa P.D.')];
    const added = [row('Tampa Police Department')];
    expect(matchRenames(removed, added)).toHaveLength(1);
  });
});
