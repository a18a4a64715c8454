import type { Canvas } from '@napi-rs/canvas';
import { SERIES_MODELS, type DigestChart } from '../domain/charts/chart-series';
import { drawChart, drawFooter, drawHeading, FOOTER_HEIGHT, labelsPlugin, newCard } from './canvas';
import { CARD, CHART_WIDTH, count, FONT, MODEL_COLORS, MODEL_LABELS, sourceLine } from './theme';

/** States drawn at most; a digest over more says how many were left out. */
export const DIGEST_MAX_STATES = 25;
const ROW_HEIGHT = 46;

/**
 * A digest's states as horizontal bars stacked by model (their active agreements after the
 * period), each labelled with its total and what the period signed and ended.
 */
export function drawDigest(spec: DigestChart): Canvas {
  const shown = [...spec.states].sort((a, b) => b.total - a.total || a.state.localeCompare(b.state)).slice(0, DIGEST_MAX_STATES);
  const left = spec.states.length - shown.length;
  const height = 220 + FOOTER_HEIGHT + shown.length * ROW_HEIGHT;
  const { canvas, ctx } = newCard(CHART_WIDTH, height);
  const signed = spec.states.reduce((n, s) => n + s.signed, 0);
  const ended = spec.states.reduce((n, s) => n + s.ended, 0);
  const subtitle = `Active agreements by model after the period; ${count(signed)} signed, ${count(ended)} ended in it${left ? ` (${left} more states not shown)` : ''}`;
  const top = drawHeading(ctx, spec.title, subtitle, CHART_WIDTH);
  const models = SERIES_MODELS.filter((m) => m !== 'other' || shown.some((s) => s.other > 0));
  drawChart(ctx, 12, top, CHART_WIDTH - 24, height - top - FOOTER_HEIGHT, {
    type: 'bar',
    data: {
      labels: shown.map((s) => s.state),
      datasets: models.map((m) => ({
        label: MODEL_LABELS[m],
        data: shown.map((s) => s[m]),
        backgroundColor: MODEL_COLORS[m],
        barPercentage: 0.8,
        categoryPercentage: 0.9,
      })),
    },
    options: {
      indexAxis: 'y',
      layout: { padding: { right: 190 } },
      scales: {
        x: {
          stacked: true,
          beginAtZero: true,
          title: { display: true, text: 'Active agreements', color: CARD.muted, font: { size: FONT.small } },
          ticks: { precision: 0, color: CARD.text, font: { size: FONT.small } },
        },
        y: { stacked: true, ticks: { color: CARD.text, font: { size: FONT.body } }, grid: { display: false } },
      },
      plugins: {
        legend: { position: 'top', align: 'start', labels: { boxWidth: 22, color: CARD.text, font: { size: FONT.small } } },
        tooltip: { enabled: false },
      },
    },
    plugins: [
      labelsPlugin((chart) => {
        const c = chart.ctx;
        c.save();
        c.textBaseline = 'middle';
        c.textAlign = 'left';
        c.fillStyle = CARD.text;
        shown.forEach((s, i) => {
          const x = chart.scales.x.getPixelForValue(s.total) + 8;
          const y = chart.scales.y.getPixelForValue(i);
          const change = [s.signed ? `+${s.signed}` : '', s.ended ? `−${s.ended}` : ''].filter(Boolean).join(' ');
          c.font = `bold ${FONT.body}px ${FONT.family}`;
          c.fillText(count(s.total), x, y);
          if (change) {
            const w = c.measureText(count(s.total)).width;
            c.font = `${FONT.small}px ${FONT.family}`;
            c.fillStyle = CARD.muted;
            c.fillText(`(${change})`, x + w + 8, y);
            c.fillStyle = CARD.text;
          }
        });
        c.restore();
      }),
    ],
  });
  drawFooter(ctx, sourceLine(spec.source, spec.asOf), CHART_WIDTH, height);
  return canvas;
}
