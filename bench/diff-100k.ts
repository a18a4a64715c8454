/** Figure `diff100k`: diffLists over two synthetic 100,000-agreement snapshots. */
import { diffLists } from '../src/domain/agreements/diff';
import { forceGc, median, ms, progress, timeSync } from './measure';
import { AgreementFactory, evolve } from './synthetic';

const SIZE = 100_000;
const WARMUP = 1;
const RUNS = 5;
const GOAL_MS = 1000;

export function benchDiff100k() {
  const factory = new AgreementFactory({ seed: 100_000 });
  const before = factory.many(SIZE);
  // ~1% ended, ~1% added, 0.5% renamed "PD" -> "Police Department", 0.5% renewed.
  const { next: after, expected } = evolve(before, factory, { ended: 1000, added: 1000, renames: 500, renewals: 500 });
  progress(`diff100k: built ${before.length} + ${after.length} rows`);

  const samples: number[] = [];
  let events: Record<string, number> = {};
  for (let run = 0; run < WARMUP + RUNS; run++) {
    forceGc();
    let diff: ReturnType<typeof diffLists> | null = null;
    // Fresh row objects each run, as each poll parses a new list: nothing is remembered per row.
    const [a, b] = [before.map((r) => ({ ...r })), after.map((r) => ({ ...r }))];
    const t = timeSync(() => (diff = diffLists(a, b, 'participating')));
    if (run >= WARMUP) samples.push(t);
    events = {};
    for (const e of diff!.events) events[e.type] = (events[e.type] ?? 0) + 1;
  }
  const value = median(samples);
  return {
    description: "diffLists(a, b, 'participating') over two synthetic 100,000-agreement snapshots",
    rows: { before: before.length, after: after.length },
    runs: RUNS,
    warmupRuns: WARMUP,
    value: ms(value),
    unit: 'ms (median)',
    samplesMs: samples.map(ms),
    goal: `< ${GOAL_MS} ms`,
    met: value < GOAL_MS,
    events,
    expectedEvents: {
      'agreement.signed': expected.signed,
      'agreement.ended': expected.ended,
      'agreement.renamed': expected.renamed,
      'agreement.renewed': expected.renewed,
    },
  };
}
