import { plural } from '../domain/text';
import type { Canvas } from '@napi-rs/canvas';
import type { TotalsChart } from '../domain/charts/chart-series';
import { drawChart, drawFooter, drawHeading, FOOTER_HEIGHT, labelsPlugin, newCard } from './canvas';
import { timeAxis } from './time-axis';
import { CARD, CHART_HEIGHT, CHART_WIDTH, count, countAxis, dayNumber, FONT, formatDay, sourceLine } from './theme';

/** Height of the daily-arrests panel, added under the detained panel when daily counts are known. */
export const DAILY_PANEL_HEIGHT = 340;

/**
 * The detained population at each detention release; under it, when ICE's daily arrest
 * counts are known, those days as bars against the 2,740-a-day line that 1 million
 * removals a year takes (missing days are gaps, not zeros).
 */
export function drawTotals(spec: TotalsChart): Canvas {
  const withDaily = spec.daily.length > 0;
  const height = CHART_HEIGHT + (withDaily ? DAILY_PANEL_HEIGHT : 0);
  const { canvas, ctx } = newCard(CHART_WIDTH, height);
  const latest = spec.detained.at(-1)!;
  const top = drawHeading(
    ctx,
    spec.title,
    `Currently detained at each ICE release: ${count(latest.total)} on ${formatDay(latest.date)}`,
    CHART_WIDTH,
  );
  const first = spec.detained[0].date;
  const pad = Math.max(10, Math.round((dayNumber(latest.date) - dayNumber(first)) * 0.04));
  const panel = CHART_HEIGHT - top - FOOTER_HEIGHT;
  drawChart(ctx, 12, top, CHART_WIDTH - 24, panel, {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'Detained',
          data: spec.detained.map((d) => ({ x: dayNumber(d.date), y: d.total })),
          borderColor: CARD.detained,
          backgroundColor: CARD.detained,
          borderWidth: 3,
          pointRadius: 6,
        },
      ],
    },
    options: {
      layout: { padding: { right: 40, top: 30, left: 8 } },
      scales: {
        x: timeAxis(first, latest.date, 'Release date (as of)', pad),
        y: countAxis('People in ICE detention', { grace: '10%' }),
      },
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
    },
    plugins: [
      labelsPlugin((chart) => {
        const c = chart.ctx;
        const points = chart.getDatasetMeta(0).data;
        c.save();
        c.font = `bold ${FONT.small}px ${FONT.family}`;
        c.fillStyle = CARD.text;
        c.textBaseline = 'bottom';
        // Label the latest point always, then earlier ones that do not crowd the label after them.
        let lastX = Infinity;
        for (let i = points.length - 1; i >= 0; i--) {
          const p = points[i];
          if (i !== points.length - 1 && lastX - p.x < 110) continue;
          c.textAlign = i === points.length - 1 ? 'right' : 'center';
          c.fillText(count(spec.detained[i].total), p.x + (i === points.length - 1 ? 8 : 0), p.y - 10);
          lastX = p.x - (i === points.length - 1 ? 60 : 0);
        }
        c.restore();
      }),
    ],
  });
  if (withDaily) drawDaily(ctx, spec, CHART_HEIGHT - FOOTER_HEIGHT);
  drawFooter(ctx, sourceLine(spec.source, spec.asOf), CHART_WIDTH, height);
  return canvas;
}

function drawDaily(ctx: ReturnType<typeof newCard>['ctx'], spec: TotalsChart, y: number): void {
  const known = spec.daily.filter((d) => d.arrests !== null) as Array<{ date: string; arrests: number }>;
  const record = known.reduce((a, b) => (b.arrests > a.arrests ? b : a));
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillStyle = CARD.text;
  ctx.font = `bold ${FONT.subtitle}px ${FONT.family}`;
  ctx.fillText(
    `Daily arrests ICE posted (${plural(known.length, 'day')}; record ${count(record.arrests)} on ${formatDay(record.date)})`,
    24,
    y + 8,
  );
  const first = spec.daily[0].date;
  const last = spec.daily.at(-1)!.date;
  drawChart(ctx, 12, y + 38, CHART_WIDTH - 24, DAILY_PANEL_HEIGHT - 46, {
    type: 'bar',
    data: {
      datasets: [
        {
          type: 'bar',
          label: 'Arrests',
          data: spec.daily.map((d) => ({ x: dayNumber(d.date), y: d.arrests })),
          backgroundColor: CARD.arrests,
          barPercentage: 0.8,
          categoryPercentage: 1,
        },
        {
          type: 'line',
          label: `Pace of 1 million a year: ${count(spec.pacePerDay)} a day`,
          data: [
            { x: dayNumber(first) - 1, y: spec.pacePerDay },
            { x: dayNumber(last) + 1, y: spec.pacePerDay },
          ],
          borderColor: CARD.pace,
          borderDash: [10, 6],
          borderWidth: 3,
          pointRadius: 0,
        },
      ],
    },
    options: {
      layout: { padding: { right: 40, left: 8 } },
      scales: {
        x: { ...timeAxis(first, last, 'Day (no bar: not reported)', 1), offset: false },
        y: countAxis('Arrests per day', { suggestedMax: spec.pacePerDay * 1.1 }),
      },
      plugins: {
        legend: { position: 'top', align: 'end', labels: { boxWidth: 22, color: CARD.text, font: { size: FONT.small } } },
        tooltip: { enabled: false },
      },
    },
  });
}
