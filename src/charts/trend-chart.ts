import type { Canvas } from '@napi-rs/canvas';
import { SERIES_MODELS, type StateTrendChart } from '../domain/charts/chart-series';
import { drawChart, drawFooter, drawHeading, FOOTER_HEIGHT, labelsPlugin, newCard } from './canvas';
import { timeAxis } from './time-axis';
import { CARD, CHART_HEIGHT, CHART_WIDTH, count, dayNumber, FONT, formatDay, MODEL_COLORS, MODEL_LABELS, sourceLine } from './theme';

/**
 * A state's active agreements over time, stacked by model (the top edge is the total),
 * with the latest total written at the last point and each model's latest count in the legend.
 */
export function drawStateTrend(spec: StateTrendChart): Canvas {
  const { canvas, ctx } = newCard(CHART_WIDTH, CHART_HEIGHT);
  const last = spec.points.at(-1)!;
  const models = SERIES_MODELS.filter((m) => m !== 'other' || spec.points.some((p) => p.other > 0));
  const split = models
    .filter((m) => last[m] > 0)
    .map((m) => `${m} ${count(last[m])}`)
    .join(' · ');
  const top = drawHeading(
    ctx,
    spec.title,
    `${count(last.total)} active on ${formatDay(spec.asOf)}${split ? ` (${split})` : ''}`,
    CHART_WIDTH,
  );
  const first = spec.points[0].date;
  const pad = Math.max(3, Math.round((dayNumber(spec.asOf) - dayNumber(first)) * 0.02));
  const height = CHART_HEIGHT - top - FOOTER_HEIGHT;
  drawChart(ctx, 12, top, CHART_WIDTH - 24, height, {
    type: 'line',
    data: {
      // Each band fills down to the one below it (not to zero), so no band shows through another and every model keeps its colour.
      datasets: models.map((m, i) => ({
        label: `${MODEL_LABELS[m]}: ${count(last[m])}`,
        data: spec.points.map((p) => ({ x: dayNumber(p.date), y: p[m] })),
        borderColor: MODEL_COLORS[m],
        backgroundColor: `${MODEL_COLORS[m]}CC`,
        fill: i === 0 ? 'origin' : '-1',
        borderWidth: 2,
        pointRadius: 0,
        stepped: false,
      })),
    },
    options: {
      layout: { padding: { right: 90, top: 24 } },
      scales: {
        x: timeAxis(first, spec.asOf, 'Month (end-of-month counts; last point: as of date)', pad),
        y: {
          stacked: true,
          beginAtZero: true,
          grace: '12%',
          title: { display: true, text: 'Active agreements', color: CARD.muted, font: { size: FONT.small } },
          ticks: { precision: 0, color: CARD.text, font: { size: FONT.small } },
          grid: { color: CARD.grid },
        },
      },
      plugins: {
        legend: { position: 'top', align: 'start', labels: { boxWidth: 22, padding: 18, color: CARD.text, font: { size: FONT.small } } },
        title: { display: false },
        tooltip: { enabled: false },
      },
    },
    plugins: [
      labelsPlugin((chart) => {
        const x = chart.scales.x.getPixelForValue(dayNumber(last.date));
        const y = chart.scales.y.getPixelForValue(last.total);
        const c = chart.ctx;
        c.save();
        c.fillStyle = CARD.text;
        c.beginPath();
        c.arc(x, y, 6, 0, Math.PI * 2);
        c.fill();
        c.font = `bold ${FONT.body + 4}px ${FONT.family}`;
        c.textBaseline = 'middle';
        c.textAlign = 'left';
        c.fillText(count(last.total), x + 12, y);
        c.restore();
      }),
    ],
  });
  drawFooter(ctx, sourceLine(spec.source, spec.asOf), CHART_WIDTH, CHART_HEIGHT);
  return canvas;
}
