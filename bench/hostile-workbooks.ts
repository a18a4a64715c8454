/**
 * Figure `hostileWorkbooks` (issue 13): each hostile workbook of the tests (an inflation bomb,
 * a million-row sheet, a detention bomb) is parsed in a child process of its own with the
 * default caps. Goal: each is refused as "too large" within 5 s, at a peak RSS under 300 MB.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detentionBomb, inflationBomb, manyRowsWorkbook } from '../stand-ins/hostile-workbooks';
import { runChild } from './child';
import { mb, ms } from './measure';

const GOAL_MS = 5_000;
const GOAL_RSS_MB = 300;

interface ChildOutput {
  outcome: string;
  ms: number;
  rssBefore: number;
  maxRssKb: number;
  worstStallMs: number;
}

export async function benchHostileWorkbooks() {
  const dir = mkdtempSync(join(tmpdir(), 'ice-watch-hostile-'));
  const cases = [
    { name: 'inflationBomb', kind: '287g', what: '287(g) sheet inflating to 1 GiB, size misdeclared', bytes: inflationBomb(1024) },
    { name: 'millionRows', kind: '287g', what: '287(g) sheet of 1,000,000 agreement rows', bytes: manyRowsWorkbook(1_000_000) },
    {
      name: 'detentionBomb',
      kind: 'detention',
      what: 'detention sheet inflating to 1 GiB, stored before the shared strings',
      bytes: detentionBomb(1024),
    },
  ];
  const results: Record<string, unknown> = {};
  let met = true;
  try {
    for (const c of cases) {
      const file = join(dir, `${c.name}.xlsx`);
      writeFileSync(file, c.bytes);
      const { output } = await runChild<ChildOutput>('bench/hostile-child.ts', [c.kind, file]);
      const refused = /too large/.test(output.outcome);
      const peakMb = mb(output.maxRssKb * 1024);
      const ok = refused && output.ms <= GOAL_MS && peakMb < GOAL_RSS_MB;
      met &&= ok;
      results[c.name] = {
        workbook: c.what,
        fileBytes: c.bytes.length,
        outcome: output.outcome,
        refusedMs: ms(output.ms),
        peakRssMb: peakMb,
        rssBeforeParseMb: mb(output.rssBefore),
        worstEventLoopStallMs: ms(output.worstStallMs),
        met: ok,
      };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    description:
      'hostile workbooks parsed with the default caps (64 MiB inflated, 50,000 rows), each in a child process: outcome, time to refusal, peak RSS of the process, worst event-loop stall',
    goal: `each refused as "too large" within ${GOAL_MS / 1000} s at a peak RSS under ${GOAL_RSS_MB} MB`,
    cases: results,
    met,
  };
}
