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

/** One totals poll: the files it took in (as the poll reports them), and its alerts by kind. */
export function summarizeTotalsPoll(result: TotalsPollResult): PollSummary {
  return { files: result.files ?? [], events: countByType(result.alerts.map((a) => a.kind)) };
}
