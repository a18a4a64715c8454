/**
 * The polled sources. Each id keys the source's health record and names it in /healthz, the
 * metrics and the log; the name is what operator notices call it. (Before ids, the name was
 * the record's key: src/store/health-store.ts still reads a record kept under it.)
 */
export const SOURCE_NAMES = {
  '287g': 'participating and pending lists (287(g) page)',
  totals: 'enforcement totals',
} as const;
export type SourceId = keyof typeof SOURCE_NAMES;

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
  /**
   * The parts of the source (a 287(g) list) whose last published file was refused (an HTML
   * page, a rejected workbook), with the reason: the poll answered, but the source is failing
   * until a good file comes. Absent in records written before it existed.
   */
  rejected?: Record<string, { reason: string; since: string }>;
}

/** What one poll saw of a part of the source: its file refused (the reason), or a good file (null). */
export interface PartObservation {
  subject: string;
  rejectedReason: string | null;
}

/**
 * Applies a poll's verdicts to the rejected parts: a refused file marks its part (keeping the
 * first time), a good one clears it; parts the poll did not see (nothing new) stay as they were.
 * Returns the new record and the parts that are fine again.
 */
export function recordVerdicts(
  health: SourceHealth,
  seen: readonly PartObservation[],
  at: Date,
): { health: SourceHealth; cleared: string[] } {
  const rejected = { ...(health.rejected ?? {}) };
  const cleared: string[] = [];
  for (const o of seen) {
    if (o.rejectedReason !== null)
      rejected[o.subject] = { reason: o.rejectedReason, since: rejected[o.subject]?.since ?? at.toISOString() };
    else if (rejected[o.subject]) {
      delete rejected[o.subject];
      cleared.push(o.subject);
    }
  }
  return { health: { ...health, rejected }, cleared };
}

/** Why a source counts as failing now (its last poll threw, or a part's last file was refused), or null. */
export function failingReason(health: SourceHealth): { kind: 'error' | 'rejected'; reason: string } | null {
  if (health.consecutiveFailures > 0) return { kind: 'error', reason: health.lastError ?? 'the last poll failed' };
  const parts = Object.entries(health.rejected ?? {});
  if (parts.length) return { kind: 'rejected', reason: parts.map(([subject, r]) => `${subject}: ${r.reason}`).join('; ') };
  return null;
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
  return {
    source,
    consecutiveFailures: 0,
    firstFailureAt: null,
    lastFailureAt: null,
    lastError: null,
    lastSuccessAt: null,
    nextAttemptAt: null,
    failingNotified: false,
  };
}

/** Whether a scheduled poll should run now, or wait out its back-off. */
export function shouldPoll(health: SourceHealth, at: Date): boolean {
  return !health.nextAttemptAt || Date.parse(health.nextAttemptAt) <= at.getTime();
}

/**
 * A failed poll: the next attempt waits 5 min, 10, 20, … up to 6 h; after a day of
 * failures operators are told once (`notify: 'failing'`).
 */
export function recordFailure(
  health: SourceHealth,
  at: Date,
  error: string,
  settings = DEFAULT_BACKOFF,
): { health: SourceHealth; notify: 'failing' | null } {
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

/** A successful poll: back to normal (the refused parts stay until recordVerdicts clears them); operators who heard it was failing hear it recovered. */
export function recordSuccess(health: SourceHealth, at: Date): { health: SourceHealth; notify: 'recovered' | null } {
  return {
    health: { ...healthyState(health.source), lastSuccessAt: at.toISOString(), rejected: health.rejected ?? {} },
    notify: health.failingNotified ? 'recovered' : null,
  };
}
