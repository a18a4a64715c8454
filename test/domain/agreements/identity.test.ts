import { agencyKey, agencyLocality, canonicalAgencyName } from '../../../src/domain/agreements/agency';
import { diffLists } from '../../../src/domain/agreements/diff';
import type { ListEvent } from '../../../src/domain/agreements/events';
import { activeAgreements, documentKey, groupAgreements } from '../../../src/domain/agreements/identity';
import { pairAgreements } from '../../../src/domain/agreements/pairing';
import type { Agreement } from '../../../src/domain/types';

const row = (agency: string, over: Partial<Agreement> = {}): Agreement => ({
  state: 'Florida',
  stateCode: 'FL',
  agency,
  agencyKey: agencyKey(agency),
  type: null,
  county: null,
  model: 'TFM',
  signed: '2025-02-28',
  moaUrl: null,
  addendumUrl: null,
  ...over,
});
const moa = (file: string) => `https://www.ice.gov/doclib/287gMOA/${file}`;
const types = (events: ListEvent[]) => events.map((e) => `${e.type}${'agency' in e ? ` ${e.agency}` : ''}`);
const agreementEvents = (events: ListEvent[]) => events.filter((e) => e.type.startsWith('agreement.'));

describe('agency names', () => {
  test.each([
    ["Sheriff's Office ", 'sheriffs office'],
    ['SHERIFFS  OFFICE', 'sheriffs office'],
    ['Department of Public Safety- Criminal Investigations Division', 'department of public safety criminal investigations division'],
    ['A & B Police', 'a and b police'],
  ])('agencyKey(%j) is %j', (name, key) => expect(agencyKey(name)).toBe(key));

  test.each([
    ['Tampa PD', 'Tampa Police Department', 'FL'],
    ['Panama City Police Dept.', 'Panama City Police Department', 'FL'],
    ['Gulf County BOCC', 'Gulf County Board of County Commissioners', 'FL'],
    ['Department of Corrections', 'Alaska Department of Corrections', 'AK'],
    ['Office of the Attorney General', 'Texas Office of the Attorney General', 'TX'],
    ['Ft. Myers Police Department', 'Fort Myers Police Department', 'FL'],
    ['City of Miami Springs Police Department', 'Miami Springs Police Department', 'FL'],
    ['Town of Palm Beach Police Department', 'Palm Beach Police Department', 'FL'],
    ['MT Dept of Justice', 'Montana Department of Justice', 'MT'],
    [
      'Criminal Investigation Division, Department of Financial Services',
      'Florida Department of Financial Services, Criminal Investigation Division',
      'FL',
    ],
    ["Pettis County Sheriff's Department", "Pettis County Sheriff's Office", 'MO'],
  ])('%j and %j fold to one name (%s)', (a, b, state) => expect(canonicalAgencyName(a, state)).toBe(canonicalAgencyName(b, state)));

  test.each([
    ['Tampa Police Department', 'Temple Police Department', 'TX'],
    ["Lee County Sheriff's Office", "Levy County Sheriff's Office", 'FL'],
    ['Melbourne Beach Police Department', 'Melbourne Police Department', 'FL'],
    ['University of Florida Police Department', 'University of West Florida Police Department', 'FL'],
    ["Pima County Sheriff's Office", "Pinal County Sheriff's Office", 'AZ'],
    ['Florida Department of Law Enforcement', 'Florida Department of Environmental Protection, Division of Law Enforcement', 'FL'],
    ['Kansas City Police Department', 'City Police Department', 'MO'],
    ["Arkansas County Sheriff's Office", "Washington County Sheriff's Office", 'AR'],
  ])('%j and %j keep different names (%s)', (a, b, state) => expect(canonicalAgencyName(a, state)).not.toBe(canonicalAgencyName(b, state)));

  test('the place an agency serves', () => {
    expect(agencyLocality('Pasco County BOCC', 'FL')).toBe('pasco county');
    expect(agencyLocality("Pasco County Sheriff's Office", 'FL')).toBe('pasco county');
    expect(agencyLocality('Department of Corrections', 'VA')).toBe('');
    expect(agencyLocality('Quarryville Borough Police Department', 'PA')).toBe(agencyLocality('Quarryville Police Department', 'PA'));
    expect(agencyLocality("Hopewell County Sheriff's Office", 'VA')).toBe(agencyLocality("Hopewell Sheriff's Office", 'VA'));
    // Outside Virginia a county and a city of one name are two places.
    expect(agencyLocality("Carson County Sheriff's Office", 'TX')).not.toBe(agencyLocality("Carson Sheriff's Office", 'TX'));
  });
});

