/**
 * Figure `detentionParse`: parseDetentionWorkbook (headline tables and the facility list) on the
 * largest real detention workbook (1.5 MB, with an 11 MB Monthly Segregation sheet nobody needs) beside a full exceljs load
 * and SheetJS's read of the same bytes, interleaved round-robin in one process.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import ExcelJS from 'exceljs';
import * as XLSX from 'xlsx';
import type { DetentionRelease } from '../src/domain/totals/totals';
import { parseDetentionWorkbook } from '../src/sources/detention-workbook';
import { forceGc, median, ms, progress, ratio, timeAsync } from './measure';

export const LARGEST_DETENTION = join(__dirname, '..', 'test', 'fixtures', 'detention', '2025-10-30_FY25_detentionStats09252025.xlsx');

// A full exceljs load of this file takes seconds: fewer rounds than the 287(g) figure.
const WARMUP_ROUNDS = 1;
const ROUNDS = 7;
/** SPEC section 8: the parse at least 5x faster than a full exceljs load. */
const GOAL_SPEEDUP = 5;

export async function benchDetentionParse() {
  const bytes = readFileSync(LARGEST_DETENTION);
  let last: DetentionRelease | null = null;
  const tasks = {
    parse: async () => {
      last = await parseDetentionWorkbook(bytes);
    },
    exceljsLoad: async () => {
      await new ExcelJS.Workbook().xlsx.load(bytes as unknown as ExcelJS.Buffer);
    },
    sheetjsRead: async () => {
      XLSX.read(bytes);
    },
  };
  const names = Object.keys(tasks) as Array<keyof typeof tasks>;
  const samples: Record<keyof typeof tasks, number[]> = { parse: [], exceljsLoad: [], sheetjsRead: [] };

  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]; // rotate who goes first
      forceGc();
      const t = await timeAsync(tasks[name]);
      if (round >= WARMUP_ROUNDS) samples[name].push(t);
    }
    progress(`detentionParse: round ${round + 1} of ${WARMUP_ROUNDS + ROUNDS}${round < WARMUP_ROUNDS ? ' (warm-up)' : ''}`);
  }

  const parse = median(samples.parse);
  const exceljs = median(samples.exceljsLoad);
  const sheetjs = median(samples.sheetjsRead);
  const speedup = exceljs / parse;
  const release = last as DetentionRelease | null;
  return {
    description:
      'parseDetentionWorkbook (exceljs streaming reader, only the Header, Detention, Facilities and Footnotes sheets parsed: the headline tables and the facility list) of the largest real detention workbook, against a full exceljs load and XLSX.read of the same bytes; interleaved round-robin',
    file: `test/fixtures/detention/${basename(LARGEST_DETENTION)}`,
    fileBytes: bytes.length,
    warmupRounds: WARMUP_ROUNDS,
    rounds: ROUNDS,
    medianMs: { parse: ms(parse), exceljsLoad: ms(exceljs), sheetjsRead: ms(sheetjs) },
    rangeMs: Object.fromEntries(names.map((n) => [n, [ms(Math.min(...samples[n])), ms(Math.max(...samples[n]))]])),
    /** How many times longer the references take than the parse. */
    speedup: { vsExceljsLoad: ratio(speedup), vsSheetjsRead: ratio(sheetjs / parse) },
    checks: [
      { name: 'exceljs load / parse', value: ratio(speedup), goal: `>= ${GOAL_SPEEDUP}`, met: speedup >= GOAL_SPEEDUP },
      // The parse timed must be the one that reads the facility list too, not one that refused it.
      {
        name: 'facility list read',
        value: release?.facilities?.length ?? 0,
        goal: '> 0 facilities',
        met: Boolean(release?.facilities?.length),
      },
    ],
    goal: `parse (headline tables and facility list) at least ${GOAL_SPEEDUP}x faster than a full exceljs load`,
    met: speedup >= GOAL_SPEEDUP && Boolean(release?.facilities?.length),
    work: release && {
      asOf: release.asOf,
      fiscalYear: release.fiscalYear,
      detained: release.detained.total,
      removalsFytd: release.removals.fytdTotal,
      facilities: release.facilities?.length ?? null,
      facilitiesRefused: release.facilitiesRefused ?? null,
    },
  };
}
