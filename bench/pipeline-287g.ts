/**
 * Figure `pipeline287g`: parse + normalize + diff of the largest real 287(g) workbook,
 * beside a full exceljs load and SheetJS's read of the same bytes, interleaved round-robin
 * in one process so that all three see the same machine state.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import ExcelJS from 'exceljs';
import * as XLSX from 'xlsx';
import { diffLists } from '../src/domain/agreements/diff';
import { makeSnapshot } from '../src/domain/agreements/snapshot';
import type { Agreement, FileMeta } from '../src/domain/types';
import { parse287gWorkbook } from '../src/sources/workbook-287g';
import { forceGc, median, ms, progress, ratio, timeAsync } from './measure';

const FIXTURES = join(__dirname, '..', 'test', 'fixtures', '287g', 'participating');
export const LARGEST = join(FIXTURES, 'participatingAgencies12122025pm.xlsx');
export const PREVIOUS = join(FIXTURES, 'participatingAgencies10172025mid.xlsx');

const WARMUP_ROUNDS = 3;
const ROUNDS = 15;
const GOAL_VS_EXCELJS = 1.25;

export async function benchPipeline287g() {
  const bytes = readFileSync(LARGEST);
  const previousRows: Agreement[] = (await parse287gWorkbook(readFileSync(PREVIOUS))).rows;
  // The fetch computes these before the pipeline runs; they are not part of the figure.
  const meta: FileMeta = {
    url: `file://${LARGEST}`,
    fileName: basename(LARGEST),
    etag: null,
    lastModified: null,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    fetchedAt: new Date().toISOString(),
    modifiedInFile: null,
  };

  let last: { rows: number; events: number; renamed: number } | null = null;
  let recording = false;
  const parts = { parse287gWorkbook: [] as number[], makeSnapshot: [] as number[], diffLists: [] as number[] };
  const tasks = {
    pipeline: async () => {
      const t0 = performance.now();
      const parsed = await parse287gWorkbook(bytes);
      const t1 = performance.now();
      const snapshot = makeSnapshot('participating', parsed, meta);
      const t2 = performance.now();
      const diff = diffLists(previousRows, snapshot.rows, 'participating');
      const t3 = performance.now();
      last = { rows: snapshot.rows.length, events: diff.events.length, renamed: diff.renamed };
      if (recording) {
        parts.parse287gWorkbook.push(t1 - t0);
        parts.makeSnapshot.push(t2 - t1);
        parts.diffLists.push(t3 - t2);
      }
    },
    exceljsLoad: async () => {
      await new ExcelJS.Workbook().xlsx.load(bytes as unknown as ExcelJS.Buffer);
    },
    sheetjsRead: async () => {
      XLSX.read(bytes);
    },
  };
  const names = Object.keys(tasks) as Array<keyof typeof tasks>;
  const samples: Record<keyof typeof tasks, number[]> = { pipeline: [], exceljsLoad: [], sheetjsRead: [] };

  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    // Rotate who goes first so no task always runs right after the same neighbour.
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      forceGc();
      recording = round >= WARMUP_ROUNDS;
      const t = await timeAsync(tasks[name]);
      if (round >= WARMUP_ROUNDS) samples[name].push(t);
    }
    if (round === WARMUP_ROUNDS - 1) progress(`pipeline287g: ${WARMUP_ROUNDS} warm-up rounds done`);
  }

  const pipeline = median(samples.pipeline);
  const exceljs = median(samples.exceljsLoad);
  const sheetjs = median(samples.sheetjsRead);
  const vsExceljs = pipeline / exceljs;
  const vsSheetjs = pipeline / sheetjs;
  const checks = [
    { name: 'pipeline / exceljs load', value: ratio(vsExceljs), goal: `<= ${GOAL_VS_EXCELJS}`, met: vsExceljs <= GOAL_VS_EXCELJS },
    { name: 'pipeline / SheetJS read', value: ratio(vsSheetjs), goal: '< 1', met: vsSheetjs < 1 },
  ];
  return {
    description:
      'parse287gWorkbook + makeSnapshot + diffLists(previous, rows, participating) of the largest real 287(g) workbook, against a full exceljs load and XLSX.read of the same bytes; interleaved round-robin',
    file: `test/fixtures/287g/participating/${basename(LARGEST)}`,
    fileBytes: bytes.length,
    previousFile: `test/fixtures/287g/participating/${basename(PREVIOUS)}`,
    warmupRounds: WARMUP_ROUNDS,
    rounds: ROUNDS,
    medianMs: { pipeline: ms(pipeline), exceljsLoad: ms(exceljs), sheetjsRead: ms(sheetjs) },
    pipelinePartsMedianMs: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, ms(median(v))])),
    rangeMs: Object.fromEntries(names.map((n) => [n, [ms(Math.min(...samples[n])), ms(Math.max(...samples[n]))]])),
    checks,
    goal: `pipeline <= ${GOAL_VS_EXCELJS}x exceljs load and < 1x SheetJS read`,
    met: checks.every((c) => c.met),
    work: last,
  };
}