describe('documentKey', () => {
  test('one PDF is one document, whatever the host, folder or case', () => {
    expect(documentKey(moa('palmBeachPoliceDept_TFM_MOA_03072025.pdf'))).toBe('palmbeachpolicedept_tfm_moa_03072025.pdf');
    expect(documentKey('https://www.ice.gov/doclib/about/offices/ero/287g/PalmBeachPoliceDept_TFM_MOA_03072025.pdf')).toBe(
      'palmbeachpolicedept_tfm_moa_03072025.pdf',
    );
    expect(documentKey('https://www.ice.gov/doclib/287gMOA/Miami%20Springs_TFM.pdf')).toBe('miami springs_tfm.pdf');
  });
  test('a page or nothing is no document', () => {
    expect(documentKey('https://www.ice.gov/identify-and-arrest/287g')).toBeNull();
    expect(documentKey(null)).toBeNull();
    expect(documentKey('https://www.ice.gov/file-download/download/public/12345')).toBe('/file-download/download/public/12345');
  });
});

describe('groupAgreements: rows of one list that are one agreement', () => {
  test('"City of Zephyrhills Police Department" beside "Zephyrhills Police Department" (July 2025) is one agreement, the row with the MOA standing for it', () => {
    const rows = [
      row('City of Zephyrhills Police Department', { signed: '2025-04-14' }),
      row('Zephyrhills Police Department', { signed: '2025-04-14', moaUrl: moa('ZephyrHillsPoliceDeptFL_TFM_MOA_04142025.pdf') }),
    ];
    const groups = groupAgreements(rows);
    expect(groups).toHaveLength(1);
    expect(groups[0].row.agency).toBe('Zephyrhills Police Department');
    expect(groupAgreements([...rows].reverse())[0].row).toBe(groups[0].row);
  });

  test("two spellings with the same MOA and date are one; one agency's link pasted into another's row is not", () => {
    const link = moa('okaloosaCoCommishBoard_WSO_MOA_02262025.pdf');
    expect(
      groupAgreements([
        row('Okaloosa County BOCC', { model: 'WSO', moaUrl: link }),
        row("Okaloosa County Sheriff's Office", { model: 'WSO', moaUrl: link }),
      ]),
    ).toHaveLength(1);
    const satellite = moa('SatelliteBeachPoliceDeptFL_TFM_MOA_06052025.pdf');
    expect(
      groupAgreements([
        row('Satellite Beach Police Department', { moaUrl: satellite, signed: '2025-06-05' }),
        row('Sebastian Police Department', { moaUrl: satellite, signed: '2025-04-15' }),
      ]),
    ).toHaveLength(2);
    const fdep = moa('FloridaDeptEnvironProtectDivLawEnf_TFM_MOA_04252025.pdf');
    expect(
      groupAgreements([
        row('Florida Fish and Wildlife Conservation Commission', { moaUrl: fdep }),
        row('Florida Department of Environmental Protection, Division of Law Enforcement', { moaUrl: fdep }),
      ]),
    ).toHaveLength(2);
  });

  test('a link many agencies share is a page, not evidence', () => {
    const page = moa('287g_generic_MOA.pdf');
    const rows = ['Alachua', 'Apopka', 'Cocoa'].map((place) => row(`${place} Police Department`, { moaUrl: page }));
    expect(groupAgreements(rows)).toHaveLength(3);
  });

  test('two precincts of one county, signed the same day, are two agreements', () => {
    const tx = { state: 'Texas', stateCode: 'TX', signed: '2025-09-09' };
    expect(
      groupAgreements([row("Galveston County Constable's Office Pct.1", tx), row("Galveston County Constable's Office Pct.4", tx)]),
    ).toHaveLength(2);
  });

  test('counts count agreements', () => {
    const rows = [
      row('City of St. Cloud Police Department', { signed: '2025-04-15' }),
      row('St. Cloud Police Department', { signed: '2025-04-14', moaUrl: moa('StCloudPoliceDeptFL_TFM_MOA_04142025.pdf') }),
      row('Tampa Police Department'),
    ];
    expect(
      activeAgreements(rows)
        .map((r) => r.agency)
        .sort(),
    ).toEqual(['St. Cloud Police Department', 'Tampa Police Department']);
  });
});

