import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { DetentionRelease } from '../../src/domain/totals/totals';
import { parseDetentionWorkbook } from '../../src/sources/detention-workbook';
import { adpByState, facilitiesFromCells } from '../helpers/facility-cells';
import { detentionPath } from '../helpers/fixtures';

const FILES = [
  '2025-02-15_FY25_detentionStats02142025.xlsx',
  '2025-10-30_FY25_detentionStats09252025.xlsx',
  '2026-01-09_FY26_detentionStats01082026.xlsx',
  '2026-02-03_FY26_detentionStats02022026.xlsx',
];

const parsed = new Map<string, Promise<DetentionRelease>>();
function parseFixture(file: string): Promise<DetentionRelease> {
  if (!parsed.has(file)) parsed.set(file, parseDetentionWorkbook(readFileSync(detentionPath(file))));
  return parsed.get(file)!;
}

/** A fixture with its facility sheet changed by `edit`, written back by exceljs. */
async function editedFixture(file: string, edit: (sheet: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(detentionPath(file));
  edit(workbook.worksheets.find((s) => /^facilities/i.test(s.name))!);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('the facility list of real ICE workbooks, against the sheet read cell by cell in the test', () => {
  test.each(FILES)('%s: the same facilities, and every state’s ADP (sum of levels A-D) to 0.001', async (file) => {
    const [release, cells] = await Promise.all([parseFixture(file), facilitiesFromCells(file)]);
    expect(release.facilitiesRefused).toBeUndefined();
    const rows = release.facilities!;
    expect(rows.length).toBe(cells.length);
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.map((r) => `${r.name}|${r.city}|${r.state}`)).toEqual(cells.map((c) => `${c.name}|${c.city}|${c.state}`));
    const expected = adpByState(cells);
    const got = adpByState(rows.map((r) => ({ name: r.name, city: r.city, state: r.state, zipCell: r.zip, adp: r.adp })));
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [state, adp] of expected) expect(Math.abs(got.get(state)! - adp)).toBeLessThan(0.001);
    // ADP is the sum of the levels, rounded to ICE's six places (no float noise like 14.7679999999999).
    for (const r of rows) {
      expect(r.adp).toBeCloseTo(r.levels.a + r.levels.b + r.levels.c + r.levels.d, 5);
      expect(Math.round(r.adp * 1e6) / 1e6).toBe(r.adp);
    }
  });

  test('ZIP codes stored as numbers get their leading zeros back (Wyatt, Central Falls RI: 2863 -> 02863; Puerto Rico 00939)', async () => {
    const file = FILES[0];
    const [release, cells] = await Promise.all([parseFixture(file), facilitiesFromCells(file)]);
    const wyattCell = cells.find((c) => c.name === 'WYATT DETENTION CENTER')!;
    expect(wyattCell.zipCell).toBe(2863);
    expect(release.facilities!.find((r) => r.name === 'WYATT DETENTION CENTER')!.zip).toBe('02863');
    const fromCells = cells.filter((c) => typeof c.zipCell === 'number').map((c) => String(c.zipCell).padStart(5, '0'));
    const parsedZips = release.facilities!.filter((r) => r.zip !== null).map((r) => r.zip);
    expect(parsedZips).toEqual(fromCells);
    expect(parsedZips).toContain('00939');
    expect(parsedZips.every((z) => /^\d{5}$/.test(z!))).toBe(true);
  });

  test('a row ICE left without classification levels counts 0 and is reported (Nevada Southern, Feb 2025)', async () => {
    const release = await parseFixture(FILES[0]);
    const row = release.facilities!.find((r) => r.name === 'NEVADA SOUTHERN DETENTION CENTER')!;
    expect(row.adp).toBe(0);
    expect(release.warnings).toEqual([expect.stringContaining('NEVADA SOUTHERN DETENTION CENTER, NV) has no classification levels')]);
  });
});

describe('the facility table found by its title and column names, or refused with a reason naming it', () => {
  const file = '2026-02-03_FY26_detentionStats02022026.xlsx';

  test('moved down 6 rows and right 2 columns, it gives the same facilities', async () => {
    const bytes = await editedFixture(file, (sheet) => {
      sheet.spliceRows(1, 0, [], [], [], [], [], []);
      sheet.spliceColumns(1, 0, [], []);
    });
    const moved = await parseDetentionWorkbook(bytes);
    expect(moved.facilitiesRefused).toBeUndefined();
    expect(moved.facilities).toEqual((await parseFixture(file)).facilities);
  });

  test('a renamed title refuses the list, names the table and sheet, and keeps the headline numbers', async () => {
    const bytes = await editedFixture(file, (sheet) => {
      sheet.getCell('A3').value = 'ICE Detention Sites, FY26';
    });
    const release = await parseDetentionWorkbook(bytes);
    expect(release.facilities).toBeUndefined();
    expect(release.facilitiesRefused).toBe(
      `table "ICE Facilities Data" in sheet 'Facilities FY26' has no table titled "ICE Facilities Data, FY…"`,
    );
    expect(release.detained.total).toBe(70766);
  });

  test('a renamed column (Level C) refuses the list, naming the column', async () => {
    const bytes = await editedFixture(file, (sheet) => {
      sheet.getRow(10).eachCell((cell) => {
        if (cell.value === 'Level C') cell.value = 'Level III';
      });
    });
    const release = await parseDetentionWorkbook(bytes);
    expect(release.facilitiesRefused).toBe(
      `table "ICE Facilities Data" in sheet 'Facilities FY26' has no column "Level C" in its header row (row 10)`,
    );
  });
});
