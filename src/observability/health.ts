import cron from 'node-cron';
import { failingReason } from '../domain/source-health';
import type { HealthStore } from '../store/health-store';

/** A polled source as /healthz sees it. */
export interface WatchedSource {
  /** The source's id (`287g`, `totals`): shown in /healthz, the metrics label, and the key of its health record. */
  id: string;
  /** Its cron schedule (POLL_287G_CRON, POLL_TOTALS_CRON). */
  schedule: string;
}

export interface SourceHealthReport {
  id: string;
  schedule: string;
  lastSuccessAt: string | null;
  consecutiveFailures: number;
  lastError: string | null;
  /** Its last poll failed, or a part's last file was refused (an HTML page, a rejected list): it needs a person. */
  failing: boolean;
  /** Why it is failing (null when it is not). */
  reason: string | null;
  /** More than two scheduled intervals (and a grace minute) since the last success, or since start when it never succeeded. */
  overdue: boolean;
  overdueAfterSeconds: number | null;
}

export interface HealthReport {
  status: 'ok' | 'failing';
  uptimeSeconds: number;
  store: { reachable: boolean; error?: string };
  sources: SourceHealthReport[];
}

const MINUTE = 60_000;
/** /healthz answers within this, whatever hangs behind it: the store's answers are waited for this long. */
export const HEALTH_STORE_WAIT_MS = 1_500;

/** The promise's value, or a rejection saying it took longer than `ms`. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
/** Windows long enough to see the longest gap: a daily pattern, a weekly one, a monthly one. */
const WINDOW_DAYS = { daily: 2, weekly: 8, monthly: 63 };

/**
 * The longest gap between two runs of a cron schedule, in ms (null when it runs less than
 * twice in nine weeks). Walks the minutes of a fixed window (UTC) against node-cron's own
 * parse of the expression, so `*\/15 * * * *` gives 15 min, `7 * * * *` an hour and
 * `0 9 * * 1-5` the weekend's 72 h.
 */
export function scheduleIntervalMs(expression: string): number | null {
  const f = cron.parse(expression);
  const has = (list: Array<number | string>, v: number) => list.some((x) => typeof x !== 'number' || x === v);
  const start = Date.UTC(2025, 0, 6); // a Monday
  let previous: number | null = null;
  let longest: number | null = null;
  const days =
    f.dayOfMonth.length < 31 || f.month.length < 12 ? WINDOW_DAYS.monthly : f.dayOfWeek.length < 7 ? WINDOW_DAYS.weekly : WINDOW_DAYS.daily;
  for (let t = start; t < start + days * 1440 * MINUTE; t += MINUTE) {
    const d = new Date(t);
    if (!f.minute.includes(d.getUTCMinutes()) || !f.hour.includes(d.getUTCHours()) || !f.month.includes(d.getUTCMonth() + 1)) continue;
    if (!has(f.dayOfMonth, d.getUTCDate()) || !has(f.dayOfWeek, d.getUTCDay())) continue;
    for (const second of f.second) {
      const at = t + second * 1000;
      if (previous !== null) longest = Math.max(longest ?? 0, at - previous);
      previous = at;
    }
  }
  return longest;
}

/**
 * What /healthz answers: the process is up (it answers at all), the store answers a read
 * and a write, and each source's last successful poll is recent enough for its schedule.
 * `status` is `failing` (HTTP 503) when the store is unreachable (or slower than
 * `storeWaitMs`, so the answer comes within 2 s whatever hangs), or a source is overdue or failing
 * (its last poll failed, or its file was refused: an HTML page counts, not only a poll that threw).
 */
export function createHealthCheck(deps: {
  health: HealthStore;
  sources: readonly WatchedSource[];
  now?: () => Date;
  startedAt?: Date;
  storeWaitMs?: number;
}) {
  const wait = deps.storeWaitMs ?? HEALTH_STORE_WAIT_MS;
  const now = deps.now ?? (() => new Date());
  const startedAt = deps.startedAt ?? now();
  const limits = new Map(
    deps.sources.map((s) => {
      const interval = scheduleIntervalMs(s.schedule);
      return [s.id, interval === null ? null : 2 * interval + MINUTE] as const;
    }),
  );

  return async function checkHealth(): Promise<HealthReport> {
    const at = now();
    const store: HealthReport['store'] = { reachable: true };
    // One wait for all the store's answers (the probe and each source's record, at once): the whole check is bounded by it.
    const records = await within(
      Promise.all([deps.health.ping(), ...deps.sources.map((s) => deps.health.get(s.id))]),
      wait,
      'the store',
    ).then(
      ([, ...rs]) => rs,
      (err: unknown) => {
        store.reachable = false;
        store.error = err instanceof Error ? err.message : String(err);
        return deps.sources.map(() => null);
      },
    );
    const sources = deps.sources.map((s, i): SourceHealthReport => {
      const h = records[i] ?? null;
      const failing = h ? failingReason(h) : null;
      const limit = limits.get(s.id) ?? null;
      const since = Date.parse(h?.lastSuccessAt ?? startedAt.toISOString());
      return {
        id: s.id,
        schedule: s.schedule,
        lastSuccessAt: h?.lastSuccessAt ?? null,
        consecutiveFailures: h?.consecutiveFailures ?? 0,
        lastError: h?.lastError ?? null,
        failing: failing !== null,
        reason: failing?.reason ?? null,
        overdue: limit !== null && at.getTime() - since > limit,
        overdueAfterSeconds: limit === null ? null : limit / 1000,
      };
    });
    const ok = store.reachable && sources.every((s) => !s.overdue && !s.failing);
    return { status: ok ? 'ok' : 'failing', uptimeSeconds: Math.round((at.getTime() - startedAt.getTime()) / 1000), store, sources };
  };
}
