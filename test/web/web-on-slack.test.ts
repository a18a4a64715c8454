/**
 * In Slack's HTTP mode the web surface rides Slack's receiver (one port, as /healthz does): its
 * `:file` and `:state` routes must work through Bolt's customRoutes (path-to-regexp params), HEAD
 * included, beside /slack/events.
 */
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging/logger';
import { createOpsEndpoints } from '../../src/observability/endpoints';
import { hostingServerOf } from '../../src/platforms';
import { createSlackApp } from '../../src/platforms/slack/app';
import { createDbLeases } from '../../src/store/leases';
import { openStores } from '../../src/store/open-stores';
import { createWebRoutes } from '../../src/web';
import { startSlackApi } from '../../stand-ins/slack-api';
import { ev, floridaAlert } from '../helpers/alert-events';

const logger = createLogger('silent');

test("Slack HTTP mode serves the feeds and state pages on the receiver's port, HEAD included", async () => {
  const slack = await startSlackApi();
  const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret', SLACK_API_URL: slack.apiUrl });
  const stores = openStores({ url: 'memory://' });
  await stores.events.record([floridaAlert([ev.signed('Okaloosa County Sheriff')])], new Date('2025-06-03T22:00:00.000Z'));
  const ops = createOpsEndpoints(config, {
    health: stores.health,
    outboxDepth: () => stores.outbox.depth(),
    sources: [],
    logger,
    host: '127.0.0.1',
    hostedBy: hostingServerOf(config),
    extraRoutes: createWebRoutes({ config, stores, logger, now: () => new Date() }),
  });
  const app = createSlackApp({
    botToken: 'xoxb-test',
    signingSecret: 'secret',
    port: 0,
    host: '127.0.0.1',
    apiUrl: slack.apiUrl,
    logger,
    adminsOnly: false,
    services: { snapshots: stores.snapshots, subscriptions: stores.subscriptions },
    replayLeases: createDbLeases(stores.db),
    routes: ops.hostedRoutes,
    metrics: ops.metrics,
  });
  const { port } = await app.start();
  try {
    expect(await ops.start(port)).toBe(port);
    const base = `http://127.0.0.1:${port}`;
    const feed = await fetch(`${base}/feeds/fl.atom`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(await feed.text()).toContain('<title>1 new 287(g) agreement in Florida</title>');
    const head = await fetch(`${base}/feeds/fl.atom`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(feed.headers.get('etag'));
    expect((await fetch(`${base}/feeds/nowhere.atom`)).status).toBe(404);
    // No list stored yet: the page says so (503), through the same receiver.
    const page = await fetch(`${base}/states/florida`);
    expect(page.status).toBe(503);
    expect(await page.text()).toMatch(/Nothing to show yet/i);
    expect((await fetch(`${base}/states`)).status).not.toBe(404);
  } finally {
    await app.stop();
    await ops.stop();
    await stores.close();
    await slack.close();
  }
});
