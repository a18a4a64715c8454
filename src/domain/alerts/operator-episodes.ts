/**
 * Operator notices as episodes: a problem is told when it starts, repeated only at growing
 * intervals while it lasts, and ended by one "recovered" notice. A problem's identity is its
 * kind plus its subject (a source, a channel, a job), never its text: ICE serving an HTML page
 * for ten polls is one episode whatever each poll's message says.
 *
 * Worked example (gaps 6 h, then daily): an HTML page from 10:00, polled every 15 min, tells
 * operators at 10:00, stays quiet through the next 23 polls, repeats at 16:00, then at 16:00 each
 * day; the first good poll after that ends it with one "recovered" notice. With a source that
 * cannot be reached the first notice itself waits SOURCE_ALERT_AFTER_MINUTES (an hour), so the
 * operator hears after 1 h, 7 h, then daily.
 */

/** After the first notice, a repeat waits this long, then the next gap; the last gap repeats. */
export const REPEAT_GAPS_MS = [6 * 3_600_000, 24 * 3_600_000] as const;
/** A problem not seen again for this long is over without a word (a paused channel resumed, a job fixed by a deploy). */
export const EPISODE_STALE_MS = 48 * 3_600_000;

export interface Episode {
  /** `${kind}|${subject}`. */
  key: string;
  kind: string;
  subject: string;
  startedAt: string;
  lastToldAt: string;
  /** Last time the problem was observed (told or not). */
  lastSeenAt: string;
  /** How many notices this episode has sent (1 after the first). */
  told: number;
}

export function episodeKey(kind: string, subject: string): string {
  return `${kind}|${subject}`;
}

/** The repeat gap after `told` notices. */
export function repeatGapMs(told: number, gaps: readonly number[] = REPEAT_GAPS_MS): number {
  return gaps[Math.min(Math.max(told - 1, 0), gaps.length - 1)]!;
}

/**
 * The problem `kind` on `subject` is observed at `at`. Returns the episode to store and what
 * to tell: `start` (a new episode), `repeat` (its gap has passed), or null (stay quiet).
 */
export function observeProblem(
  prev: Episode | null,
  kind: string,
  subject: string,
  at: Date,
  gaps: readonly number[] = REPEAT_GAPS_MS,
): { next: Episode; tell: 'start' | 'repeat' | null } {
  const iso = at.toISOString();
  if (!prev || at.getTime() - Date.parse(prev.lastSeenAt) >= EPISODE_STALE_MS) {
    return {
      next: { key: episodeKey(kind, subject), kind, subject, startedAt: iso, lastToldAt: iso, lastSeenAt: iso, told: 1 },
      tell: 'start',
    };
  }
  if (at.getTime() - Date.parse(prev.lastToldAt) >= repeatGapMs(prev.told, gaps)) {
    return { next: { ...prev, lastToldAt: iso, lastSeenAt: iso, told: prev.told + 1 }, tell: 'repeat' };
  }
  return { next: { ...prev, lastSeenAt: iso }, tell: null };
}

/** The subject is fine again: the open episodes on it end, told once; none open, nothing to tell. */
export function observeRecovery(open: readonly Episode[], at: Date): { ended: Episode[]; tell: boolean } {
  const live = open.filter((e) => at.getTime() - Date.parse(e.lastSeenAt) < EPISODE_STALE_MS);
  return { ended: [...open], tell: live.length > 0 };
}