describe('pairAgreements: the agreements that left and joined are one when the evidence says so', () => {
  const pair = (from: Agreement, to: Agreement) => pairAgreements(groupAgreements([from]), groupAgreements([to])).map((p) => p.evidence);

  test('the same MOA document, whatever the name', () => {
    const link = moa('floridaDeptAgriculture_TFM_MOA_03012025.pdf');
    expect(
      pair(row('Florida Department of Agriculture', { moaUrl: link }), row('Office of Aggricultural Law Enforcement', { moaUrl: link })),
    ).toEqual(['same-document']);
    const okaloosa = moa('okaloosaCoCommishBoard_WSO_MOA_02262025.pdf');
    expect(
      pair(
        row('Okaloosa County Corrections', { model: 'WSO', moaUrl: okaloosa }),
        row('Okaloosa County Board of County Commissioners', { model: 'WSO', moaUrl: okaloosa }),
      ),
    ).toEqual(['same-document']);
  });

  test('a misspelt name, a named unit, the same place', () => {
    expect(
      pair(
        row("Lampass County Sheriff's Office", { state: 'Texas', stateCode: 'TX' }),
        row("Lampasas County Sheriff's Office", { state: 'Texas', stateCode: 'TX' }),
      ),
    ).toEqual(['near-name']);
    expect(
      pair(
        row("Somerville County Sheriff's Office", { state: 'Texas', stateCode: 'TX', county: 'Somervill' }),
        row("Somervell County Sheriff's Office", { state: 'Texas', stateCode: 'TX', county: 'Somervell County' }),
      ),
    ).toEqual(['near-name']);
    expect(
      pair(
        row('Okaloosa County Board of County Commissioners'),
        row('Okaloosa County Board of County Commissioners / Department of Corrections'),
      ),
    ).toEqual(['named-unit']);
    expect(
      pair(
        row('Quarryville Police Department', { state: 'Pennsylvania', stateCode: 'PA' }),
        row('Quarryville Borough Police Department', { state: 'Pennsylvania', stateCode: 'PA' }),
      ),
    ).toEqual(['same-place']);
    const va = { state: 'Virginia', stateCode: 'VA', model: 'JEM', signed: '2025-07-02', county: 'Hopewell County' };
    expect(pair(row("Hopewell County Sheriff's Office", va), row("Hopewell Sheriff's Office", va))).toEqual(['same-place']);
  });

  test.each([
    ['Melbourne Beach Police Department', 'Melbourne Police Department', {}],
    ['University of Florida Police Department', 'University of West Florida Police Department', {}],
    ["Pima County Sheriff's Office", "Pinal County Sheriff's Office", { state: 'Arizona', stateCode: 'AZ' }],
    ["Lee County Sheriff's Office", "Levy County Sheriff's Office", {}],
    ["Marion County Sheriff's Office", "Mason County Sheriff's Office", { state: 'Washington', stateCode: 'WA' }],
    ["Galveston County Constable's Office Pct.1", "Galveston County Constable's Office Pct.4", { state: 'Texas', stateCode: 'TX' }],
    ['Florida Department of Law Enforcement', 'Florida Department of Environmental Protection, Division of Law Enforcement', {}],
  ])('%j and %j are two agencies: one ends and one is signed, on the same day and model', (a, b, over) => {
    expect(pair(row(a, over), row(b, over))).toEqual([]);
    const events = diffLists([row(a, over)], [row(b, over)], 'participating').events;
    expect(types(agreementEvents(events))).toEqual([`agreement.signed ${b}`, `agreement.ended ${a}`]);
  });

  test('a name and a date never pair across models, nor across dates below the name tiers', () => {
    expect(pair(row('Tampa PD'), row('Tampa Police Department', { model: 'WSO' }))).toEqual([]);
    expect(pair(row('Melbourne Beach Police Department'), row('Melbourne Police Department', { signed: '2025-03-01' }))).toEqual([]);
  });
});

