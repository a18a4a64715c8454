import {
  normalizeAgreementRow,
  normalizeCounty,
  normalizeModel,
  normalizeState,
  parseSignedDate,
} from '../../../src/domain/agreements/normalize';

describe('normalizeModel', () => {
  it.each([
    ['Jail Enforcement Model ', 'JEM'],
    ['Task Force Model', 'TFM'],
    ['Warrant Service Officer', 'WSO'],
    ['WARRANT\u00a0SERVICE  officer', 'WSO'],
    ['jem', 'JEM'],
    ['TFM', 'TFM'],
    ['Task Force Model (TFM)', 'TFM'],
  ])('maps the published spelling %j to %s without a warning', (raw, code) => {
    expect(normalizeModel(raw)).toEqual({ model: code, warning: null });
  });

  it.each([
    ['Warrant Service Office', 'WSO'],
    ['Warrant Services Officer', 'WSO'],
    ['Jail Enforcment Model', 'JEM'],
    ['Task Force', 'TFM'],
  ])('maps the typo %j to %s with a warning naming both', (raw, code) => {
    expect(normalizeModel(raw)).toEqual({ model: code, warning: `model '${raw}' read as ${code}` });
  });

  it('keeps an unknown model as published, cleaned, with a warning', () => {
    const result = normalizeModel(' Border  Enforcement\u00a0Model ');
    expect(result.model).toBe('Border Enforcement Model');
    expect(result.warning).toMatch(/'Border Enforcement Model' is not a 287\(g\) model/);
  });

  it('does not guess a model from a short unknown code', () => {
    expect(normalizeModel('JEN').model).toBe('JEN');
    expect(normalizeModel('JEN').warning).not.toBeNull();
  });

  it('reports a blank model', () => {
    expect(normalizeModel('  ')).toEqual({ model: '', warning: 'SUPPORT TYPE is blank' });
  });
});

