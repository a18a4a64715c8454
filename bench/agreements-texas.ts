/**
 * Figure `agreementsTexas`: the query + render core of `/agreements texas` over a
 * 2,500-agreement participating list, in process.
 */
import { parseStateArgument } from '../src/domain/arguments';
import { summarizeAgreements } from '../src/domain/agreements-summary';
import { renderAgreementsAsText } from '../src/platforms/console/render-cli';
import { forceGc, ms, percentile, progress } from './measure';
import { AgreementFactory } from './synthetic';

const ROWS = 2500;
const PENDING = 400;
const WARMUP = 200;
const RUNS = 1000;
const GOAL_P99_MS = 5;

export function benchAgreementsTexas() {
  const rows = new AgreementFactory({ seed: 2500, texasShare: 0.12 }).many(ROWS);
  const pending = new AgreementFactory({ seed: 400, texasShare: 0.12, pending: true }).many(PENDING);

  const once = () => renderAgreementsAsText(summarizeAgreements(rows, pending, parseStateArgument('texas')));
  let text = '';
  for (let i = 0; i < WARMUP; i++) text = once();
  forceGc();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    text = once();
    samples.push(performance.now() - t0);
  }
  const p99 = percentile(samples, 99);
  progress(`agreementsTexas: p99 ${ms(p99)} ms`);
  return {
    description:
      "summarizeAgreements(rows, pending, parseStateArgument('texas')) + renderAgreementsAsText(summary), in process",
    note: 'The Discord/Slack command layer arrives with issue 3; this measures the query + render core it will call.',
    rows: { participating: rows.length, inTexas: rows.filter((r) => r.stateCode === 'TX').length, pending: pending.length },
    warmupRuns: WARMUP,
    runs: RUNS,
    p50Ms: ms(percentile(samples, 50)),
    p99Ms: ms(p99),
    maxMs: ms(Math.max(...samples)),
    value: ms(p99),
    unit: 'ms (p99)',
    goal: `p99 < ${GOAL_P99_MS} ms`,
    met: p99 < GOAL_P99_MS,
    firstLine: text.split('\n', 1)[0],
  };
}