describe('diffLists on the real cases of issue 12', () => {
  test('"City of Miami Springs Police Department" -> "Miami Springs Police Department", same MOA: one rename, said why', () => {
    const link = moa('MiamiSpringsPoliceDeptFL_TFM_MOA_03.26.2025.pdf');
    const events = diffLists(
      [row('City of Miami Springs Police Department', { signed: '2025-04-02', moaUrl: link })],
      [row('Miami Springs Police Department', { signed: '2025-04-02', moaUrl: link })],
      'participating',
    ).events;
    expect(events).toEqual([
      expect.objectContaining({
        type: 'agreement.renamed',
        previousAgency: 'City of Miami Springs Police Department',
        agency: 'Miami Springs Police Department',
        evidence: 'same-document',
      }),
    ]);
  });

  test('dropping a row ICE printed twice is no ending', () => {
    const zephyr = row('Zephyrhills Police Department', {
      signed: '2025-04-14',
      moaUrl: moa('ZephyrHillsPoliceDeptFL_TFM_MOA_04142025.pdf'),
    });
    expect(
      diffLists([row('City of Zephyrhills Police Department', { signed: '2025-04-14' }), zephyr], [zephyr], 'participating').events,
    ).toEqual([]);
  });

  test('St. Cloud printed twice with dates a day apart, before and after "City of" is dropped: nothing happened', () => {
    const linked = row('St. Cloud Police Department', { signed: '2025-04-14', moaUrl: moa('StCloudPoliceDeptFL_TFM_MOA_04142025.pdf') });
    const before = [row('City of St. Cloud Police Department', { signed: '2025-04-15' }), linked];
    const after = [row('St. Cloud Police Department', { signed: '2025-04-15' }), linked];
    expect(diffLists(before, after, 'participating').events).toEqual([]);
  });

  test('a re-signing: the same agency and model with a new MOA and a later date is a renewal', () => {
    const events = diffLists(
      [
        row("Jackson County Sheriff's Office", {
          state: 'Kansas',
          stateCode: 'KS',
          model: 'WSO',
          signed: '2020-07-23',
          moaUrl: moa('287gWSO_JacksonCoKS_07-23-2020.pdf'),
        }),
      ],
      [
        row("Jackson County Sheriff's Office", {
          state: 'Kansas',
          stateCode: 'KS',
          model: 'WSO',
          signed: '2025-06-01',
          moaUrl: moa('JacksonCoSheriffsOfficeKS_WSO_MOA_06012025.pdf'),
        }),
      ],
      'participating',
    ).events;
    expect(types(events)).toEqual(["agreement.renewed Jackson County Sheriff's Office"]);
  });

  test('a date ICE corrected while the MOA link is pending is a correction, with the evidence of identity', () => {
    const events = diffLists(
      [row('Northwest Florida State College Police Department', { signed: '2025-04-15' })],
      [
        row('Northwest Florida State College Police Department', {
          signed: '2025-05-08',
          moaUrl: moa('NorthwestFloridaStateCollegePoliceDeptFL_TFM_MOA_05082025.pdf'),
        }),
      ],
      'participating',
    ).events;
    expect(events).toEqual([
      expect.objectContaining({ type: 'agreement.corrected', previousSigned: '2025-04-15', signed: '2025-05-08', evidence: 'same-name' }),
    ]);
  });
});