describe('normalizeState', () => {
  it.each([
    ['TEXAS ', 'Texas', 'TX'],
    ['NEW HAMPSHIRE\u00a0', 'New Hampshire', 'NH'],
    ['GUAM', 'Guam', 'GU'],
    ['NORTHERN MARIANA ISLANDS ', 'Northern Mariana Islands', 'MP'],
    ['DISTRICT OF COLUMBIA', 'District of Columbia', 'DC'],
    ['tx', 'Texas', 'TX'],
  ])('maps %j to %s (%s) without a warning', (raw, state, code) => {
    expect(normalizeState(raw)).toEqual({ state, stateCode: code, warning: null });
  });

  it('maps a near miss to the state with a warning', () => {
    expect(normalizeState('TEXS')).toEqual({ state: 'Texas', stateCode: 'TX', warning: "state 'TEXS' read as Texas" });
    expect(normalizeState('MASSACHUSETS').stateCode).toBe('MA');
  });

  it('keeps an unmatched state title-cased with no code and a warning', () => {
    const result = normalizeState('ATLANTIS ');
    expect(result).toMatchObject({ state: 'Atlantis', stateCode: null });
    expect(result.warning).toMatch(/'ATLANTIS' matched no U\.S\. state/);
  });

  it('reports a blank state', () => {
    expect(normalizeState('')).toEqual({ state: '', stateCode: null, warning: 'STATE is blank' });
  });

  it('returns equal results for repeated calls (the results are cached and frozen)', () => {
    const first = normalizeState('FLORIDA');
    expect(normalizeState('FLORIDA')).toEqual(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});

describe('normalizeCounty', () => {
  it.each([['#N/A'], ['N/A'], ['NA'], ['#NA'], [''], ['  '], [null], [undefined], [{ error: '#N/A' }]])('reads %j as no county', (raw) => {
    expect(normalizeCounty(raw)).toBeNull();
  });

  it('cleans a county name', () => {
    expect(normalizeCounty('Bossier Parish ')).toBe('Bossier Parish');
    expect(normalizeCounty('St.\u00a0Tammany  Parish')).toBe('St. Tammany Parish');
    expect(normalizeCounty({ text: 'Etowah County' })).toBe('Etowah County');
  });
});

describe('parseSignedDate', () => {
  it('reads an Excel serial with the 1899-12-30 epoch', () => {
    expect(parseSignedDate(45785)).toEqual({ signed: '2025-05-08', warning: null });
    expect(parseSignedDate(43991)).toEqual({ signed: '2020-06-09', warning: null });
  });

  it('reads a Date by its UTC components (exceljs gives UTC midnight)', () => {
    expect(parseSignedDate(new Date('2025-02-26T00:00:00.000Z'))).toEqual({ signed: '2025-02-26', warning: null });
  });

  it.each([
    ['2025-02-26', '2025-02-26'],
    ['2/26/2025', '2025-02-26'],
    ['02/26/25', '2025-02-26'],
    [' 3/7/2025 ', '2025-03-07'],
    ['45785', '2025-05-08'],
  ])('reads the text %j as %s', (raw, iso) => {
    expect(parseSignedDate(raw)).toEqual({ signed: iso, warning: null });
  });

  it('repairs a US date missing its second slash, with a warning', () => {
    expect(parseSignedDate('05/082025')).toEqual({ signed: '2025-05-08', warning: "SIGNED '05/082025' read as 2025-05-08" });
  });

  it.each([['soon'], ['2/30/2025'], ['13/01/2025'], [0], [Number.NaN]])('rejects %p with a warning', (raw) => {
    const result = parseSignedDate(raw);
    expect(result.signed).toBeNull();
    expect(result.warning).toMatch(/^SIGNED '.*' is not a date$/);
  });

  it('rejects an invalid Date and a blank cell', () => {
    expect(parseSignedDate(new Date(Number.NaN)).signed).toBeNull();
    expect(parseSignedDate('')).toEqual({ signed: null, warning: 'SIGNED is blank' });
    expect(parseSignedDate(null)).toEqual({ signed: null, warning: 'SIGNED is blank' });
  });
});

describe('normalizeAgreementRow', () => {
  const base = {
    state: 'TEXAS ',
    agency: "Autauga County Sheriff's Office ",
    type: 'County ',
    county: { error: '#N/A' },
    model: 'Jail Enforcement Model ',
    signed: new Date('2025-09-22T00:00:00.000Z'),
    moaUrl: 'https:/www.ice.gov/doclib/287gMOA/x.pdf',
    addendumUrl: null,
  };

  it('normalizes every column of a clean row without warnings', () => {
    expect(normalizeAgreementRow(base)).toEqual({
      agreement: {
        state: 'Texas',
        stateCode: 'TX',
        agency: "Autauga County Sheriff's Office",
        agencyKey: 'autauga county sheriffs office',
        type: 'County',
        county: null,
        model: 'JEM',
        signed: '2025-09-22',
        moaUrl: 'https://www.ice.gov/doclib/287gMOA/x.pdf',
        addendumUrl: null,
      },
      warnings: [],
    });
  });

  it('collects the warnings of every column', () => {
    const { agreement, warnings } = normalizeAgreementRow({ ...base, state: 'TEXS', model: 'Warrant Services Officer', signed: 'soon' });
    expect(agreement).toMatchObject({ stateCode: 'TX', model: 'WSO', signed: null });
    expect(warnings).toEqual(["state 'TEXS' read as Texas", "model 'Warrant Services Officer' read as WSO", "SIGNED 'soon' is not a date"]);
  });

  it('does not warn about SIGNED when the list has no SIGNED column (undefined)', () => {
    const { agreement, warnings } = normalizeAgreementRow({ ...base, signed: undefined, type: '' });
    expect(agreement.signed).toBeNull();
    expect(agreement.type).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('keeps a row with a blank state, with a warning', () => {
    const { agreement, warnings } = normalizeAgreementRow({ ...base, state: '' });
    expect(agreement).toMatchObject({ state: '', stateCode: null, agency: "Autauga County Sheriff's Office" });
    expect(warnings).toEqual(['STATE is blank']);
  });
});
