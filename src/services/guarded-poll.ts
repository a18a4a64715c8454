import type { OperatorNotice } from '../domain/guards';
import { recordFailure, recordSuccess, shouldPoll } from '../domain/source-health';
import type { Logger } from '../logger';
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
 */
export function createGuardedPoll<T>(deps: {
  source: string;
  poll: () => Promise<T>;
  health: HealthStore;
  notifyOperators: (notices: OperatorNotice[]) => Promise<void>;
  logger: Logger;
  now?: () => Date;
}): () => Promise<T | null> {
  const now = deps.now ?? (() => new Date());
  return async () => {
    const at = now();
    const health = await deps.health.get(deps.source);
    if (!shouldPoll(health, at)) {
      deps.logger.debug({ source: deps.source, nextAttemptAt: health.nextAttemptAt }, 'poll skipped: backing off');
      return null;
    }
    try {
      const result = await deps.poll();
      const { health: next, notify } = recordSuccess(health, now());
      await deps.health.set(next);
      if (notify) await deps.notifyOperators([{ kind: 'recovered', text: `${deps.source} recovered after ${health.consecutiveFailures} failed polls since ${health.firstFailureAt}` }]);
      return result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const { health: next, notify } = recordFailure(health, now(), message);
      await deps.health.set(next);
      if (notify) {
        await deps.notifyOperators([{ kind: 'failing', text: `${deps.source} has failed since ${next.firstFailureAt} (${next.consecutiveFailures} polls): ${message}` }]);
      }
      throw new SourceFailingError(`${message}. ${next.consecutiveFailures} failed ${next.consecutiveFailures === 1 ? 'poll' : 'polls'} in a row; next try after ${formatUtcMinute(next.nextAttemptAt!)}`, { cause: err });
    }
  };
}
