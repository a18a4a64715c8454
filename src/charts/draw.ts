import type { Canvas } from '@napi-rs/canvas';
import type { ChartSpec } from '../domain/charts/chart-series';
import { drawDigest } from './digest-chart';
import { drawStateMap } from './map-chart';
import { drawTotals } from './totals-chart';
import { drawStateAdp } from './facilities-chart';
import { drawStateTrend } from './trend-chart';

/** Draws a spec on a new card. Loaded on first use (chart.js and the canvas binding cost ~150 ms to load). */
export function drawSpec(spec: ChartSpec): Canvas {
  switch (spec.kind) {
    case 'state-trend':
      return drawStateTrend(spec);
    case 'state-map':
      return drawStateMap(spec);
    case 'totals':
      return drawTotals(spec);
    case 'digest-states':
      return drawDigest(spec);
    case 'state-adp':
      return drawStateAdp(spec);
  }
}
