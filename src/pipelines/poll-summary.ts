import type { IngestResult } from './ingest-287g';
import type { TotalsPollResult } from './poll-totals';
import type { PollSummary } from '../observability/metrics';

function countByType(types: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of types) out[t] = (out[t] ?? 0) + 1;
  return out;
}

/** One 287(g) poll: each list's file and verdict, and its events by type. */
export function summarize287gPoll(results: readonly IngestResult[]): PollSummary {
  return {
    files: results.map((r) => ({ list: r.source, file: r.file.fileName, verdict: r.verdict })),
    events: countByType(results.flatMap((r) => r.events.map((e) => e.type))),
  };
}

/**
 * One totals poll. Its result carries alerts and operator notices, not judgements, so the
 * files are read from them: a new release or day is `accepted`, a first one `baseline`.
 * Refused or republished files are in the poll's notices (and their own log lines), not here.
 */
export function summarizeTotalsPoll(result: TotalsPollResult): PollSummary {
  const files: PollSummary['files'] = [];
  for (const a of result.alerts) {
    if (a.kind === 'detention.released') files.push({ list: 'detention', file: a.fileName, verdict: 'accepted' });
    else if (!files.some((f) => f.list === 'daily')) files.push({ list: 'daily', file: null, verdict: 'accepted' });
  }
  for (const n of result.notices) {
    if (n.kind !== 'baseline') continue;
    const detention = /^detention baseline: (.+?), as of/.exec(n.text);
    files.push(detention ? { list: 'detention', file: detention[1], verdict: 'baseline' } : { list: 'daily', file: null, verdict: 'baseline' });
  }
  return { files, events: countByType(result.alerts.map((a) => a.kind)) };
}
