import { alertTitle, type StateAlert } from './alerts';
import type { Mode } from './subscriptions';

/**
 * The period a moment belongs to for a digest mode, in UTC: `2025-10-17` for daily,
 * the ISO week `2025-W42` for weekly.
 */
export function digestPeriod(mode: Exclude<Mode, 'instant'>, at: Date): string {
  const day = at.toISOString().slice(0, 10);
  if (mode === 'daily') return day;
  // ISO 8601 week: the week with the year's first Thursday is week 1.
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** A digest: what a period's polls changed, one merged alert per state. */
export interface Digest {
  mode: Exclude<Mode, 'instant'>;
  period: string;
  alerts: StateAlert[];
  title: string;
}

/**
 * Merges the alerts collected over a period: per state, every event once, in order, with
 * the state's totals as of its latest alert. The title counts it all up.
 */
export function buildDigest(mode: Digest['mode'], period: string, collected: readonly StateAlert[]): Digest {
  const byState = new Map<string, StateAlert>();
  for (const a of collected) {
    const key = a.stateCode ?? a.state;
    const seen = byState.get(key);
    if (!seen) byState.set(key, { ...a, events: [...a.events] });
    else
      byState.set(key, {
        ...a,
        events: [...seen.events, ...a.events.filter((e) => !seen.events.some((s) => JSON.stringify(s) === JSON.stringify(e)))],
      });
  }
  const alerts = [...byState.values()]
    .map((a) => ({ ...a, title: alertTitle(a.state, a.events) }))
    .sort((x, y) => x.state.localeCompare(y.state));
  const label = mode === 'daily' ? `Daily 287(g) digest for ${period}` : `Weekly 287(g) digest for ${period}`;
  const states = alerts.length === 1 ? alerts[0].state : `${alerts.length} states`;
  return { mode, period, alerts, title: `${label}: changes in ${states}` };
}
