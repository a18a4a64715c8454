import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logging/logger';
import { createOpsEndpoints, opsServingOf } from '../../src/observability/endpoints';
import { hostingServerOf } from '../../src/platforms';
import { createSlackApp } from '../../src/platforms/slack/app';
import { openDatabase } from '../../src/store/db/database';
import { createHealthStore } from '../../src/store/health-store';
import { createDbLeases } from '../../src/store/leases';
import { openKeyValueStores } from '../../src/store/key-value';
import { createSubscriptionStore } from '../../src/store/subscription-store';
import { memorySnapshots } from '../helpers/memory-snapshots';
import { startSlackApi } from '../../stand-ins/slack-api';

const logger = createLogger('silent');
const sources = [{ id: '287g', schedule: '*/15 * * * *' }];

function endpoints(config: Config, clock: { now: Date }) {
  const db = openDatabase('memory://');
  const health = createHealthStore(db, openKeyValueStores('memory://'));
  const ops = createOpsEndpoints(config, {
    health,
    outboxDepth: async () => ({ pending: 3, oldestCreatedAt: null }),
    sources,
    logger,
    now: () => clock.now,
    host: '127.0.0.1',
    hostedBy: hostingServerOf(config),
  });
  return { ops, health, db };
}

describe('where /healthz and /metrics are served', () => {
  test('off by default (console mode), HTTP_PORT opens them, Slack HTTP mode carries them on its port', () => {
    const servingOf = (config: Config) => opsServingOf(config, hostingServerOf(config));
    expect(servingOf(loadConfig({}))).toEqual({ kind: 'off' });
    expect(servingOf(loadConfig({ HTTP_PORT: '9464' }))).toEqual({ kind: 'own', port: 9464 });
    expect(servingOf(loadConfig({ HTTP_PORT: '9464', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }))).toEqual({
      kind: 'own',
      port: 9464,
    });
    expect(
      servingOf(loadConfig({ HTTP_PORT: '9464', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_PORT: '3100' })),
    ).toMatchObject({ kind: 'platform', platform: 'slack', port: 3100 });
  });
});

describe('the ops HTTP server on its own port', () => {
  test('/healthz answers 200 with each source, then 503 once a source is overdue; /metrics is Prometheus text; other paths 404', async () => {
    const clock = { now: new Date('2025-06-01T00:00:00Z') };
    const { ops, health } = endpoints({ ...loadConfig({}), HTTP_PORT: 0 }, clock);
    const port = await ops.start();
    try {
      const base = `http://127.0.0.1:${port}`;
      await health.set({ ...(await health.get('287g')), lastSuccessAt: '2025-05-31T23:50:00.000Z' });
      let res = await fetch(`${base}/healthz`);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toMatchObject({
        status: 'ok',
        store: { reachable: true },
        sources: [{ id: '287g', lastSuccessAt: '2025-05-31T23:50:00.000Z', overdue: false }],
      });

      clock.now = new Date('2025-06-01T01:00:00Z');
      res = await fetch(`${base}/healthz`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { sources: Array<{ overdue: boolean }> }).sources[0].overdue).toBe(true);

      ops.metrics.pollFinished('287g', false);
      res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).toMatch(/^ice_watch_poll_failures_total\{source="287g"\} 1$/m);
      expect(text).toMatch(/^ice_watch_outbox_depth 3$/m);
      expect(text).toMatch(/^process_resident_memory_bytes /m); // served: Node's process metrics too

      expect((await fetch(`${base}/nothing`)).status).toBe(404);
    } finally {
      await ops.stop();
    }
  });
});

describe('Slack in HTTP mode', () => {
  test("one server: /healthz and /metrics answer on the Slack receiver's port, beside /slack/events", async () => {
    const slack = await startSlackApi();
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret', SLACK_API_URL: slack.apiUrl });
    const clock = { now: new Date() };
    const { ops, db } = endpoints(config, clock);
    expect(ops.hostedRoutes?.map((r) => [r.path, r.method])).toEqual([
      ['/healthz', ['GET', 'HEAD']],
      ['/metrics', ['GET', 'HEAD']],
    ]);
    const app = createSlackApp({
      botToken: 'xoxb-test',
      signingSecret: 'secret',
      port: 0,
      host: '127.0.0.1',
      apiUrl: slack.apiUrl,
      logger,
      adminsOnly: false,
      services: { snapshots: memorySnapshots(), subscriptions: createSubscriptionStore(db) },
      replayLeases: createDbLeases(db),
      routes: ops.hostedRoutes,
      metrics: ops.metrics,
    });
    const { port } = await app.start();
    try {
      expect(await ops.start(port)).toBe(port); // no second server
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { status: string }).status).toBe('ok');
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(await metrics.text()).toMatch(/^ice_watch_outbox_depth 3$/m);

      // The receiver still answers commands, and the answer's latency is measured.
      const res = await slack.sendCommand(port!, 'secret', {
        command: '/agreements',
        text: 'texs',
        team_id: 'T1',
        channel_id: 'C1',
        channel_name: 'alerts',
        user_id: 'U1',
        user_name: 'u',
        response_url: slack.responseUrl('r1'),
      });
      expect(res.status).toBe(200);
      await slack.waitForResponse('r1');
      expect(await ops.metrics.render()).toMatch(/^ice_watch_command_duration_seconds_count\{platform="slack",command="agreements"\} 1$/m);
    } finally {
      await app.stop();
      await ops.stop();
      await slack.close();
    }
  });
});
