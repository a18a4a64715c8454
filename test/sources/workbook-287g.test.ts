import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Agreement, ParsedList } from '../../src/domain/types';
import { WorkbookFormatError, WorkbookSchemaError } from '../../src/sources/errors';
import { parse287gWorkbook } from '../../src/sources/workbook-287g';

const FIXTURES = path.join(__dirname, '../fixtures/287g');
const fixtureBytes = (file: string) => readFileSync(path.join(FIXTURES, file));

/** Each fixture is parsed once per run; several tests look at the same file. */
const parsed = new Map<string, Promise<ParsedList>>();
function parseFixture(file: string): Promise<ParsedList> {
  if (!parsed.has(file)) parsed.set(file, parse287gWorkbook(fixtureBytes(file)));
  return parsed.get(file)!;
}

async function workbookBytes(rows: ExcelJS.CellValue[][], sheetName = 'Sheet1'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  for (const [i, values] of rows.entries()) for (const [j, v] of values.entries()) sheet.getCell(i + 1, j + 1).value = v;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function countBy<T>(rows: Agreement[], key: (a: Agreement) => T): Map<T, number> {
  const counts = new Map<T, number>();
  for (const r of rows) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  return counts;
}

function findRow(list: ParsedList, agency: string, model: string, stateCode?: string): Agreement {
  const hits = list.rows.filter((r) => r.agency === agency && r.model === model && (!stateCode || r.stateCode === stateCode));
  expect(hits).toHaveLength(1);
  return hits[0];
}

describe('parse287gWorkbook on real ICE files', () => {
  it.each([
    ['participating/participatingAgencies-20250221214937.xlsx', 151, 'participating'],
    ['participating/participatingAgencies-20250226183301.xlsx', 239, 'participating'],
    ['participating/participatingAgencies03062025am.xlsx', 308, 'participating'],
    ['participating/participatingAgencies-20250317231040.xlsx', 360, 'participating'],
    ['participating/participatingAgencies05162025am.xlsx', 571, 'participating'],
    ['participating/participatingAgencies05192025pm.xlsx', 588, 'participating'],
    ['participating/participatingAgencies05292025am.xlsx', 635, 'participating'],
    ['participating/participatingAgencies07012025pm.xlsx', 744, 'participating'],
    ['participating/participatingAgencies09222025am.xlsx', 1000, 'participating'],
    ['participating/participatingAgencies09222025pm.xlsx', 42, 'pending'], // ICE swapped the two files
    ['participating/participatingAgencies10162025pm.xlsx', 1033, 'participating'],
    ['participating/participatingAgencies10172025mid.xlsx', 1096, 'participating'],
    ['participating/participatingAgencies12122025pm.xlsx', 1245, 'participating'],
    ['pending/pendingAgencies-20250221214937.xlsx', 41, 'pending'],
    ['pending/pendingAgencies05152025am.xlsx', 92, 'pending'],
    ['pending/pendingAgencies09222025am.xlsx', 39, 'pending'],
    ['pending/pendingAgencies09222025pm.xlsx', 1000, 'participating'], // the other half of the swap
    ['pending/pendingAgencies02272026am.xlsx', 2, 'pending'],
    ['derived/ParticipatingEntities-20250122000249.xlsx', 135, 'participating'],
  ])('%s has %i rows and reads as %s, every row with a known state and model', async (file, count, kind) => {
    const list = await parseFixture(file);
    expect(list.rows).toHaveLength(count);
    expect(list.detectedKind).toBe(kind);
    expect(list.rows.filter((r) => !r.stateCode || !['JEM', 'TFM', 'WSO'].includes(r.model))).toEqual([]);
    expect(list.rows.every((r) => r.agency.length > 0 && r.agency === r.agency.trim())).toBe(true);
  });

  it('splits 05292025am into 100 JEM / 307 TFM / 228 WSO (ICE\'s "635 MOAs")', async () => {
    const list = await parseFixture('participating/participatingAgencies05292025am.xlsx');
    expect(Object.fromEntries(countBy(list.rows, (r) => r.model))).toEqual({ JEM: 100, TFM: 307, WSO: 228 });
  });

  it('splits 02-21 into 60 JEM / 11 TFM / 80 WSO in 22 states, with the header of that era', async () => {
    const list = await parseFixture('participating/participatingAgencies-20250221214937.xlsx');
    expect(Object.fromEntries(countBy(list.rows, (r) => r.model))).toEqual({ JEM: 60, TFM: 11, WSO: 80 });
    expect(countBy(list.rows, (r) => r.stateCode).size).toBe(22);
    expect(list.headers).toEqual(['STATE', 'LAW ENFORCEMENT AGENCY', 'TYPE', 'SUPPORT TYPE', 'SIGNED', 'MOA']);
    expect(list.rows.every((r) => r.county === null)).toBe(true);
    expect(list.warnings).toEqual([]);
  });

  it('reads the derived January 2025 file: ISO text dates, no TYPE, MOA URLs as plain text', async () => {
    const list = await parseFixture('derived/ParticipatingEntities-20250122000249.xlsx');
    expect(list.sheetName).toBe('287(g) Agreements');
    expect(list.headers).toEqual(['STATE', 'LAW ENFORCEMENT AGENCY', 'SUPPORT TYPE', 'SIGNED', 'MOA']);
    expect(Object.fromEntries(countBy(list.rows, (r) => r.model))).toEqual({ JEM: 60, WSO: 75 });
    expect(countBy(list.rows, (r) => r.stateCode).size).toBe(21);
    expect(list.rows.every((r) => r.type === null && /^\d{4}-\d\d-\d\d$/.test(r.signed ?? ''))).toBe(true);
    expect(findRow(list, "Etowah County Sheriff's Office", 'JEM')).toMatchObject({
      state: 'Alabama',
      signed: '2020-06-09',
      // The text had a literal space; it is encoded so the link opens.
      moaUrl: 'https://web.archive.org/web/20250122000249/https://www.ice.gov/doclib/287gMOA/287gJEM_%20etowahCoAL_06-09-2020.pdf',
    });
  });

  it('unwraps the safelinks-wrapped MOA of Colbert County (07012025pm) and reads the ADDENDUM hyperlink', async () => {
    const list = await parseFixture('participating/participatingAgencies07012025pm.xlsx');
    expect(list.headers).toEqual(['STATE', 'LAW ENFORCEMENT AGENCY', 'TYPE', 'COUNTY', 'SUPPORT TYPE', 'SIGNED', 'MOA', 'ADDENDUM']);
    expect(findRow(list, "Colbert County Sheriff's Office", 'WSO', 'AL')).toMatchObject({
      county: 'Colbert County',
      signed: '2025-05-08',
      moaUrl: 'https://www.ice.gov/doclib/287gMOA/ColbertCoSheriffsOfficeAL_WSO_MOA_05.08.25.pdf',
    });
    expect(findRow(list, "Lafayette County Sheriff's Office", 'WSO', 'FL')).toMatchObject({
      county: 'Lafayette County', // published with a trailing space
      moaUrl: 'https://www.ice.gov/doclib/287gMOA/287gWSO_LafayetteCoFl2019-10-15.pdf',
      addendumUrl: 'https://www.ice.gov/doclib/287gMOA/LafayetteCoSheriffsOfficeFL_WSO_MOA_06252025.pdf',
    });
    expect(findRow(list, "Cherokee County Sheriff's Office", 'WSO', 'AL').moaUrl).toBeNull(); // "link pending"
    expect(list.rows.some((r) => /safelinks/.test(`${r.moaUrl} ${r.addendumUrl}`))).toBe(false);
  });

  it('repairs the University of Florida MOA link (chrome-extension://…/https:/www…) in 09222025am', async () => {
    const list = await parseFixture('participating/participatingAgencies09222025am.xlsx');
    expect(findRow(list, 'University of Florida Police Department', 'TFM').moaUrl).toBe(
      'https://www.ice.gov/doclib/287gMOA/UnivFLPDFL_TFM_MOA_041525.pdf',
    );
  });

  it('reads COUNTY #N/A (an error cell) as no county', async () => {
    const list = await parseFixture('pending/pendingAgencies05152025am.xlsx');
    expect(findRow(list, 'Level Plains Police Department', 'TFM')).toMatchObject({ state: 'Alabama', county: null, signed: null });
    expect(findRow(list, "Houston County Sheriff's Office", 'JEM').county).toBe('Houston County');
  });

  it('cleans trailing spaces in agency, type and model (10172025mid)', async () => {
    const list = await parseFixture('participating/participatingAgencies10172025mid.xlsx');
    expect(findRow(list, "Autauga County Sheriff's Office", 'JEM')).toMatchObject({
      stateCode: 'AL',
      type: 'County',
      agencyKey: 'autauga county sheriffs office',
      signed: '2025-09-22',
      moaUrl: null,
    });
    expect(findRow(list, 'Office Of The Attorney General', 'TFM', 'GU')).toMatchObject({ state: 'Guam', county: 'Kattan District' });
  });

  it('repairs the Campbell County VA date typed as "05/082025", with a warning naming the row', async () => {
    const list = await parseFixture('participating/participatingAgencies05162025am.xlsx');
    expect(findRow(list, "Campbell County Sheriff's Office", 'TFM', 'VA').signed).toBe('2025-05-08');
    expect(list.warnings).toEqual(["SIGNED '05/082025' read as 2025-05-08 (row 545)"]);
  });

  it('parses the byte-identical halves of the 2025-09-22 swap to the same rows', async () => {
    const a = await parseFixture('participating/participatingAgencies09222025am.xlsx');
    const b = await parseFixture('pending/pendingAgencies09222025pm.xlsx');
    expect(b.rows).toEqual(a.rows);
  });
});

describe('parse287gWorkbook on bytes that are not a workbook', () => {
  const reject = async (bytes: Buffer) =>
    parse287gWorkbook(bytes).then(
      () => 'parsed',
      (err: unknown) => err,
    );

  it('refuses an HTML page served with status 200', async () => {
    const err = await reject(Buffer.from('\ufeff  <!DOCTYPE html><html><head><title>Access Denied</title></head></html>'));
    expect(err).toBeInstanceOf(WorkbookFormatError);
    expect(err).toMatchObject({ name: 'WorkbookFormatError', reason: 'html' });
    expect((err as Error).message).toMatch(/^not a workbook: the body is an HTML page \(starts with <!DOCTYPE html>/);
  });

  it('refuses a truncated copy of a real file (first half of its bytes)', async () => {
    const bytes = fixtureBytes('participating/participatingAgencies12122025pm.xlsx');
    const err = await reject(bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(err).toBeInstanceOf(WorkbookFormatError);
    expect(err).toMatchObject({ reason: 'truncated' });
    expect((err as Error).message).toMatch(/^not a workbook: truncated or corrupt ZIP \(.+\)$/);
  });

  it('refuses an empty body and a body that is not a ZIP', async () => {
    expect(await reject(Buffer.alloc(0))).toMatchObject({ reason: 'empty', message: 'not a workbook: empty body (0 bytes)' });
    const pdf = await reject(Buffer.from('%PDF-1.7\n...'));
    expect(pdf).toBeInstanceOf(WorkbookFormatError);
    expect(pdf).toMatchObject({ reason: 'not-zip', message: 'not a workbook: not a ZIP file (starts with bytes 25 50 44 46)' });
  });

  it('refuses a workbook without rows as a schema error', async () => {
    const err = await reject(await workbookBytes([]));
    expect(err).toBeInstanceOf(WorkbookSchemaError);
    expect(err).toMatchObject({ name: 'WorkbookSchemaError', reason: 'no-rows', message: 'empty workbook: no rows' });
  });

  it('refuses a workbook whose header lacks SUPPORT TYPE', async () => {
    const err = await reject(
      await workbookBytes([
        ['STATE', 'LAW ENFORCEMENT AGENCY', 'SIGNED'],
        ['TEXAS', 'Tarrant County Sheriff', 45785],
      ]),
    );
    expect(err).toBeInstanceOf(WorkbookSchemaError);
    expect(err).toMatchObject({ reason: 'no-header' });
    expect((err as Error).message).toMatch(/sheets: 'Sheet1'/);
  });
});

describe('parse287gWorkbook on workbooks built here', () => {
  it('reads a shuffled layout (title rows, moved columns, empty trailing columns) like the original', async () => {
    const file = 'participating/participatingAgencies07012025pm.xlsx';
    const original = await parseFixture(file);
    const source = new ExcelJS.Workbook();
    await source.xlsx.load(fixtureBytes(file) as unknown as ExcelJS.Buffer);
    const sheet = source.worksheets[0];
    // Original columns: 1 STATE, 2 AGENCY, 3 TYPE, 4 COUNTY, 5 SUPPORT TYPE, 6 SIGNED, 7 MOA, 8 ADDENDUM.
    const order = [7, 5, 4, 2, 6, 1, 8, 3];
    const copied: ExcelJS.CellValue[][] = [];
    sheet.eachRow((row) => copied.push([...order.map((c) => row.getCell(c).value), '', '', '', '', '']));
    copied[0] = copied[0].map((v) => (v === '' ? '' : ` ${String(v).toLowerCase()}\u00a0`)); // case and spacing vary too
    const extra = (state: string, agency: string) => ['link pending', 'Task Force Model', null, agency, 46000, state, null, 'State Agency'];
    const rows = [
      ['ICE 287(g) participating agencies'],
      [],
      ...copied.slice(0, 400),
      [null, null, null, null, null, null, null, null, ' ', ' '], // a blank padding row
      ...copied.slice(400),
      extra('GUAM', 'Guam Police Department'),
      extra('NORTHERN MARIANA ISLANDS ', 'Department of Corrections'),
    ];
    const list = await parse287gWorkbook(await workbookBytes(rows, 'Agencies'));

    expect(list.sheetName).toBe('Agencies');
    expect(list.detectedKind).toBe('participating');
    expect(list.headers).toEqual(['moa', 'support type', 'county', 'law enforcement agency', 'signed', 'state', 'addendum', 'type']);
    expect(list.rows).toHaveLength(original.rows.length + 2);
    expect(list.rows.slice(0, -2)).toEqual(original.rows);
    expect(list.rows.slice(-2)).toEqual([
      expect.objectContaining({ state: 'Guam', stateCode: 'GU', model: 'TFM', signed: '2025-12-09', type: 'State Agency' }),
      expect.objectContaining({ state: 'Northern Mariana Islands', stateCode: 'MP', agency: 'Department of Corrections' }),
    ]);
    expect(list.warnings).toEqual(original.warnings.map((w) => w.replace('(row 698)', '(row 701)')));
  });

  it('reads a list without SIGNED as pending and warns about typos, once per cause with its rows', async () => {
    const list = await parse287gWorkbook(
      await workbookBytes([
        ['STATE', 'LAW ENFORCEMENT AGENCY (LEA)', 'SUPPORT TYPE'],
        ['TEXS', 'Tarrant County Sheriff', 'Warrant Services Officer'],
        ['TEXAS', 'Lubbock County Sheriff', 'Warrant Services Officer'],
        ['TEXAS', 'Harris County Sheriff', 'Border Liaison Model'],
        ['', 'Nowhere Police Department', 'Jail Enforcement Model'],
        ['OHIO', '', 'Task Force Model'],
        ['OHIO', 'Butler County Sheriff', 'Warrant Services Officer'],
      ]),
    );
    expect(list.detectedKind).toBe('pending');
    expect(list.rows.map((r) => [r.stateCode, r.agency, r.model, r.signed])).toEqual([
      ['TX', 'Tarrant County Sheriff', 'WSO', null],
      ['TX', 'Lubbock County Sheriff', 'WSO', null],
      ['TX', 'Harris County Sheriff', 'Border Liaison Model', null],
      [null, 'Nowhere Police Department', 'JEM', null],
      ['OH', 'Butler County Sheriff', 'WSO', null],
    ]);
    expect(list.warnings).toEqual([
      "state 'TEXS' read as Texas (row 2)",
      "model 'Warrant Services Officer' read as WSO (3 rows: 2, 3, 7)",
      "model 'Border Liaison Model' is not a 287(g) model; kept as published (row 4)",
      'STATE is blank (row 5)',
      'row without LAW ENFORCEMENT AGENCY skipped (row 6)',
    ]);
  });

  it('reads SIGNED as serial numbers, formula results, US text and "DATE SIGNED", and warns about what is not a date', async () => {
    const list = await parse287gWorkbook(
      await workbookBytes([
        ['State', 'Agency', 'Model', 'Date Signed', 'MOA'],
        ['FLORIDA', 'Tampa Police Department', 'TFM', 45785, { text: 'link', hyperlink: 'https:/www.ice.gov/doclib/287gMOA/Tampa.pdf' }],
        ['FLORIDA', 'Miami Police Department', 'TFM', '2/26/2025', 'link pending'],
        ['FLORIDA', 'Ocala Police Department', 'TFM', 'TBD', { text: 'mail', hyperlink: 'mailto:287g@ice.dhs.gov' }],
        ['FLORIDA', 'Lee County Sheriff', 'WSO', { formula: 'DATE(2025,5,8)', result: 45785 }, null],
        ['FLORIDA', 'Polk County Sheriff', 'WSO', { error: '#N/A' }, null],
      ]),
    );
    expect(list.detectedKind).toBe('participating');
    expect(list.rows.map((r) => [r.signed, r.moaUrl])).toEqual([
      ['2025-05-08', 'https://www.ice.gov/doclib/287gMOA/Tampa.pdf'],
      ['2025-02-26', null],
      [null, null],
      ['2025-05-08', null],
      [null, null],
    ]);
    expect(list.warnings).toEqual(["SIGNED 'TBD' is not a date (row 4)", "SIGNED '#N/A' is not a date (row 6)"]);
  });
});