describe('diffLists: a second printing dropped is no ending', () => {
  test('a misspelt copy printed beside the real row, then dropped: no event', () => {
    const real = row("Hopewell County Sheriff's Office", { state: 'Virginia', stateCode: 'VA', model: 'JEM', signed: '2025-07-02' });
    const typo = row("Hopewell County Sherif's Office", { state: 'Virginia', stateCode: 'VA', model: 'JEM', signed: '2025-07-02' });
    expect(diffLists([real, typo], [real], 'participating').events).toEqual([]);
  });

  test('a different agency of the same county and date ending is still an ending', () => {
    const a = row("Pasco County Sheriff's Office", { model: 'WSO', signed: '2025-02-26' });
    const b = row('Pasco County Board of County Commissioners', { model: 'WSO', signed: '2025-02-26' });
    expect(types(diffLists([a, b], [a], 'participating').events)).toEqual(['agreement.ended Pasco County Board of County Commissioners']);
  });

  test('"X County Sheriff" and "X County Sheriff\'s Office" are one agency: a re-signing under the longer name is a renewal', () => {
    const events = diffLists(
      [row('Franklin County Sheriff', { model: 'WSO', signed: '2020-03-01', moaUrl: moa('FranklinCoSheriff_WSO_2020.pdf') })],
      [
        row("Franklin County Sheriff's Office", {
          model: 'WSO',
          signed: '2025-06-01',
          moaUrl: moa('FranklinCoSheriffsOffice_WSO_MOA_06012025.pdf'),
        }),
      ],
      'participating',
    ).events;
    expect(types(events)).toEqual([
      "agreement.renewed Franklin County Sheriff's Office",
      "agreement.renamed Franklin County Sheriff's Office",
    ]);
  });
});

describe('diffLists: an agreement superseded by a re-signing did not end', () => {
  test('"Florida Department of Financial Services" re-signed as "..., Criminal Investigation Division" with a new MOA: a renewal and a rename', () => {
    const events = diffLists(
      [
        row('Florida Department of Financial Services', {
          signed: '2025-03-25',
          type: 'State Agency',
          moaUrl: moa('FloridaDFS_TFM_MOA_032025.pdf'),
        }),
      ],
      [
        row('Florida Department of Financial Services, Criminal Investigation Division', {
          signed: '2025-07-24',
          type: 'State Agency',
          moaUrl: moa('CriminalInvDivDeptFinSvcsFL_TFM_MOA_07242025.pdf'),
        }),
      ],
      'participating',
    ).events;
    expect(events).toEqual([
      expect.objectContaining({
        type: 'agreement.renewed',
        previousSigned: '2025-03-25',
        previousMoaUrl: moa('FloridaDFS_TFM_MOA_032025.pdf'),
      }),
      expect.objectContaining({
        type: 'agreement.renamed',
        evidence: 're-signed',
        previousAgency: 'Florida Department of Financial Services',
      }),
    ]);
  });

  test('another kind of agency of the same place signing later is no re-signing: one ended, one new', () => {
    const events = diffLists(
      [row('University of Central Florida Board of Trustees', { signed: '2025-04-15', type: 'State Agency' })],
      [
        row('University of Central Florida Police Department', {
          signed: '2025-07-24',
          type: 'Municipality',
          moaUrl: moa('UCFPD_TFM_07302025.pdf'),
        }),
      ],
      'participating',
    ).events;
    expect(types(events)).toEqual([
      'agreement.signed University of Central Florida Police Department',
      'agreement.ended University of Central Florida Board of Trustees',
    ]);
  });

  test('without a new MOA document a later row of the same place is not taken as a re-signing', () => {
    const before = row("Pasco County Sheriff's Office", { model: 'WSO', signed: '2025-02-26', type: 'County' });
    const after = row('Pasco County Board of County Commissioners', { model: 'WSO', signed: '2025-06-01', type: 'County' });
    expect(types(diffLists([before], [after], 'participating').events)).toEqual([
      'agreement.signed Pasco County Board of County Commissioners',
      "agreement.ended Pasco County Sheriff's Office",
    ]);
  });
});
