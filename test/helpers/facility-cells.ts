import ExcelJS from 'exceljs';
import { detentionPath } from './fixtures';

/** One facility as the sheet's own cells give it, read without the parser under test. */
export interface SheetFacility {
  name: string;
  city: string;
  state: string;
  zipCell: unknown;
  adp: number;
}

const cache = new Map<string, Promise<SheetFacility[]>>();

/**
 * The facility rows of a fixture's "Facilities FY.." sheet, read with a full exceljs load: the
 * row that has "Name" and "State" cells is the header, every later row with a name and a
 * two-letter state is a facility, and its ADP is Level A + B + C + D (blank as 0).
 */
export function facilitiesFromCells(file: string): Promise<SheetFacility[]> {
  if (!cache.has(file)) cache.set(file, read(file));
  return cache.get(file)!;
}

async function read(file: string): Promise<SheetFacility[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(detentionPath(file));
  const sheet = workbook.worksheets.find((s) => /^facilities/i.test(s.name.trim()));
  if (!sheet) throw new Error(`${file} has no Facilities sheet`);
  let columns: Map<string, number> | null = null;
  const out: SheetFacility[] = [];
  sheet.eachRow((row) => {
    const texts = new Map<string, number>();
    row.eachCell((cell, col) => {
      if (typeof cell.value === 'string') texts.set(cell.value.trim().toLowerCase(), col);
    });
    if (!columns) {
      if (texts.has('name') && texts.has('state')) columns = texts;
      return;
    }
    const at = (header: string) => row.getCell(columns!.get(header)!).value;
    const name = at('name');
    const state = at('state');
    if (typeof name !== 'string' || typeof state !== 'string' || !/^[A-Z]{2}$/.test(state.trim())) return;
    const level = (l: string) => {
      const v = at(`level ${l}`);
      return typeof v === 'number' ? v : 0;
    };
    out.push({
      name: name.trim(),
      city: String(at('city') ?? '').trim(),
      state: state.trim(),
      zipCell: at('zip'),
      adp: level('a') + level('b') + level('c') + level('d'),
    });
  });
  return out;
}

/** ADP summed by state from the sheet's cells. */
export function adpByState(rows: readonly SheetFacility[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(r.state, (sums.get(r.state) ?? 0) + r.adp);
  return sums;
}
