import type { OperatorNotice } from '../domain/agreements/guards';
import {
  DEFAULT_BACKOFF,
  failingReason,
  recordFailure,
  recordSuccess,
  recordVerdicts,
  shouldPoll,
  type PartObservation,
} from '../domain/source-health';
import type { Logger } from '../logging/logger';
import type { Metrics, PollSummary } from '../observability/metrics';
import type { HealthStore } from '../store/health-store';
import { SourceFetchError } from '../sources/errors';
import { formatUtcMinute, plural } from '../domain/text';

/** A poll that failed; the message says when it is tried again. */
export class SourceFailingError extends Error {
  override name = 'SourceFailingError';
}

/** Whether a failure (or any error it wraps) is the network being unreachable: no host, no route, refused. */
export function failedOffline(err: unknown): boolean {
  return causesOf(err).some((e) => e instanceof SourceFetchError && e.reason === 'network');
}

/** Where a poll's failure came from: the error, its causes, and the errors an AggregateError gathers. */
function causesOf(err: unknown, seen = new Set<unknown>()): unknown[] {
  if (err === undefined || err === null || seen.has(err)) return [];
  seen.add(err);
  const nested = err instanceof AggregateError ? err.errors.flatMap((e) => causesOf(e, seen)) : [];
  return [err, ...nested, ...(err instanceof Error ? causesOf(err.cause, seen) : [])];
}

/** The default of SOURCE_ALERT_AFTER_MINUTES: an hour of failures, four polls at the default schedule. */
export const DEFAULT_FAILING_AFTER_MS = 60 * 60_000;

/**
 * Wraps one source's poll with its health: skips polls during back-off (5 min doubling
 * to 6 h), records failures and successes, and raises a `failing` notice on every failed
 * poll once the source has failed for `failingAfterMs` (the operator notifier makes that
 * one episode: told once, repeated at growing intervals) and a `recovered` one when a poll
 * succeeds after failures (told only if the failing one was). A poll that answers but whose
 * file is refused (`partsOf`: an HTML page, a rejected list) leaves the source failing, with
 * the reason, until a good file comes; its `recovered` notice is raised then. Each source
 * fails alone.
 *
 * Every poll that runs writes one log line: `poll finished` (info) with the source, each
 * file judged and its verdict, and the events by type; or `poll failed` (warn) with the
 * error. With `metrics`, it counts the poll (and a failure), the publications and events.
 */
export function createGuardedPoll<T>(deps: {
  /** The source's id (`287g`, `totals`): the key of its health record. */
  source: string;
  /** What operator notices and the log's sentences call it (default: `source`). */
  name?: string;
  /** The log line's and the metrics' label (default: `source`). */
  id?: string;
  poll: () => Promise<T>;
  health: HealthStore;
  notifyOperators: (notices: OperatorNotice[]) => Promise<void>;
  logger: Logger;
  now?: () => Date;
  /** What a successful poll found: its files, verdicts and events by type. */
  summarize?: (result: T) => PollSummary;
  metrics?: Pick<Metrics, 'pollFinished' | 'sourceFailing'>;
  /** How long failures last before operators hear (SOURCE_ALERT_AFTER_MINUTES; default an hour). */
  failingAfterMs?: number;
  /** What a successful poll saw of each part of the source: a refused file, or a good one. */
  partsOf?: (result: T) => PartObservation[];
}): () => Promise<T | null> {
  const now = deps.now ?? (() => new Date());
  const id = deps.id ?? deps.source;
  const name = deps.name ?? deps.source;
  const backoff = { ...DEFAULT_BACKOFF, failingAfterMs: deps.failingAfterMs ?? DEFAULT_FAILING_AFTER_MS };
  // A process that starts (or restarts) inside a back-off says so once, instead of skipping in silence.
  let backoffSaid = false;
  return async () => {
    const at = now();
    const health = await deps.health.get(deps.source);
    if (!shouldPoll(health, at)) {
      const fields = {
        source: deps.source,
        nextAttemptAt: health.nextAttemptAt,
        consecutiveFailures: health.consecutiveFailures,
        lastError: health.lastError,
      };
      if (backoffSaid) deps.logger.debug(fields, 'poll skipped: backing off');
      else {
        backoffSaid = true;
        deps.logger.warn(
          fields,
          `${name} is backing off after ${plural(health.consecutiveFailures, 'failed poll')} (last error: ${health.lastError ?? 'unknown'}); next try after ${formatUtcMinute(health.nextAttemptAt!)}`,
        );
      }
      return null;
    }
    backoffSaid = false;
    try {
      const result = await deps.poll();
      const done = now();
      const summary = deps.summarize?.(result) ?? null;
      deps.logger.info({ source: id, ...pollLogFields(summary) }, 'poll finished');
      deps.metrics?.pollFinished(id, true, summary, done);
      const recovered = recordSuccess(health, done).health;
      const { health: next, cleared } = recordVerdicts(recovered, deps.partsOf?.(result) ?? [], done);
      await deps.health.set(next);
      const failing = failingReason(next);
      deps.metrics?.sourceFailing?.(id, failing?.kind ?? null);
      const notices: OperatorNotice[] = cleared.map((subject) => ({
        kind: 'recovered',
        subject,
        text: `${subject}: a good file again; alerts resume from it`,
      }));
      if (health.consecutiveFailures > 0) {
        notices.push({
          kind: 'recovered',
          subject: name,
          text: `${name} answers again after ${health.consecutiveFailures} failed ${health.consecutiveFailures === 1 ? 'poll' : 'polls'} since ${formatUtcMinute(health.firstFailureAt!)}`,
        });
      }
      if (notices.length) await deps.notifyOperators(notices);
      return result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      deps.logger.warn({ source: id, verdict: 'failed', error: message }, 'poll failed');
      deps.metrics?.pollFinished(id, false);
      const failedAt = now();
      const { health: next } = recordFailure(health, failedAt, message, backoff);
      await deps.health.set(next);
      deps.metrics?.sourceFailing?.(id, 'error');
      if (failedAt.getTime() - Date.parse(next.firstFailureAt!) >= backoff.failingAfterMs) {
        await deps.notifyOperators([
          {
            kind: 'failing',
            subject: name,
            text:
              `${name} has failed since ${formatUtcMinute(next.firstFailureAt!)} (${next.consecutiveFailures} polls in a row): ${message}. ` +
              'Nothing new is alerted until it answers (nothing is lost: the next good poll catches up), and the stored data still answers commands. ' +
              "If the site works in a browser, check the configured URL and this host's network; `npx ice-watch doctor` tries every source.",
          },
        ]);
      }
      throw new SourceFailingError(
        `${message}. ${next.consecutiveFailures} failed ${next.consecutiveFailures === 1 ? 'poll' : 'polls'} in a row; next try after ${formatUtcMinute(next.nextAttemptAt!)}`,
        { cause: err },
      );
    }
  };
}

/** The per-poll log fields: each file with its verdict, the verdict of a one-file poll, the event counts. */
function pollLogFields(summary: PollSummary | null) {
  if (!summary) return {};
  const total = Object.values(summary.events).reduce((n, c) => n + c, 0);
  const one = summary.files.length === 1 ? summary.files[0] : null;
  return {
    ...(one
      ? { file: one.file, verdict: one.verdict }
      : {
          files: summary.files,
          verdict: summary.files.length ? [...new Set(summary.files.map((f) => f.verdict))].join('/') : 'nothing new',
        }),
    events: total,
    eventsByType: summary.events,
  };
}
