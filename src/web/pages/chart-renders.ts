import type { Logger } from '../../logging/logger';
import type { ChartSpec } from '../../domain/charts/chart-series';

/** Draws a chart's PNG, or null when it could not be drawn in time (renderChartWithin). */
export type DrawChart = (spec: ChartSpec, log: Logger) => Promise<Buffer | null>;

export interface ChartRendersOptions {
  draw: DrawChart;
  log: Logger;
  /** Pictures kept, by key (a PNG is ~50-100 KB). */
  keep: number;
  /** Renders that may wait for the one running; past this a request is told to come back (busy). */
  waiting: number;
}

/**
 * The state pages' charts, drawn on the bot's own event loop (chart.js is synchronous work, up to
 * ~300 ms): one render at a time, a bounded queue behind it, and a bounded cache of what was drawn.
 * So anonymous requests for charts, however many, cannot hold the bot longer than one render each
 * in turn, nor fill its memory.
 */
export function createChartRenders(opts: ChartRendersOptions) {
  const drawn = new Map<string, Promise<Buffer | null>>();
  let queue: Promise<unknown> = Promise.resolve();
  let pending = 0;

  /** The PNG of `spec` under `key`: from the cache, or drawn in turn; 'busy' when too many wait already. */
  function get(key: string, spec: ChartSpec): Promise<Buffer | null> | 'busy' {
    const cached = drawn.get(key);
    if (cached) return cached;
    if (pending > opts.waiting) return 'busy';
    pending++;
    const png = queue.then(() => opts.draw(spec, opts.log)).finally(() => pending--);
    queue = png.catch(() => undefined);
    drawn.set(key, png);
    if (drawn.size > opts.keep) drawn.delete(drawn.keys().next().value!);
    // A picture that could not be drawn is not kept: the next request tries again.
    void png.then(
      (bytes) => bytes ?? drawn.delete(key),
      () => drawn.delete(key),
    );
    return png;
  }
  return { get };
}
