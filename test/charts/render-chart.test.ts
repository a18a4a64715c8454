import agreements from '../../commands/agreements';
import { lineText, type Reply } from '../../src/messages/reply';
import totals from '../../commands/totals';
import { deliveryToReply } from '../../src/messages/alert-message';
import { MAP_HEIGHT, TILE_GRID } from '../../src/charts/map-chart';
import { CHART_DEADLINE_MS, renderChart, renderChartWithin } from '../../src/charts/render-chart';
import { CARD, CHART_HEIGHT, CHART_WIDTH, MODEL_COLORS } from '../../src/charts/theme';
import { DAILY_PANEL_HEIGHT } from '../../src/charts/totals-chart';
import type { ChartSpec } from '../../src/domain/charts/chart-series';
import { STATES } from '../../src/domain/states';
import { createLogger } from '../../src/logging/logger';
import { readPng, seededContext, weeklyDigest } from '../helpers/charts';

const field = (reply: Reply, name: string) => {
  for (const b of reply.blocks) if (b.kind === 'fields') for (const f of b.fields) if (f.name === name) return lineText(f.value);
  throw new Error(`no field ${name}`);
};

describe('charts rendered from the real ICE files', () => {
  let seeded: Awaited<ReturnType<typeof seededContext>>;
  beforeAll(async () => {
    seeded = await seededContext();
  });
  afterAll(() => seeded.close());

  test("/agreements texas: a 1000×560 PNG of the trend, whose last point is the reply's count and model split", async () => {
    const reply = await agreements.run(seeded.ctx, { state: 'texas' });
    const spec = reply.chart!;
    if (spec.kind !== 'state-trend') throw new Error(spec.kind);
    const last = spec.points.at(-1)!;
    expect(reply.title).toBe(`Texas: ${last.total} active 287(g) agreements`);
    expect(field(reply, 'By model')).toBe(`JEM ${last.JEM} · TFM ${last.TFM} · WSO ${last.WSO}`);
    expect(spec.points[0].date).toBe('2024-12-31');
    expect(last.date).toBe('2025-12-12');
    // The Texas list grew through 2025: the line rises.
    expect(spec.points[0].total).toBeLessThan(last.total);
    const chart = await renderChart(spec);
    expect(chart.fileName).toBe('agreements-texas.png');
    const png = await readPng(chart.png);
    expect([png.width, png.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(png.inkShare).toBeGreaterThan(0.15);
    expect(png.colours).toBeGreaterThan(20);
    for (const model of ['JEM', 'TFM', 'WSO'] as const) expect(png.has(MODEL_COLORS[model])).toBe(true);
  });

  test('an agreement the ledger saw end is counted before its end and not after', async () => {
    const ledger = await seeded.ctx.services.snapshots.ledger('participating');
    const ended = Object.values(ledger).find((e) => e.endedAt && e.stateCode && e.signed && e.signed < '2025-10-01');
    if (!ended) throw new Error('the two fixtures end no agreement signed before October');
    const reply = await agreements.run(seeded.ctx, { state: ended.stateCode!, model: ended.model });
    if (reply.chart?.kind !== 'state-trend') throw new Error('no trend');
    const current = (await seeded.ctx.services.snapshots.getState('participating'))!.view.rows.filter(
      (r) => r.stateCode === ended.stateCode && r.model === ended.model,
    );
    const september = reply.chart.points.find((p) => p.date === '2025-09-30')!;
    const activeThenFromListOnly = current.filter((r) => r.signed && r.signed <= '2025-09-30').length;
    expect(september.total).toBeGreaterThan(activeThenFromListOnly);
    expect(reply.chart.points.at(-1)!.total).toBe(current.length);
  });

  test('/agreements all: a map with a tile for every state and territory, counts as in the reply', async () => {
    const reply = await agreements.run(seeded.ctx, { state: 'all' });
    const spec = reply.chart!;
    if (spec.kind !== 'state-map') throw new Error(spec.kind);
    expect(reply.title).toMatch(
      new RegExp(`^${spec.total.toLocaleString('en-US').replace(',', ',?')} active 287\\(g\\) agreements in \\d+ states`),
    );
    const list = reply.blocks.find((b) => b.kind === 'list');
    if (list?.kind !== 'list') throw new Error('no list');
    for (const item of list.items) {
      const [, name, n] = /^(.+?) (\d+) · /.exec(lineText(item))!;
      expect(spec.states.find((s) => s.name === name)?.total).toBe(Number(n));
    }
    expect(STATES.every((s) => s.code in TILE_GRID)).toBe(true);
    const png = await readPng((await renderChart(spec)).png);
    expect([png.width, png.height]).toEqual([CHART_WIDTH, MAP_HEIGHT]);
    expect(png.inkShare).toBeGreaterThan(0.2);
    expect(png.has('#0B3C73')).toBe(true); // the darkest bin: Florida and Texas
  });

  test("/totals: detained at each release and ICE's daily arrests against 2,740 a day, as the reply says", async () => {
    const reply = await totals.run(seeded.ctx);
    const spec = reply.chart!;
    if (spec.kind !== 'totals') throw new Error(spec.kind);
    expect(spec.detained).toHaveLength(4);
    expect(field(reply, 'Detained now')).toMatch(new RegExp(`^${spec.detained.at(-1)!.total.toLocaleString('en-US')} `));
    expect(spec.daily.map((d) => d.arrests)).toEqual([538, 593, 286, 956, 1179, 969, null, null, 864]);
    const daily = reply.blocks.flatMap((b) => (b.kind === 'text' ? b.lines.map(lineText) : [])).join(' ');
    expect(daily).toContain('record 1,179 on 2025-01-27');
    expect(spec.pacePerDay).toBe(2740);
    const png = await readPng((await renderChart(spec)).png);
    expect([png.width, png.height]).toEqual([CHART_WIDTH, CHART_HEIGHT + DAILY_PANEL_HEIGHT]);
    expect(png.has(CARD.detained)).toBe(true);
    expect(png.has(CARD.arrests, 2000)).toBe(true);
    expect(png.has(CARD.pace)).toBe(true);
  });

  test('the weekly digest carries a chart of its states, with the totals its text gives; a daily one has none', async () => {
    const digest = await weeklyDigest();
    const delivery = {
      id: 'd',
      subscriptionKey: 'k',
      platform: 'console' as const,
      workspaceId: 'local',
      channelId: 'console',
      mode: 'weekly' as const,
      digest,
    };
    const reply = deliveryToReply(delivery);
    const spec = reply.chart!;
    if (spec.kind !== 'digest-states') throw new Error(spec.kind);
    for (const a of digest.alerts) {
      const s = spec.states.find((x) => x.state === a.state)!;
      expect(field(reply, `${a.state} now`)).toMatch(new RegExp(`^${s.total} active \\(JEM ${s.JEM} · TFM ${s.TFM} · WSO ${s.WSO}\\)`));
    }
    const png = await readPng((await renderChart(spec)).png);
    expect(png.width).toBe(CHART_WIDTH);
    expect(png.inkShare).toBeGreaterThan(0.1);
    expect(png.has(MODEL_COLORS.TFM)).toBe(true);
    expect(deliveryToReply({ ...delivery, mode: 'daily', digest: { ...digest, mode: 'daily' } }).chart).toBeUndefined();
  });
});

describe('renderChartWithin', () => {
  const spec: ChartSpec = {
    kind: 'totals',
    title: 't',
    asOf: '2026-01-25',
    source: 's',
    detained: [{ date: '2026-01-25', total: 1 }],
    daily: [],
    pacePerDay: 2740,
  };
  function logged() {
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger('debug', {
      write: (s: string) =>
        void lines.push(
          ...s
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l)),
        ),
    } as never);
    return { log, lines };
  }

  test('a chart that throws gives null and a warning, never an exception', async () => {
    const { log, lines } = logged();
    const failing = async () => {
      throw new Error('no canvas today');
    };
    await expect(renderChartWithin(spec, log, CHART_DEADLINE_MS, failing)).resolves.toBeNull();
    expect(lines).toEqual([expect.objectContaining({ level: 40, chart: 'totals', msg: 'chart failed: the text goes out alone' })]);
  });

  test('a chart not ready by the deadline gives null and a warning', async () => {
    const { log, lines } = logged();
    const never = () => new Promise<never>(() => undefined);
    await expect(renderChartWithin(spec, log, 10, never)).resolves.toBeNull();
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, deadlineMs: 10, msg: 'chart not ready in time: the text goes out alone' }),
    ]);
  });

  test('a one-release totals chart still draws (a single point)', async () => {
    const { log } = logged();
    const chart = await renderChartWithin(spec, log);
    expect((await readPng(chart!.png)).width).toBe(CHART_WIDTH);
  });
});
