import { createHealthCheck, HEALTH_STORE_WAIT_MS, scheduleIntervalMs } from '../../src/observability/health';
import { createMetrics } from '../../src/observability/metrics';
import { summarize287gPoll } from '../../src/pipelines/poll-summary';
import type { PlannedDelivery } from '../../src/domain/alerts/delivery-plan';
import { memoryStores } from '../helpers/stores';

const MIN = 60_000;

describe('scheduleIntervalMs', () => {
  test.each([
    ['*/15 * * * *', 15 * MIN],
    ['7 * * * *', 60 * MIN],
    ['0 9 * * 1-5', 72 * 60 * MIN], // Friday 09:00 to Monday 09:00
    ['*/30 * * * * *', 30_000],
  ])('%s runs at most %d ms apart', (cron, ms) => {
    expect(scheduleIntervalMs(cron)).toBe(ms);
  });
});

describe('the health check', () => {
  const sources = [
    { id: '287g', schedule: '*/15 * * * *' },
    { id: 'totals', schedule: '7 * * * *' },
  ];
  const startedAt = new Date('2025-06-01T00:00:00Z');

  test('a source is overdue after two intervals and a minute without success, counted from start when it never succeeded', async () => {
    const { health } = memoryStores();
    let clock = new Date(startedAt.getTime() + 30 * MIN);
    const check = createHealthCheck({ health, sources, now: () => clock, startedAt });
    // 30 min after start, nothing polled: 287g (limit 31 min) not yet overdue.
    expect((await check()).status).toBe('ok');
    clock = new Date(startedAt.getTime() + 32 * MIN);
    let report = await check();
    expect(report).toMatchObject({ status: 'failing', store: { reachable: true } });
    expect(report.sources.map((s) => [s.id, s.overdue])).toEqual([
      ['287g', true],
      ['totals', false],
    ]);

    await health.set({ ...(await health.get('287g')), lastSuccessAt: new Date(clock.getTime() - 5 * MIN).toISOString() });
    report = await check();
    expect(report.status).toBe('ok');
    expect(report.sources[0]).toMatchObject({
      id: '287g',
      overdue: false,
      overdueAfterSeconds: 31 * 60,
      lastSuccessAt: new Date(clock.getTime() - 5 * MIN).toISOString(),
    });
  });

  test('an unreachable store makes the check fail and says why', async () => {
    const { health } = memoryStores();
    const broken = {
      ...health,
      ping: async () => {
        throw new Error('SQLITE_CANTOPEN: unable to open database file');
      },
    };
    const report = await createHealthCheck({ health: broken, sources, now: () => startedAt, startedAt })();
    expect(report.status).toBe('failing');
    expect(report.store).toEqual({ reachable: false, error: 'SQLITE_CANTOPEN: unable to open database file' });
  });
});

describe('the health check tells the truth', () => {
  const sources = [{ id: '287g', schedule: '*/15 * * * *' }];
  const at = new Date('2025-06-01T00:00:00Z');

  test('a source whose last file was refused (ICE serving HTML) is failing, with the reason, though its poll did not throw', async () => {
    const { health } = memoryStores();
    await health.set({
      ...(await health.get('287g')),
      lastSuccessAt: at.toISOString(),
      rejected: { '287(g) participating list': { reason: 'the body is an HTML page, not a workbook', since: at.toISOString() } },
    });
    const report = await createHealthCheck({ health, sources, now: () => at, startedAt: at })();
    expect(report.status).toBe('failing');
    expect(report.sources[0]).toMatchObject({
      consecutiveFailures: 0,
      overdue: false,
      failing: true,
      reason: '287(g) participating list: the body is an HTML page, not a workbook',
    });
  });

  test('a source whose last poll threw once is failing at once, with its error', async () => {
    const { health } = memoryStores();
    await health.set({
      ...(await health.get('287g')),
      lastSuccessAt: at.toISOString(),
      consecutiveFailures: 1,
      lastError: 'GET /287g answered 500',
    });
    const report = await createHealthCheck({ health, sources, now: () => at, startedAt: at })();
    expect(report).toMatchObject({ status: 'failing', sources: [{ failing: true, reason: 'GET /287g answered 500' }] });
  });

  test('a store that stops answering is a failing answer within the wait, not a hang (the wait is under the 2 s /healthz promises)', async () => {
    const { health } = memoryStores();
    const hung = { ...health, ping: () => new Promise<void>(() => undefined), get: () => new Promise<never>(() => undefined) };
    const report = await createHealthCheck({ health: hung, sources, now: () => at, startedAt: at, storeWaitMs: 50 })();
    expect(report.store).toEqual({ reachable: false, error: 'the store did not answer within 0.05 s' });
    expect(report.status).toBe('failing');
    expect(HEALTH_STORE_WAIT_MS).toBeLessThan(2_000);
  });
});

