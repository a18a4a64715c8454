import { SourceFailingError, failedOffline } from '../src/pipelines/guarded-poll';

/** What a failed job run tells the terminal, and whether its stack is news. */
export interface JobFailure {
  /**
   * An expected failure (a source that failed, already logged at `warn` by its guarded poll
   * with its message): its stack goes to `debug` only. Anything else is a bug or an outage of
   * our own: logged at `error` with its stack.
   */
  expected: boolean;
  text: string;
}

export const OFFLINE_HINT =
  'Without a network, `ice-watch replay <files>` runs ICE workbooks from disk through the whole pipeline, and a file:// mirror in ICE_287G_PAGE_URL or ICE_DETENTION_PAGE_URL is polled like ICE.';

/**
 * The one message of a failed job run. A failing source's message already says when it is
 * tried next (its back-off), so nothing here adds another time; a network failure (no DNS, no
 * route: a first run offline) adds how to work without one. Other failures run again at the
 * job's next scheduled time, and say so.
 *
 *   describeJobFailure('poll-287g', '*∕15 * * * *', new SourceFailingError('GET … failed: host not found (ENOTFOUND). 1 failed poll in a row; next try after 2026-12-04 11:05 UTC'))
 *   // -> { expected: true, text: 'poll-287g: GET … failed: host not found (ENOTFOUND). 1 failed poll … next try after 2026-12-04 11:05 UTC. Without a network, …' }
 */
export function describeJobFailure(jobName: string, schedule: string, err: unknown): JobFailure {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof SourceFailingError)) {
    return { expected: false, text: `${jobName} failed: ${message}. It runs again at its next scheduled time (${schedule}).` };
  }
  const offline = failedOffline(err);
  return { expected: true, text: `${jobName}: ${message}.${offline ? ` ${OFFLINE_HINT}` : ''}` };
}
