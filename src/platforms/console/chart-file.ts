import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderChartWithin, type ChartRenderer } from '../../charts/render-chart';
import type { ChartSpec } from '../../domain/charts/chart-series';
import { createLogger, type Logger } from '../../logging/logger';

/** Where the terminal's pictures go when CHARTS_DIR is unset. */
export const defaultChartsDir = () => join(tmpdir(), 'ice-watch-charts');

export interface ChartFileOptions {
  /** CHARTS_DIR (default: <temp dir>/ice-watch-charts). */
  dir?: string;
  logger?: Logger;
  render?: ChartRenderer;
  /** Part of the file name, so that pictures of different days do not overwrite each other. */
  stamp?: string;
}

/**
 * The terminal's way of showing a picture: draws it to a PNG file and returns its path, for
 * the caller to print; null (logged) when drawing or writing failed, and the text stands alone.
 */
export async function writeChartFile(spec: ChartSpec, options: ChartFileOptions = {}): Promise<string | null> {
  const log = options.logger ?? createLogger('silent');
  const chart = await (options.render ?? ((s: ChartSpec, l: Logger) => renderChartWithin(s, l)))(spec, log);
  if (!chart) return null;
  const dir = options.dir ?? defaultChartsDir();
  const name = options.stamp ? chart.fileName.replace(/\.png$/, `-${options.stamp.replace(/[^0-9A-Za-z-]/g, '')}.png`) : chart.fileName;
  try {
    await mkdir(dir, { recursive: true });
    const path = join(dir, name);
    await writeFile(path, chart.png);
    return path;
  } catch (err) {
    log.warn({ err, dir }, 'chart file not written: the text stands alone');
    return null;
  }
}
