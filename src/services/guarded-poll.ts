import type { OperatorNotice } from '../domain/guards';
import { recordFailure, recordSuccess, shouldPoll } from '../domain/source-health';
import type { Logger } from '../logger';
import type { Metrics, PollSummary } from '../ops/metrics';
import type { HealthStore } from '../store/health-store';
import { formatUtcMinute } from '../domain/text';

/** A poll that failed; the message says when it is tried again. */
export class SourceFailingError extends Error {
  override name = 'SourceFailingError';
}

/**
 * Wraps one source's poll with its health: skips polls during back-off (5 min doubling
 * to 6 h), records failures and successes, and tells operators once when the source has
 * failed for a day and once when it recovers. Each source fails alone.
 *
 * Every poll that runs writes one log line: `poll finished` (info) with the source, each
 * file judged and its verdict, and the events by type; or `poll failed` (warn) with the
 * error. With `metrics`, it counts the poll (and a failure), the publications and events.
 */
export function createGuardedPoll<T>(deps: {
  source: string;
  /** Short name for the log line and metrics labels (`287g`, `totals`; default: `source`). */
  id?: string;
  poll: () => Promise<T>;
  health: HealthStore;
  notifyOperators: (notices: OperatorNotice[]) => Promise<void>;
  logger: Logger;
  now?: () => Date;
  /** What a successful poll found: its files, verdicts and events by type. */
  summarize?: (result: T) => PollSummary;
  metrics?: Pick<Metrics, 'pollFinished'>;
}): () => Promise<T | null> {
  const now = deps.now ?? (() => new Date());
  const id = deps.id ?? deps.source;
  return async () => {
    const at = now();
    const health = await deps.health.get(deps.source);
    if (!shouldPoll(health, at)) {
      deps.logger.debug({ source: deps.source, nextAttemptAt: health.nextAttemptAt }, 'poll skipped: backing off');
      return null;
    }
    try {
      const result = await deps.poll();
      const done = now();
      const summary = deps.summarize?.(result) ?? null;
      deps.logger.info({ source: id, ...pollLogFields(summary) }, 'poll finished');
      deps.metrics?.pollFinished(id, true, summary, done);
      const { health: next, notify } = recordSuccess(health, done);
      await deps.health.set(next);
      if (notify) await deps.notifyOperators([{ kind: 'recovered', text: `${deps.source} recovered after ${health.consecutiveFailures} failed polls since ${health.firstFailureAt}` }]);
      return result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      deps.logger.warn({ source: id, verdict: 'failed', error: message }, 'poll failed');
      deps.metrics?.pollFinished(id, false);
      const { health: next, notify } = recordFailure(health, now(), message);
      await deps.health.set(next);
      if (notify) {
        await deps.notifyOperators([{ kind: 'failing', text: `${deps.source} has failed since ${next.firstFailureAt} (${next.consecutiveFailures} polls): ${message}` }]);
      }
      throw new SourceFailingError(`${message}. ${next.consecutiveFailures} failed ${next.consecutiveFailures === 1 ? 'poll' : 'polls'} in a row; next try after ${formatUtcMinute(next.nextAttemptAt!)}`, { cause: err });
    }
  };
}

/** The per-poll log fields: each file with its verdict, the verdict of a one-file poll, the event counts. */
function pollLogFields(summary: PollSummary | null) {
  if (!summary) return {};
  const total = Object.values(summary.events).reduce((n, c) => n + c, 0);
  const one = summary.files.length === 1 ? summary.files[0] : null;
  return {
    ...(one ? { file: one.file, verdict: one.verdict } : { files: summary.files, verdict: summary.files.length ? [...new Set(summary.files.map((f) => f.verdict))].join('/') : 'nothing new' }),
    events: total,
    eventsByType: summary.events,
  };
}
