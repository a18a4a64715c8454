/**
 * One look for every picture. A solid light card (not a transparent PNG) so that the
 * same image reads on Discord's and Slack's dark and light themes; one colour per model
 * everywhere (Okabe-Ito colours, told apart with the common kinds of colour blindness).
 */
import type { SeriesModel } from '../domain/charts/chart-series';

export const MODEL_COLORS: Record<SeriesModel, string> = {
  JEM: '#0072B2',
  TFM: '#D55E00',
  WSO: '#009E73',
  other: '#8C8C8C',
};

export const MODEL_LABELS: Record<SeriesModel, string> = {
  JEM: 'JEM (jail)',
  TFM: 'TFM (task force)',
  WSO: 'WSO (warrants)',
  other: 'other',
};

export const CARD = {
  background: '#FFFFFF',
  border: '#C9CED6',
  text: '#1F2328',
  muted: '#57606A',
  grid: '#E3E6EA',
  pace: '#B3261E',
  detained: '#5B3E96',
  arrests: '#3D6FB6',
} as const;

/**
 * Sizes are for a 1000 px wide picture: Discord and Slack show it at 400-550 px, so the
 * smallest text (21 px) is still about 9 px on screen.
 */
export const FONT = {
  family: "'DejaVu Sans', sans-serif",
  title: 34,
  subtitle: 24,
  body: 24,
  small: 21,
} as const;

export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 600;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2025-03-04` → `Mar 4, 2025` (the as-of line), or `Mar 2025` with `month`. */
export function formatDay(iso: string, month = false): string {
  const [y, m, d] = iso.split('-').map(Number);
  return month ? `${MONTHS[m - 1]} ${y}` : `${MONTHS[m - 1]} ${d}, ${y}`;
}

export const DAY_MS = 86_400_000;
/** Days since the epoch, for linear time axes (chart.js's time scale needs a date adapter we do not ship). */
export const dayNumber = (iso: string) => Math.round(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY_MS);
export const isoOfDay = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

export const count = (n: number) => n.toLocaleString('en-US');

/** The line under every picture: where the numbers come from and as of when. */
export function sourceLine(source: string, asOf: string): string {
  return `Source: ${source} · as of ${formatDay(asOf)} · ice-watch`;
}

/** A muted axis title, as every chart writes it. */
export const axisTitle = (text: string) => ({ display: true, text, color: CARD.muted, font: { size: FONT.small } });

/** A y axis of people or events counted from zero, its ticks in thousands' separators ("12,345"). */
export function countAxis(title: string, extra: { grace?: string; suggestedMax?: number } = {}) {
  return {
    beginAtZero: true,
    ...extra,
    title: axisTitle(title),
    ticks: { color: CARD.text, font: { size: FONT.small }, callback: (v: string | number) => count(Number(v)) },
  };
}
