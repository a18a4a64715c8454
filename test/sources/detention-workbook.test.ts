import { existsSync, readdirSync, readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { compareReleases, type DetentionRelease } from '../../src/domain/totals/totals';
import { parseDetentionWorkbook } from '../../src/sources/detention-workbook';
import { WorkbookFormatError, WorkbookSchemaError } from '../../src/sources/errors';
import { cli } from '../helpers/cli';
import { DETENTION_FIXTURES, detentionPath, fixturePath } from '../helpers/fixtures';

const FY25_FEB = '2025-02-15_FY25_detentionStats02142025.xlsx';
const FY25_YEAR_END = '2025-10-30_FY25_detentionStats09252025.xlsx';
const FY26_JAN = '2026-01-09_FY26_detentionStats01082026.xlsx';
const FY26_FEB = '2026-02-03_FY26_detentionStats02022026.xlsx';

const fixtureBytes = (file: string) => readFileSync(detentionPath(file));
const parsed = new Map<string, Promise<DetentionRelease>>();
/** Each fixture is parsed once per run; several tests look at the same file. */
function parseFixture(file: string): Promise<DetentionRelease> {
  if (!parsed.has(file)) parsed.set(file, parseDetentionWorkbook(fixtureBytes(file)));
  return parsed.get(file)!;
}

/** The headline numbers of a release; its facility list is checked in test/sources/facility-sheet.test.ts. */
function headline(release: DetentionRelease): DetentionRelease {
  const { facilities: _list, facilitiesRefused: _refused, ...rest } = release;
  return { ...rest, warnings: rest.warnings.filter((w) => !w.startsWith('facility list:')) };
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

// Expected numbers read off the workbooks themselves (sheet "Detention FY2x", Footnotes for the date).
const EXPECTED: Record<string, DetentionRelease> = {
  [FY25_FEB]: {
    asOf: '2025-02-09',
    fiscalYear: 2025,
    detained: { total: 41169, ice: 19304, cbp: 21865, convictedCriminal: 11917, pendingCharges: 6714, otherImmigrationViolator: 22538 },
    bookIns: { fytdTotal: 94641, byMonth: { Oct: 23621, Nov: 21127, Dec: 22144, Jan: 21959, Feb: 5790 }, ice: 40435, cbp: 54206 },
    removals: { fytdTotal: 95474 },
    warnings: [],
  },
  [FY25_YEAR_END]: {
    asOf: '2025-09-21',
    fiscalYear: 2025,
    detained: { total: 59762, ice: 46015, cbp: 13747, convictedCriminal: 17007, pendingCharges: 15009, otherImmigrationViolator: 27746 },
    bookIns: {
      fytdTotal: 310181,
      byMonth: {
        Oct: 23613,
        Nov: 21123,
        Dec: 22122,
        Jan: 21990,
        Feb: 21630,
        Mar: 22921,
        Apr: 22817,
        May: 28880,
        Jun: 36704,
        Jul: 31262,
        Aug: 32364,
        Sep: 24755,
      },
      ice: 222832,
      cbp: 87349,
    },
    removals: { fytdTotal: 319980 },
    warnings: [],
  },
  [FY26_JAN]: {
    asOf: '2026-01-07',
    fiscalYear: 2026,
    detained: { total: 68990, ice: 57311, cbp: 11679, convictedCriminal: 17729, pendingCharges: 17881, otherImmigrationViolator: 33380 },
    bookIns: { fytdTotal: 124503, byMonth: { Oct: 41611, Nov: 38410, Dec: 42116, Jan: 2366 }, ice: 111129, cbp: 13374 },
    removals: { fytdTotal: 118164 },
    warnings: [],
  },
  [FY26_FEB]: {
    asOf: '2026-01-25',
    fiscalYear: 2026,
    detained: { total: 70766, ice: 59644, cbp: 11122, convictedCriminal: 18262, pendingCharges: 18265, otherImmigrationViolator: 34239 },
    bookIns: { fytdTotal: 154456, byMonth: { Oct: 41612, Nov: 38395, Dec: 42128, Jan: 32321 }, ice: 138435, cbp: 16021 },
    removals: { fytdTotal: 144378 },
    warnings: [],
  },
};

describe('parseDetentionWorkbook on real ICE files', () => {
  test('every fixture workbook is covered', () => {
    expect(
      readdirSync(DETENTION_FIXTURES)
        .filter((f) => f.endsWith('.xlsx'))
        .sort(),
    ).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))('%s gives its headline numbers, dated from its own footnotes', async (file) => {
    expect(headline(await parseFixture(file))).toEqual(EXPECTED[file]);
  });

  test('months after the as-of date are absent, not 0 (FY26 files hold zeros through Sep)', async () => {
    expect(Object.keys((await parseFixture(FY26_FEB)).bookIns.byMonth)).toEqual(['Oct', 'Nov', 'Dec', 'Jan']);
  });

  test('the stray "Detention EOFY2020" and "Footnotes_DEL" sheets of the 01-08-2026 file do not leak FY2020 numbers or dates', async () => {
    const release = await parseFixture(FY26_JAN);
    expect(release.fiscalYear).toBe(2026);
    expect(release.asOf).toBe('2026-01-07'); // Footnotes_DEL says "a snapshot as of 10/02/2020"
    expect(release.detained.total).toBe(68990); // the EOFY2020 sheet says 19,068
  });

  const fdDir = '/proc/self/fd';
  (existsSync(fdDir) ? test : test.skip)('skipping sheets leaks no file descriptors (exceljs parks them in temp files)', async () => {
    const bytes = fixtureBytes(FY25_YEAR_END);
    await parseDetentionWorkbook(bytes);
    const before = readdirSync(fdDir).length;
    for (let i = 0; i < 3; i++) await parseDetentionWorkbook(bytes);
    // Each parse skips 7 sheets of this file: a leak would show as 21 more.
    expect(readdirSync(fdDir).length - before).toBeLessThan(4);
  });
});

describe('compareReleases on real releases', () => {
  test('01-08-2026 -> 02-02-2026: detained and year-to-date changes, revised months, no flags', async () => {
    const c = compareReleases(await parseFixture(FY26_JAN), await parseFixture(FY26_FEB));
    expect(c).toMatchObject({
      previous: { asOf: '2026-01-07', fiscalYear: 2026 },
      next: { asOf: '2026-01-25', fiscalYear: 2026 },
      days: 18,
      fiscalYears: 'same',
      republished: null,
    });
    expect(c.detained.total).toEqual({ previous: 68990, next: 70766, change: 1776 });
    expect(c.detained.ice.change).toBe(2333);
    expect(c.detained.cbp.change).toBe(-557);
    expect(c.detained.otherImmigrationViolator.change).toBe(859);
    expect(c.bookIns.fytdTotal).toEqual({ comparable: true, previous: 124503, next: 154456, change: 29953 });
    expect(c.bookIns.ice).toEqual({ comparable: true, previous: 111129, next: 138435, change: 27306 });
    expect(c.removals.fytdTotal).toEqual({ comparable: true, previous: 118164, next: 144378, change: 26214 });
    // January was partial in the earlier release; October to December were complete and ICE revised them.
    expect(c.bookIns.revisedMonths).toEqual(['Oct', 'Nov', 'Dec']);
    expect(c.notes).toEqual(['ICE revised the book-ins of earlier months: Oct, Nov, Dec.']);
  });

  test('FY25 year end -> FY26: a rollover, year-to-date figures not subtracted across fiscal years', async () => {
    const c = compareReleases(await parseFixture(FY25_YEAR_END), await parseFixture(FY26_JAN));
    expect(c.fiscalYears).toBe('rollover');
    expect(c.removals.fytdTotal).toEqual({
      comparable: false,
      why: 'new-fiscal-year',
      previous: 319980,
      previousFiscalYear: 2025,
      next: 118164,
      nextFiscalYear: 2026,
    });
    expect(c.bookIns.fytdTotal).toMatchObject({ comparable: false, why: 'new-fiscal-year', previous: 310181, next: 124503 });
    expect(c.bookIns.revisedMonths).toEqual([]);
    expect(c.detained.total).toEqual({ previous: 59762, next: 68990, change: 9228 }); // a head count: still comparable
    expect(c.notes.join(' ')).toMatch(/FY2026 began on 2025-10-01: year-to-date book-ins and removals restarted/);
    expect(c.notes.join(' ')).toMatch(/319,980 removals as of 2025-09-21/);
    expect(c.notes.join(' ')).not.toMatch(/fell/);
  });

  test('an older fiscal year after a newer one is not subtracted either', async () => {
    const c = compareReleases(await parseFixture(FY26_FEB), await parseFixture(FY25_FEB));
    expect(c.fiscalYears).toBe('backwards');
    expect(c.removals.fytdTotal).toMatchObject({ comparable: false, why: 'earlier-fiscal-year' });
    expect(c.days).toBeLessThan(0);
  });

  test('the same workbook twice is flagged identical, with nothing changed', async () => {
    const [a, b] = await Promise.all([parseDetentionWorkbook(fixtureBytes(FY26_FEB)), parseDetentionWorkbook(fixtureBytes(FY26_FEB))]);
    const c = compareReleases(a, b);
    expect(c.republished).toBe('identical');
    expect(c.detained.total.change).toBe(0);
    expect(c.removals.fytdTotal).toMatchObject({ comparable: true, change: 0 });
    expect(c.notes).toEqual(['Same release as the one as of 2026-01-25: every number is unchanged.']);
  });

  test('the same numbers under a later date, or with ICE and CBP swapped, are flagged as republished', async () => {
    const release = await parseFixture(FY26_FEB);
    const restamped = { ...release, asOf: '2026-02-08' };
    expect(compareReleases(release, restamped)).toMatchObject({ republished: 'identical', days: 14 });
    expect(compareReleases(release, restamped).notes[0]).toMatch(/identical to the release as of 2026-01-25.*stale/);

    const swapped = { ...restamped, detained: { ...release.detained, ice: release.detained.cbp, cbp: release.detained.ice } };
    expect(compareReleases(release, swapped).republished).toBe('agencies-swapped');
    expect(compareReleases(await parseFixture(FY26_JAN), release).republished).toBeNull();
  });
});

/**
 * A small detention workbook in ICE's shape, built in the test, so tables can be moved and
 * renamed. exceljs stores xl/workbook.xml last, so these take the parser's full-load path;
 * the real fixtures above take the streaming one.
 */
interface BuildOptions {
  criminalityTitle?: string;
  removalsTitle?: string;
  /** Tables side by side as ICE lays them out (default), or stacked down column A at other rows. */
  layout?: 'ice' | 'stacked';
  detentionSheet?: string;
  /** Date the release in the Header sheet (a label and an Excel serial) instead of the Footnotes note. */
  headerDate?: boolean;
}

const SERIAL_2026_03_01 = (Date.UTC(2026, 2, 1) - Date.UTC(1899, 11, 30)) / 86_400_000;

async function buildWorkbook(options: BuildOptions = {}): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const header = workbook.addWorksheet('Header');
  header.getCell('A1').value = 'ICE Detention Statistics';
  if (options.headerDate) {
    header.getCell('A3').value = 'Data current as of';
    header.getCell('B3').value = SERIAL_2026_03_01;
  }
  workbook.addWorksheet('ATD FY26 YTD').getCell('A1').value = 'not needed';
  const sheet = workbook.addWorksheet(options.detentionSheet ?? 'Detention FY26');
  const put = (row: number, col: number, values: ExcelJS.CellValue[]) => {
    for (const [i, v] of values.entries()) sheet.getCell(row, col + i).value = v;
  };
  const criminality = (row: number, col: number) => {
    put(row, col, [options.criminalityTitle ?? 'ICE Currently Detained by Criminality and Arresting Agency: FY2026']);
    put(row + 1, col, ['Criminality', 'ICE', 'Percent ICE', 'CBP', 'Percent CBP', 'Total']);
    put(row + 2, col, ['Total', 600, 0.6, 400, 0.4, 1000]);
    put(row + 3, col, ['Convicted Criminal', 250, 0.8, 50, 0.2, 300]);
    put(row + 4, col, ['Pending Criminal Charges', 150, 0.75, 50, 0.25, 200]);
    put(row + 5, col, ['Other Immigration Violator', 200, 0.4, 300, 0.6, 500]);
  };
  const bookIns = (row: number, col: number) => {
    put(row, col, ['ICE Initial Book-Ins by Arresting Agency and Month: FY2026']);
    put(row + 1, col, ['Agency', 'Oct', 'Nov', 'Dec', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Total']);
    put(row + 2, col, ['Total', 100, 110, 120, 130, 140, 10, 0, 0, 0, 0, 0, 0, 610]);
    put(row + 3, col, ['CBP', 40, 40, 40, 40, 40, 5, null, null, null, null, null, null, 205]);
    put(row + 4, col, ['ICE  ', 60, 70, 80, 90, 100, 5, null, null, null, null, null, null, 405]);
  };
  const removals = (row: number, col: number) => {
    put(row, col, [options.removalsTitle ?? 'ICE Removals: FY2026']);
    put(row + 1, col, ['Removals', null, 'Total']);
    put(row + 2, col, ['Total', null, 777]);
    put(row + 3, col, ['Removals with a FAMU Identifier', null, 77]);
  };
  put(3, 1, ['ICE DETENTION DATA, FY2026']);
  if (options.layout === 'stacked') {
    removals(5, 1);
    bookIns(12, 1);
    criminality(20, 1);
  } else {
    criminality(11, 1);
    bookIns(11, 9);
    put(17, 1, ['ICE Initial Book-Ins by Facility Type and Criminality: FY2026']);
    removals(17, 14);
  }
  const footnotes = workbook.addWorksheet('Footnotes');
  footnotes.getCell('A4').value = 'Term';
  if (!options.headerDate) {
    footnotes.getCell('A71').value = 'ICE Currently Detained Population Breakdown';
    footnotes.getCell('B71').value =
      'ICE National Docket data are a snapshot as of 03/01/2026 (IIDS Run Date 03/02/2026; EID as of 03/01/2026).';
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const BUILT: DetentionRelease = {
  asOf: '2026-03-01',
  fiscalYear: 2026,
  detained: { total: 1000, ice: 600, cbp: 400, convictedCriminal: 300, pendingCharges: 200, otherImmigrationViolator: 500 },
  // March is present: its first day is the as-of date.
  bookIns: { fytdTotal: 610, byMonth: { Oct: 100, Nov: 110, Dec: 120, Jan: 130, Feb: 140, Mar: 10 }, ice: 405, cbp: 205 },
  removals: { fytdTotal: 777 },
  warnings: [],
};

describe('parseDetentionWorkbook finds tables by title', () => {
  test('a workbook in ICE layout parses (the builder is sound)', async () => {
    expect(headline(await parseDetentionWorkbook(await buildWorkbook()))).toEqual(BUILT);
  });

  test('tables moved to other rows and columns, and a padded sheet name, give the same numbers', async () => {
    const bytes = await buildWorkbook({ layout: 'stacked', detentionSheet: ' Detention FY26 ' });
    expect(headline(await parseDetentionWorkbook(bytes))).toEqual(BUILT);
  });

  test('an as-of date given in the Header sheet as an Excel serial is read with epoch 1899-12-30', async () => {
    expect((await parseDetentionWorkbook(await buildWorkbook({ headerDate: true }))).asOf).toBe('2026-03-01');
  });

  test('a renamed criminality table is a WorkbookSchemaError naming it, never numbers from elsewhere', async () => {
    const err = await errorOf(
      parseDetentionWorkbook(await buildWorkbook({ criminalityTitle: 'ICE Detained Population by Criminality: FY2026' })),
    );
    expect(err).toBeInstanceOf(WorkbookSchemaError);
    expect(err.message).toContain('ICE Currently Detained by Criminality and Arresting Agency');
    expect(err.message).toContain("'Detention FY26'");
  });

  test('a renamed removals table is a WorkbookSchemaError naming it', async () => {
    const err = await errorOf(parseDetentionWorkbook(await buildWorkbook({ removalsTitle: 'Removals and Returns: FY2026' })));
    expect(err).toBeInstanceOf(WorkbookSchemaError);
    expect(err.message).toMatch(/no table titled "ICE Removals: FY2026" in sheet 'Detention FY26'/);
  });

  test('a table of another fiscal year beside the detained table is refused', async () => {
    const err = await errorOf(parseDetentionWorkbook(await buildWorkbook({ removalsTitle: 'ICE Removals: FY2025' })));
    expect(err).toBeInstanceOf(WorkbookSchemaError);
    expect(err.message).toMatch(/is for FY2025/);
  });

  test('a 287(g) list is a WorkbookSchemaError saying there is no Detention sheet', async () => {
    const err = await errorOf(parseDetentionWorkbook(readFileSync(fixturePath('pendingAgencies02272026am.xlsx'))));
    expect(err).toBeInstanceOf(WorkbookSchemaError);
    expect(err.message).toMatch(/no Detention sheet/);
  });
});

describe('parseDetentionWorkbook refuses what is not a workbook', () => {
  test('an HTML body (ICE CDN answer with status 200) is a WorkbookFormatError', async () => {
    const err = await errorOf(parseDetentionWorkbook(Buffer.from('<!DOCTYPE html><html><body>Access Denied</body></html>')));
    expect(err).toBeInstanceOf(WorkbookFormatError);
    expect(err).toMatchObject({ reason: 'html' });
  });

  test('an empty body and a truncated workbook are WorkbookFormatErrors', async () => {
    expect(await errorOf(parseDetentionWorkbook(Buffer.alloc(0)))).toMatchObject({ name: 'WorkbookFormatError', reason: 'empty' });
    const bytes = fixtureBytes(FY26_FEB);
    expect(await errorOf(parseDetentionWorkbook(bytes.subarray(0, bytes.length >> 1)))).toMatchObject({
      name: 'WorkbookFormatError',
      reason: 'truncated',
    });
  });
});

describe('ice-watch totals', () => {
  test('--file <workbook> --json prints the SPEC shape with the file name as source', async () => {
    const r = await cli('totals', '--file', detentionPath(FY26_FEB), '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.json()).toEqual({ source: FY26_FEB, ...EXPECTED[FY26_FEB] });
  });

  test('without --json it prints the numbers as text (the /totals reply)', async () => {
    const r = await cli('totals', '--file', detentionPath(FY25_YEAR_END));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ICE detention statistics as of 2025-09-21: 59,762 detained');
    expect(r.stdout).toContain('Detained now: 59,762');
    expect(r.stdout).toContain('Arrested by: ICE 46,015 · CBP 13,747');
    expect(r.stdout).toContain('Removals, FY2025 to date: 319,980');
  });

  test('without --file and nothing stored yet it says how to get numbers (exit 2)', async () => {
    const saved = process.env.STORE_URL;
    process.env.STORE_URL = 'memory://';
    try {
      const r = await cli('totals', '--json');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/No detention statistics are stored yet.*--file/s);
    } finally {
      if (saved === undefined) delete process.env.STORE_URL;
      else process.env.STORE_URL = saved;
    }
  });
});
