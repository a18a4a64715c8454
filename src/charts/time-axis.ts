import type { Scale } from 'chart.js';
import { dayNumber, formatDay, isoOfDay, FONT, CARD } from './theme';

/** Month starts between two days, every `step` months so that at most `max` are labelled. */
export function monthTicks(first: string, last: string, max = 7): number[] {
  const months: string[] = [];
  let y = Number(first.slice(0, 4));
  let m = Number(first.slice(5, 7));
  for (;;) {
    const start = `${y}-${String(m).padStart(2, '0')}-01`;
    if (start > last) break;
    if (start >= first) months.push(start);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  const step = Math.max(1, Math.ceil(months.length / max));
  return months.filter((_, i) => i % step === 0).map(dayNumber);
}

/**
 * A linear x axis in days since the epoch, labelled at month starts (`Mar 2025`), or at the
 * given days when the data span less than two months (`Jan 27, 2025`).
 */
export function timeAxis(first: string, last: string, title: string, pad = 0) {
  const monthly = monthTicks(first, last);
  const ticks = monthly.length >= 2 ? monthly : null;
  return {
    type: 'linear' as const,
    min: dayNumber(first) - pad,
    max: dayNumber(last) + pad,
    title: { display: true, text: title, color: CARD.muted, font: { size: FONT.small } },
    grid: { color: CARD.grid },
    afterBuildTicks: (scale: Scale) => {
      if (ticks) scale.ticks = ticks.map((value) => ({ value }));
    },
    ticks: {
      autoSkip: !ticks,
      maxRotation: 0,
      color: CARD.text,
      font: { size: FONT.small },
      callback: (value: number | string) => {
        const iso = isoOfDay(Number(value));
        return ticks ? formatDay(iso, true) : formatDay(iso).replace(/, \d{4}$/, '');
      },
    },
  };
}
