/**
 * Figure `charts`: render time of each picture (issue 8), drawing and PNG encoding, from
 * the real ICE files bundled as test fixtures: the Texas trend, the national map, the
 * totals chart (four detention releases and ICE's daily posts) and a weekly digest.
 * Median of several runs after a warm-up; the goal is under 300 ms each.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart } from '../src/charts/render-chart';
import { buildAgreementsChart } from '../src/domain/charts/agreements-chart';
import { summarizeAgreements } from '../src/domain/agreements/state-summary';
import { buildStateAlerts } from '../src/domain/alerts/alerts';
import { buildDigestChart, buildTotalsChart, type ChartSpec } from '../src/domain/charts/chart-series';
import { MILLION_A_YEAR_PER_DAY } from '../src/domain/totals/daily-counts';
import { parseDailyFeed } from '../src/sources/daily-feed';
import { buildDigest } from '../src/domain/alerts/digest';
import { diffLists } from '../src/domain/agreements/diff';
import { stateByCode } from '../src/domain/states';
import { parseDetentionWorkbook } from '../src/sources/detention-workbook';
import { parse287gWorkbook } from '../src/sources/workbook-287g';
import { median, ms, timeAsync } from './measure';

const FIXTURES = join(__dirname, '..', 'test', 'fixtures');
const WARMUP = 2;
const RUNS = 9;
const GOAL_MS = 300;
const DETENTION = [
  '2025-02-15_FY25_detentionStats02142025.xlsx',
  '2025-10-30_FY25_detentionStats09252025.xlsx',
  '2026-01-09_FY26_detentionStats01082026.xlsx',
  '2026-02-03_FY26_detentionStats02022026.xlsx',
];

async function specs(): Promise<Record<string, ChartSpec>> {
  const list = async (name: string) => (await parse287gWorkbook(readFileSync(join(FIXTURES, '287g', 'participating', name)))).rows;
  const [before, after, latest] = await Promise.all(
    ['participatingAgencies10162025pm.xlsx', 'participatingAgencies10172025mid.xlsx', 'participatingAgencies12122025pm.xlsx'].map(list),
  );
  const meta = { fetchedAt: '2025-12-12T21:00:00.000Z', fileName: 'participatingAgencies12122025pm.xlsx' };
  const releases = [];
  for (const file of DETENTION) releases.push(await parseDetentionWorkbook(readFileSync(join(FIXTURES, 'detention', file))));
  const daily = parseDailyFeed(readFileSync(join(FIXTURES, 'detention', 'ice-x-daily-arrests-2025-01.csv'), 'utf8'), {
    today: '2026-02-03',
  }).days;
  const file = {
    url: 'file:///bench',
    fileName: 'participatingAgencies10172025mid.xlsx',
    fetchedAt: '2025-10-17T12:00:00.000Z',
    sha256: 'bench',
  };
  const alerts = buildStateAlerts({
    source: 'participating',
    events: diffLists(before, after, 'participating').events,
    participating: after,
    pending: null,
    file,
  });
  return {
    stateTrendTexas: buildAgreementsChart(summarizeAgreements(latest, null, stateByCode('TX')!), meta),
    nationalMap: buildAgreementsChart(summarizeAgreements(latest, null, 'all'), meta),
    totals: buildTotalsChart(
      { title: 'People in ICE detention, by release', asOf: releases.at(-1)!.asOf, source: 'ICE detention statistics' },
      releases.map((r) => ({ asOf: r.asOf, detained: r.detained.total })),
      daily,
      MILLION_A_YEAR_PER_DAY,
    ),
    weeklyDigest: buildDigestChart(buildDigest('weekly', '2025-W42', alerts), "ICE's 287(g) participating list"),
  };
}

export async function benchCharts() {
  const perChart: Record<string, { medianMs: number; maxMs: number; width: number; height: number; pngKb: number; met: boolean }> = {};
  for (const [name, spec] of Object.entries(await specs())) {
    for (let i = 0; i < WARMUP; i++) await renderChart(spec);
    const samples: number[] = [];
    let last = await renderChart(spec);
    for (let i = 0; i < RUNS; i++) samples.push(await timeAsync(async () => (last = await renderChart(spec))));
    const medianMs = ms(median(samples));
    perChart[name] = {
      medianMs,
      maxMs: ms(Math.max(...samples)),
      width: last.width,
      height: last.height,
      pngKb: Math.round(last.png.length / 1024),
      met: medianMs < GOAL_MS,
    };
  }
  return {
    description: 'renderChart(spec): chart.js on @napi-rs/canvas, drawing and PNG encoding, from the bundled ICE files',
    goal: `each chart under ${GOAL_MS} ms (median of ${RUNS} runs after ${WARMUP} warm-up runs)`,
    runs: RUNS,
    charts: perChart,
    met: Object.values(perChart).every((c) => c.met),
  };
}
