/**
 * The drawing surface: chart.js (its CommonJS build) on @napi-rs/canvas, a prebuilt Skia
 * binding, with no browser. Set up once, lazily (nothing happens at import time).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas, GlobalFonts, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type Plugin } from 'chart.js';
import { CARD, FONT } from './theme';

/** Where Debian and Ubuntu put DejaVu; the pictures fall back to any sans-serif font without it. */
const DEJAVU_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/TTF', '/usr/share/fonts/dejavu'];

let ready = false;

/** Registers chart.js's parts and the DejaVu fonts, once. */
export function setUpCharts(): void {
  if (ready) return;
  ready = true;
  Chart.register(...registerables);
  for (const dir of DEJAVU_DIRS) {
    for (const file of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']) {
      const path = join(dir, file);
      if (existsSync(path)) GlobalFonts.registerFromPath(path, 'DejaVu Sans');
    }
    if (GlobalFonts.has('DejaVu Sans')) break;
  }
  Chart.defaults.font.family = FONT.family;
  Chart.defaults.font.size = FONT.body;
  Chart.defaults.color = CARD.text;
  Chart.defaults.borderColor = CARD.grid;
}

/** A canvas filled with the card's background and a thin border. */
export function newCard(width: number, height: number): { canvas: Canvas; ctx: SKRSContext2D } {
  setUpCharts();
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = CARD.background;
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = CARD.border;
  ctx.lineWidth = 2;
  ctx.strokeRect(1, 1, width - 2, height - 2);
  return { canvas, ctx };
}

/**
 * Draws a chart.js chart into a region of a card (synchronously: no animation, no
 * responsiveness, device pixel ratio 1), then lets chart.js go.
 */
export function drawChart(target: SKRSContext2D, x: number, y: number, width: number, height: number, config: ChartConfiguration): void {
  const sub = createCanvas(width, height);
  const options = { ...config.options, responsive: false, animation: false as const, devicePixelRatio: 1 };
  // chart.js takes any 2D context; @napi-rs/canvas's is API compatible but typed separately.
  const chart = new Chart(sub.getContext('2d') as never, { ...config, options } as ChartConfiguration);
  try {
    target.drawImage(sub, x, y);
  } finally {
    chart.destroy();
  }
}

/** Text drawn after the datasets, e.g. the latest count at the end of a line. */
export function labelsPlugin(draw: (chart: Chart) => void): Plugin {
  return { id: 'iceWatchLabels', afterDatasetsDraw: (chart) => draw(chart) };
}

/** A title (bold) and a subtitle at the top of a card; returns the y where the content may start. */
export function drawHeading(ctx: SKRSContext2D, title: string, subtitle: string | null, width: number): number {
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillStyle = CARD.text;
  // A long title (a filtered chart's "(TFM, Harris County, since 2025-03-01)") is set smaller, down to the
  // subtitle's size, then broken before its parenthesis (or a word) onto a second line: never cut while
  // it fits on two, for the filter is what tells the reader what they are looking at.
  const max = width - 48;
  const { size, lines } = layoutTitle(ctx, title, max);
  for (const [i, line] of lines.entries()) ctx.fillText(fitText(ctx, line, max), 24, 20 + i * (size + 8));
  let y = 20 + lines.length * (size + 8) + 2;
  if (subtitle) {
    ctx.fillStyle = CARD.muted;
    ctx.font = `${FONT.subtitle}px ${FONT.family}`;
    ctx.fillText(fitText(ctx, subtitle, width - 48), 24, y);
    y += FONT.subtitle + 10;
  }
  return y + 6;
}

/** The source and as-of line at the bottom of a card, on two lines when it is long (file names are). */
export function drawFooter(ctx: SKRSContext2D, text: string, width: number, height: number): void {
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'left';
  ctx.fillStyle = CARD.muted;
  ctx.font = `${FONT.small}px ${FONT.family}`;
  const max = width - 48;
  const lines = [text];
  if (ctx.measureText(text).width > max) {
    const words = text.split(' ');
    let first = '';
    while (words.length && ctx.measureText(`${first} ${words[0]}`.trim()).width <= max) first = `${first} ${words.shift()}`.trim();
    lines.splice(0, 1, first, words.join(' '));
  }
  for (const [i, line] of lines.entries())
    ctx.fillText(fitText(ctx, line, max), 24, height - 14 - (lines.length - 1 - i) * (FONT.small + 6));
}

/** The title's font size and lines within `max` pixels (leaves the context's font set to it). */
export function layoutTitle(ctx: SKRSContext2D, title: string, max: number): { size: number; lines: string[] } {
  let size = FONT.title;
  ctx.font = `bold ${size}px ${FONT.family}`;
  while (size > FONT.subtitle && ctx.measureText(title).width > max) ctx.font = `bold ${--size}px ${FONT.family}`;
  return { size, lines: ctx.measureText(title).width <= max ? [title] : breakTitle(ctx, title, max) };
}

/** Two lines of a title too long for one: broken before its last parenthesis when the first part fits, else after the last word that fits. */
function breakTitle(ctx: SKRSContext2D, title: string, max: number): [string, string] {
  const paren = title.lastIndexOf(' (');
  if (paren > 0 && ctx.measureText(title.slice(0, paren)).width <= max) return [title.slice(0, paren), title.slice(paren + 1)];
  const words = title.split(' ');
  let first = '';
  while (words.length && ctx.measureText(`${first} ${words[0]}`.trim()).width <= max) first = `${first} ${words.shift()}`.trim();
  return [first, words.join(' ')];
}

/** Footer room: two lines of the source and their margins. */
export const FOOTER_HEIGHT = 2 * FONT.small + 36;

/** Cuts text with an ellipsis to fit `max` pixels in the current font. */
export function fitText(ctx: SKRSContext2D, text: string, max: number): string {
  if (ctx.measureText(text).width <= max) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > max) cut = cut.slice(0, -1);
  return `${cut}…`;
}