describe('the metrics registry', () => {
  test('is a registry of its own: two bots in one process do not share counters', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.alertAttempt('discord', 'sent');
    expect(await a.render()).toMatch(/^ice_watch_alerts_sent_total\{platform="discord"\} 1$/m);
    expect(await b.render()).not.toMatch(/ice_watch_alerts_sent_total\{/);
  });

  test('counts polls, failures, publications, events, alerts and command latency under the documented names', async () => {
    const m = createMetrics({ now: () => new Date('2025-06-01T00:00:00Z') });
    const summary = summarize287gPoll([
      {
        source: 'participating',
        verdict: 'accepted',
        file: { fileName: 'p.xlsx' },
        events: [{ type: 'agreement.signed' }, { type: 'agreement.signed' }, { type: 'agreement.ended' }],
      },
      { source: 'pending', verdict: 'unchanged', file: { fileName: 'q.xlsx' }, events: [] },
    ] as never);
    m.pollFinished('287g', true, summary);
    m.pollFinished('287g', false);
    m.alertAttempt('slack', 'sent');
    m.alertAttempt('slack', 'transient');
    m.alertAttempt('discord', 'permanent');
    m.commandFinished('slack', 'agreements', 0.02);
    m.sourceFailing!('287g', 'rejected');
    const text = await m.render();
    for (const line of [
      'ice_watch_polls_total{source="287g"} 2',
      'ice_watch_poll_failures_total{source="287g"} 1',
      'ice_watch_poll_last_success_timestamp_seconds{source="287g"} 1748736000',
      'ice_watch_publications_total{list="participating",verdict="accepted"} 1',
      'ice_watch_publications_total{list="pending",verdict="unchanged"} 1',
      'ice_watch_events_total{type="agreement.signed"} 2',
      'ice_watch_events_total{type="agreement.ended"} 1',
      'ice_watch_alerts_sent_total{platform="slack"} 1',
      'ice_watch_alerts_failed_total{platform="slack",kind="transient"} 1',
      'ice_watch_alerts_failed_total{platform="discord",kind="permanent"} 1',
      'ice_watch_command_duration_seconds_bucket{le="0.025",platform="slack",command="agreements"} 1',
      'ice_watch_command_duration_seconds_bucket{le="0.01",platform="slack",command="agreements"} 0',
      'ice_watch_command_duration_seconds_count{platform="slack",command="agreements"} 1',
      'ice_watch_source_failing{source="287g",reason="rejected"} 1',
      'ice_watch_source_failing{source="287g",reason="error"} 0',
    ])
      expect(text).toContain(line);
  });

  test('reads the outbox depth and the oldest message age from the store at scrape time', async () => {
    const { outbox } = memoryStores();
    const m = createMetrics({ outboxDepth: () => outbox.depth(), now: () => new Date('2025-06-01T00:10:00Z') });
    expect(await m.render()).toMatch(/^ice_watch_outbox_depth 0$/m);
    expect(await m.render()).toMatch(/^ice_watch_outbox_oldest_age_seconds 0$/m);
    const delivery = (id: string) =>
      ({ id, platform: 'slack', channelId: 'C1', subscriptionKey: 'slack:T:C1' }) as unknown as PlannedDelivery;
    await outbox.enqueue([delivery('a')], new Date('2025-06-01T00:00:00Z'));
    await outbox.enqueue([delivery('b')], new Date('2025-06-01T00:05:00Z'));
    const text = await m.render();
    expect(text).toMatch(/^ice_watch_outbox_depth 2$/m);
    expect(text).toMatch(/^ice_watch_outbox_oldest_age_seconds 600$/m);
  });
});
