import { plural } from '../domain/text';
import type { Canvas } from '@napi-rs/canvas';
import type { StateMapChart } from '../domain/charts/chart-series';
import { drawFooter, drawHeading, newCard } from './canvas';
import { CARD, CHART_WIDTH, count, FONT, formatDay, sourceLine } from './theme';

/**
 * A tile grid of the United States (one equal square per state, placed roughly where the
 * state is, after NPR's tile-grid layout), with DC and the five territories: Puerto Rico
 * and the Virgin Islands by Florida, Guam, the Northern Mariana Islands and American
 * Samoa by Hawaii, drawn with a dashed edge.
 */
export const TILE_GRID: Record<string, [row: number, col: number]> = {
  AK: [0, 0],
  ME: [0, 10],
  WI: [1, 5],
  VT: [1, 9],
  NH: [1, 10],
  WA: [2, 0],
  ID: [2, 1],
  MT: [2, 2],
  ND: [2, 3],
  MN: [2, 4],
  IL: [2, 5],
  MI: [2, 6],
  NY: [2, 8],
  MA: [2, 9],
  OR: [3, 0],
  NV: [3, 1],
  WY: [3, 2],
  SD: [3, 3],
  IA: [3, 4],
  IN: [3, 5],
  OH: [3, 6],
  PA: [3, 7],
  NJ: [3, 8],
  CT: [3, 9],
  RI: [3, 10],
  CA: [4, 0],
  UT: [4, 1],
  CO: [4, 2],
  NE: [4, 3],
  MO: [4, 4],
  KY: [4, 5],
  WV: [4, 6],
  VA: [4, 7],
  MD: [4, 8],
  DE: [4, 9],
  AZ: [5, 1],
  NM: [5, 2],
  KS: [5, 3],
  AR: [5, 4],
  TN: [5, 5],
  NC: [5, 6],
  SC: [5, 7],
  DC: [5, 8],
  MP: [6, 0],
  GU: [6, 1],
  OK: [6, 3],
  LA: [6, 4],
  MS: [6, 5],
  AL: [6, 6],
  GA: [6, 7],
  HI: [7, 0],
  AS: [7, 1],
  TX: [7, 3],
  FL: [7, 8],
  PR: [7, 9],
  VI: [7, 10],
};

/** Shading bins (lower bounds) and their colours, light to dark (ColorBrewer Blues); 0 is grey. */
export const MAP_BINS: Array<{ from: number; color: string; ink: string }> = [
  { from: 0, color: '#EEF0F3', ink: '#57606A' },
  { from: 1, color: '#DEEBF7', ink: '#1F2328' },
  { from: 5, color: '#B8D5EC', ink: '#1F2328' },
  { from: 20, color: '#7FB2DB', ink: '#1F2328' },
  { from: 50, color: '#4A8CC6', ink: '#FFFFFF' },
  { from: 100, color: '#2166AC', ink: '#FFFFFF' },
  { from: 250, color: '#0B3C73', ink: '#FFFFFF' },
];

export const binOf = (total: number) => [...MAP_BINS].reverse().find((b) => total >= b.from)!;

const TILE = 80;
const GAP = 6;
const COLS = 11;
const ROWS = 8;
export const MAP_HEIGHT = 990;

export function drawStateMap(spec: StateMapChart): Canvas {
  const { canvas, ctx } = newCard(CHART_WIDTH, MAP_HEIGHT);
  const withAny = spec.states.filter((s) => s.total > 0).length;
  const top = drawHeading(
    ctx,
    spec.title,
    `${count(spec.total)} active agreements in ${plural(withAny, 'state or territory', 'states and territories')}, as of ${formatDay(spec.asOf)}`,
    CHART_WIDTH,
  );
  const left = (CHART_WIDTH - (COLS * TILE + (COLS - 1) * GAP)) / 2;
  const gridTop = top + 8;
  for (const s of spec.states) {
    const place = TILE_GRID[s.code];
    if (!place) continue;
    const x = left + place[1] * (TILE + GAP);
    const y = gridTop + place[0] * (TILE + GAP);
    const bin = binOf(s.total);
    ctx.fillStyle = bin.color;
    ctx.fillRect(x, y, TILE, TILE);
    ctx.save();
    ctx.strokeStyle = s.territory ? '#57606A' : '#FFFFFF';
    ctx.lineWidth = 2;
    if (s.territory) ctx.setLineDash([6, 4]);
    ctx.strokeRect(x + 1, y + 1, TILE - 2, TILE - 2);
    ctx.restore();
    ctx.fillStyle = bin.ink;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.font = `bold ${FONT.body}px ${FONT.family}`;
    ctx.fillText(s.code, x + TILE / 2, y + TILE * 0.33);
    ctx.font = `${FONT.body + 2}px ${FONT.family}`;
    ctx.fillText(count(s.total), x + TILE / 2, y + TILE * 0.7);
  }
  drawLegend(ctx, gridTop + ROWS * (TILE + GAP) + 14);
  drawFooter(ctx, sourceLine(spec.source, spec.asOf), CHART_WIDTH, MAP_HEIGHT);
  return canvas;
}

function drawLegend(ctx: ReturnType<typeof newCard>['ctx'], y: number): void {
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.font = `${FONT.small}px ${FONT.family}`;
  ctx.fillStyle = '#1F2328';
  ctx.fillText('Agreements:', 24, y + 14);
  let x = 24 + ctx.measureText('Agreements:').width + 12;
  MAP_BINS.forEach((b, i) => {
    const next = MAP_BINS[i + 1];
    const label = b.from === 0 ? '0' : next ? (next.from - 1 === b.from ? `${b.from}` : `${b.from}–${next.from - 1}`) : `${b.from}+`;
    ctx.fillStyle = b.color;
    ctx.fillRect(x, y + 2, 26, 24);
    ctx.strokeStyle = CARD.border;
    ctx.lineWidth = 1;
    ctx.strokeRect(x, y + 2, 26, 24);
    ctx.fillStyle = CARD.text;
    ctx.fillText(label, x + 32, y + 14);
    x += 32 + ctx.measureText(label).width + 14;
  });
  ctx.save();
  ctx.setLineDash([6, 4]);
  ctx.strokeStyle = '#57606A';
  ctx.lineWidth = 2;
  ctx.strokeRect(24, y + 40, 26, 24);
  ctx.restore();
  ctx.fillStyle = CARD.muted;
  ctx.fillText('Dashed: territories (PR, VI by Florida; GU, MP, AS by Hawaii)', 58, y + 52);
}
