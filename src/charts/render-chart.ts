/**
 * Pictures of Replies (issue 8): a ChartSpec in, a PNG out, drawn server-side with chart.js
 * on @napi-rs/canvas. Platforms call `renderChartWithin`, which never throws and gives up
 * after a deadline: a picture that fails or is late is logged, and the text goes out alone.
 */
import { plural } from '../domain/text';
import type { ChartSpec } from '../domain/charts/chart-series';
import type * as Draw from './draw';
import type { Logger } from '../logging/logger';
import { modelCountsText } from '../messages/format';
import { count } from './theme';

/**
 * How long a platform waits for a picture (drawing and PNG encoding). Discord defers an
 * answer that is not ready in 2 s, so a picture can never make it miss its 3 s.
 */
export const CHART_DEADLINE_MS = 1500;

export interface RenderedChart {
  png: Buffer;
  /** `agreements-tx.png`, `agreements-map.png`, `totals.png`, `digest.png`. */
  fileName: string;
  width: number;
  height: number;
  /** A plain-text description for screen readers (Slack's alt_text, Discord's attachment description). */
  altText: string;
}

/**
 * Draws a chart and encodes it as PNG (the encoding runs off the event loop, in libuv's pool).
 * The drawing code (chart.js, the canvas binding) is loaded on the first picture, not when
 * a platform module is imported: the bot starts without paying for it.
 */
export async function renderChart(spec: ChartSpec): Promise<RenderedChart> {
  // require, not import(): under tsx's CommonJS hook (the tests' and the bench's child processes) a
  // dynamic import() goes to Node's ESM loader, which cannot load .ts. Typed by the `import type` above.
  const { drawSpec } = require('./draw') as typeof Draw;
  const canvas = drawSpec(spec);
  const png = await canvas.encode('png');
  return { png, fileName: fileNameOf(spec), width: canvas.width, height: canvas.height, altText: altTextOf(spec) };
}

/** A file name of safe characters only: it ends up in `attachment://` URLs and on disk. */
export function fileNameOf(spec: ChartSpec): string {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'chart';
  switch (spec.kind) {
    case 'state-trend':
      return `agreements-${slug(spec.state)}.png`;
    case 'state-map':
      return 'agreements-map.png';
    case 'totals':
      return 'totals.png';
    case 'digest-states':
      return 'digest.png';
    case 'state-adp':
      return `facilities-${slug(spec.state)}.png`;
  }
}

export function altTextOf(spec: ChartSpec): string {
  switch (spec.kind) {
    case 'state-trend': {
      const last = spec.points.at(-1)!;
      return `Chart: ${spec.title}. ${count(last.total)} active on ${spec.asOf} (${modelCountsText(last)}), from ${count(spec.points[0].total)} on ${spec.points[0].date}.`;
    }
    case 'state-map':
      return `Map: ${spec.title}. ${count(spec.total)} agreements; most in ${[...spec.states]
        .sort((a, b) => b.total - a.total)
        .slice(0, 3)
        .map((s) => `${s.name} (${s.total})`)
        .join(', ')}.`;
    case 'totals': {
      const last = spec.detained.at(-1)!;
      return `Chart: ${spec.title}. ${count(last.total)} detained on ${last.date} over ${plural(spec.detained.length, 'release')}${spec.daily.length ? `; daily arrests ${spec.daily[0].date} to ${spec.daily.at(-1)!.date} against ${count(spec.pacePerDay)} a day` : ''}.`;
    }
    case 'digest-states':
      return `Chart: ${spec.title}. ${spec.states.map((s) => `${s.state} ${s.total}`).join(', ')}.`;
    case 'state-adp': {
      const last = spec.points.at(-1)!;
      return `Chart: ${spec.title}. ADP ${count(last.adp)} in ${plural(last.facilities, 'facility', 'facilities')} as of ${last.date}, over ${plural(spec.points.length, 'release')} (fiscal-year-to-date average daily population, not a head count).`;
    }
  }
}

/**
 * The picture of a spec within `deadlineMs`, or null (logged as a warning with the reason):
 * it never throws and never holds an answer longer than the deadline.
 */
export async function renderChartWithin(
  spec: ChartSpec,
  log: Logger,
  deadlineMs = CHART_DEADLINE_MS,
  render = renderChart,
): Promise<RenderedChart | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), deadlineMs);
  });
  try {
    // A render that throws synchronously must still become a rejected promise here.
    const outcome = await Promise.race([Promise.resolve().then(() => render(spec)), late]);
    if (outcome === 'late') {
      log.warn({ chart: spec.kind, deadlineMs }, 'chart not ready in time: the text goes out alone');
      return null;
    }
    return outcome;
  } catch (err) {
    log.warn({ err, chart: spec.kind }, 'chart failed: the text goes out alone');
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** What platforms take to draw a Reply's chart: renderChartWithin with their logger, or a test's stand-in. */
export type ChartRenderer = (spec: ChartSpec, log: Logger) => Promise<RenderedChart | null>;

export const defaultChartRenderer: ChartRenderer = (spec, log) => renderChartWithin(spec, log);
