/** How a source's polls are going, for back-off, /status and operators. */
export interface SourceHealth {
  source: string;
  consecutiveFailures: number;
  firstFailureAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  lastSuccessAt: string | null;
  /** Polls before this time are skipped (back-off). */
  nextAttemptAt: string | null;
  /** Operators were told it is failing (once per outage). */
  failingNotified: boolean;
}

export interface BackoffSettings {
  firstDelayMs: number;
  maxDelayMs: number;
  /** How long a source may fail before operators get `source.failing`. */
  failingAfterMs: number;
}

/** 5 minutes, doubling to 6 hours; operators hear after a day of failures. */
export const DEFAULT_BACKOFF: BackoffSettings = { firstDelayMs: 5 * 60_000, maxDelayMs: 6 * 3_600_000, failingAfterMs: 24 * 3_600_000 };

export function healthyState(source: string): SourceHealth {
  return { source, consecutiveFailures: 0, firstFailureAt: null, lastFailureAt: null, lastError: null, lastSuccessAt: null, nextAttemptAt: null, failingNotified: false };
}

/** Whether a scheduled poll should run now, or wait out its back-off. */
export function shouldPoll(health: SourceHealth, at: Date): boolean {
  return !health.nextAttemptAt || Date.parse(health.nextAttemptAt) <= at.getTime();
}

/**
 * A failed poll: the next attempt waits 5 min, 10, 20, … up to 6 h; after a day of
 * failures operators are told once (`notify: 'failing'`).
 */
export function recordFailure(health: SourceHealth, at: Date, error: string, settings = DEFAULT_BACKOFF): { health: SourceHealth; notify: 'failing' | null } {
  const failures = health.consecutiveFailures + 1;
  const first = health.firstFailureAt ?? at.toISOString();
  const delay = Math.min(settings.maxDelayMs, settings.firstDelayMs * 2 ** (failures - 1));
  const failing = !health.failingNotified && at.getTime() - Date.parse(first) >= settings.failingAfterMs;
  return {
    health: {
      ...health,
      consecutiveFailures: failures,
      firstFailureAt: first,
      lastFailureAt: at.toISOString(),
      lastError: error,
      nextAttemptAt: new Date(at.getTime() + delay).toISOString(),
      failingNotified: health.failingNotified || failing,
    },
    notify: failing ? 'failing' : null,
  };
}

/** A successful poll: back to normal; operators who heard it was failing hear it recovered. */
export function recordSuccess(health: SourceHealth, at: Date): { health: SourceHealth; notify: 'recovered' | null } {
  return { health: { ...healthyState(health.source), lastSuccessAt: at.toISOString() }, notify: health.failingNotified ? 'recovered' : null };
}
