import type { Canvas } from '@napi-rs/canvas';
import type { StateAdpChart } from '../domain/charts/chart-series';
import { drawChart, drawFooter, drawHeading, FOOTER_HEIGHT, labelsPlugin, newCard } from './canvas';
import { timeAxis } from './time-axis';
import { CARD, CHART_HEIGHT, CHART_WIDTH, count, countAxis, dayNumber, FONT, formatDay, sourceLine } from './theme';

/**
 * A state's detention ADP at each ICE release, one line per fiscal year: ADP is a
 * year-to-date average that restarts every October 1, so the line breaks there rather
 * than joining two averages that do not compare.
 */
export function drawStateAdp(spec: StateAdpChart): Canvas {
  const { canvas, ctx } = newCard(CHART_WIDTH, CHART_HEIGHT);
  const latest = spec.points.at(-1)!;
  const top = drawHeading(
    ctx,
    spec.title,
    `ADP ${count(latest.adp)} in ${count(latest.facilities)} ${latest.facilities === 1 ? 'facility' : 'facilities'} on ${formatDay(latest.date)} (year-to-date average)`,
    CHART_WIDTH,
  );
  const first = spec.points[0].date;
  const pad = Math.max(10, Math.round((dayNumber(latest.date) - dayNumber(first)) * 0.04));
  const years = [...new Set(spec.points.map((p) => p.fiscalYear))];
  drawChart(ctx, 12, top, CHART_WIDTH - 24, CHART_HEIGHT - top - FOOTER_HEIGHT, {
    type: 'line',
    data: {
      datasets: years.map((fy) => ({
        label: `FY${fy}`,
        data: spec.points.filter((p) => p.fiscalYear === fy).map((p) => ({ x: dayNumber(p.date), y: p.adp })),
        borderColor: CARD.detained,
        backgroundColor: CARD.detained,
        borderWidth: 3,
        pointRadius: 6,
      })),
    },
    options: {
      layout: { padding: { right: 40, top: 30, left: 8 } },
      scales: {
        x: timeAxis(first, latest.date, 'Release date (as of)', pad),
        y: countAxis('Average daily population (ADP)', { grace: '10%' }),
      },
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
    },
    plugins: [
      labelsPlugin((chart) => {
        const c = chart.ctx;
        c.save();
        c.font = `bold ${FONT.small}px ${FONT.family}`;
        c.fillStyle = CARD.text;
        c.textBaseline = 'bottom';
        c.textAlign = 'right';
        const meta = chart.getDatasetMeta(years.length - 1).data;
        const p = meta.at(-1);
        if (p) c.fillText(count(latest.adp), p.x + 8, p.y - 10);
        c.restore();
      }),
    ],
  });
  drawFooter(ctx, sourceLine(spec.source, spec.asOf), CHART_WIDTH, CHART_HEIGHT);
  return canvas;
}
