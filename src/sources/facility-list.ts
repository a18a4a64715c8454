/**
 * The facility list of a detention release: the "Facilities FY.." sheet of the release's own
 * fiscal year, parsed by facility-sheet.ts. A workbook without one, or with one that cannot be
 * read, keeps its headline numbers: the refusal is returned, naming the sheet and table.
 */
import type { FacilityRow } from '../domain/facilities/facility-row';
import type { Grid } from './detention-sheets';
import { WorkbookSchemaError } from './errors';
import { FACILITY_TABLE_TITLE, isFacilitySheetName, parseFacilityGrid, type FacilityTable } from './facility-sheet';

export type FacilityListResult = { rows: FacilityRow[]; warnings: string[] } | { refused: string };

export function readFacilityList(grids: readonly Grid[], fiscalYear: number, sheetNames: readonly string[]): FacilityListResult {
  const candidates = grids.filter((g) => isFacilitySheetName(g.name));
  if (!candidates.length) {
    const all = sheetNames.map((n) => `'${n}'`).join(', ');
    return { refused: `no sheet "Facilities FY${String(fiscalYear).slice(2)}" with the table "${FACILITY_TABLE_TITLE}" (sheets: ${all})` };
  }
  const problems: string[] = [];
  const parsed: FacilityTable[] = [];
  for (const grid of candidates) {
    try {
      parsed.push(parseFacilityGrid(grid));
    } catch (err) {
      if (!(err instanceof WorkbookSchemaError)) throw err;
      problems.push(err.message);
    }
  }
  // ICE leaves old sheets in (as "Detention EOFY2020"): the release's own year wins, else the only one without a year.
  const table =
    parsed.find((t) => t.fiscalYear === fiscalYear) ?? (parsed.length === 1 && parsed[0].fiscalYear === null ? parsed[0] : null);
  if (table) return { rows: table.rows, warnings: table.warnings.map((w) => `facility list: ${w}`) };
  if (problems.length) return { refused: problems.join('; ') };
  const years = parsed.map((t) => `FY${t.fiscalYear}`).join(', ');
  return { refused: `table "${FACILITY_TABLE_TITLE}" is for ${years}, not the release's FY${fiscalYear}` };
}
