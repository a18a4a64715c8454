/**
 * Pictures on Discord (issue 8): the PNG goes as attachment 0 of the same multipart
 * request (`payload_json` + `files[0]`) and the embed shows `attachment://<name>`; a chart
 * that fails or is late leaves the text alone, and a late one never makes the answer late.
 */
import { Client, GatewayIntentBits } from 'discord.js';
import { Writable } from 'node:stream';
import { renderChart, renderChartWithin, type ChartRenderer } from '../../../src/charts/render-chart';
import type { PlannedDelivery } from '../../../src/domain/alerts/delivery-plan';
import { createLogger } from '../../../src/logging/logger';
import { createDiscordAlertSender, createDiscordRest, nonceFor } from '../../../src/platforms/discord/alert-sender';
import { createInteractionHandler } from '../../../src/platforms/discord/interactions';
import { openDatabase } from '../../../src/store/db/database';
import { createSubscriptionStore } from '../../../src/store/subscription-store';
import { readPng, weeklyDigest } from '../../helpers/charts';
import { startDiscordApi, type DiscordApi } from '../../../stand-ins/discord-api';
import { memorySnapshots } from '../../helpers/memory-snapshots';
import { NOW, rawButton, rawCommand, seedParticipating, toInteraction } from './harness';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

async function setUp(renderChart: ChartRenderer | null | undefined, deferAfterMs?: number) {
  const api = await startDiscordApi();
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: api.apiUrl } });
  const db = openDatabase('memory://');
  const snapshots = memorySnapshots();
  await seedParticipating(snapshots);
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write: (c, _e, done) =>
      void (logs.push(
        ...String(c)
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
      ),
      done()),
  });
  const handle = createInteractionHandler({
    services: { snapshots, subscriptions: createSubscriptionStore(db) },
    logger: createLogger('debug', sink),
    now: () => NOW,
    renderChart,
    deferAfterMs,
  });
  return {
    api,
    logs,
    dispatch: (raw: unknown) => handle(toInteraction(client, raw)),
    close: async () => {
      await client.destroy();
      await db.close();
      await api.close();
    },
  };
}

describe('Discord: pictures in slash-command answers', () => {
  let h: Awaited<ReturnType<typeof setUp>>;
  afterEach(() => h.close());

  test('/agreements all answers with the map as attachment 0, shown in the embed', async () => {
    h = await setUp(undefined);
    await h.dispatch(rawCommand('agreements', { state: 'all' }));
    const [callback] = h.api.callbacks();
    const body = callback.body as {
      type: number;
      data: { embeds: Array<{ image?: { url: string } }>; attachments: Array<{ id: string; description: string }> };
    };
    expect(callback.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(body.type).toBe(4);
    expect(body.data.embeds[0].image).toEqual({ url: 'attachment://agreements-map.png' });
    expect(body.data.attachments).toEqual([
      {
        id: '0',
        description: expect.stringMatching(
          /^Map: Active 287\(g\) agreements by state\. 1,245 agreements; most in Florida \(339\), Texas \(250\)/,
        ),
      },
    ]);
    expect(callback.files).toHaveLength(1);
    const [file] = callback.files;
    expect([file.field, file.name, file.contentType]).toEqual(['files[0]', 'agreements-map.png', 'image/png']);
    expect(file.data.subarray(0, 4)).toEqual(PNG_SIGNATURE);
    expect((await readPng(file.data)).height).toBeGreaterThan(900);
  });

  test('a chart that fails: the text answer goes alone, as JSON, and the failure is logged', async () => {
    const broken = async (): Promise<never> => {
      throw new Error('canvas unavailable');
    };
    h = await setUp((spec, log) => renderChartWithin(spec, log, 1500, broken));
    await h.dispatch(rawCommand('agreements', { state: 'texas' }));
    const [callback] = h.api.callbacks();
    expect(callback.headers['content-type']).toMatch(/^application\/json/);
    expect(callback.files).toEqual([]);
    const body = callback.body as { data: { embeds: Array<{ title: string; image?: unknown }>; attachments?: unknown } };
    expect(body.data.embeds[0].title).toBe('Texas: 250 active 287(g) agreements');
    expect(body.data.embeds[0].image).toBeUndefined();
    expect(body.data.attachments).toBeUndefined();
    expect(
      h.logs.some(
        (l) =>
          l.level === 40 && l.chart === 'state-trend' && l.command === 'agreements' && l.msg === 'chart failed: the text goes out alone',
      ),
    ).toBe(true);
  });

  test('a chart slower than the defer point: the answer is deferred first, then the edit carries text and picture', async () => {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    h = await setUp(async (spec) => {
      await slow;
      return renderChart(spec);
    }, 20);
    const done = h.dispatch(rawCommand('agreements', { state: 'texas' }));
    await h.api.waitFor('POST', /\/callback$/);
    expect((h.api.callbacks()[0].body as { type: number }).type).toBe(5);
    release();
    await done;
    const [edit] = h.api.requestsTo('PATCH', /^\/webhooks\/[^/]+\/[^/]+\/messages\/@original$/);
    expect((edit.body as { embeds: Array<{ image: unknown }> }).embeds[0].image).toEqual({ url: 'attachment://agreements-texas.png' });
    expect(edit.files.map((f) => f.name)).toEqual(['agreements-texas.png']);
  });

  test('a paging button replaces the message with the next page and the picture again (its old attachment is dropped)', async () => {
    h = await setUp(undefined);
    await h.dispatch(rawCommand('agreements', { state: 'texas' }));
    const first = (
      h.api.callbacks()[0].body as { data: { embeds: unknown[]; components: Array<{ components: Array<{ custom_id: string }> }> } }
    ).data;
    await h.dispatch(rawButton(first.components[0].components[2].custom_id, first));
    const update = h.api.callbacks()[1];
    expect((update.body as { type: number }).type).toBe(7);
    expect((update.body as { data: { attachments: unknown[] } }).data.attachments).toEqual([{ id: '0', description: expect.any(String) }]);
    expect(update.files.map((f) => f.name)).toEqual(['agreements-texas.png']);
  });
});

describe('Discord: the weekly digest carries its chart', () => {
  let api: DiscordApi;
  beforeEach(async () => {
    api = await startDiscordApi();
  });
  afterEach(() => api.close());
  const CHANNEL = '1100000000000000009';

  async function delivery(): Promise<PlannedDelivery> {
    const digest = await weeklyDigest();
    return {
      id: 'digest:discord:g:c:2025-W42',
      subscriptionKey: 'k',
      platform: 'discord',
      workspaceId: 'g',
      channelId: CHANNEL,
      mode: 'weekly',
      digest,
      alert: digest.alerts[0],
    };
  }
  const sender = (renderChart?: ChartRenderer | null) =>
    createDiscordAlertSender({
      rest: createDiscordRest({ token: 'bot-token', apiUrl: api.apiUrl, retries: 0 }),
      logger: createLogger('silent'),
      renderChart,
    });

  test('POST /channels/:id/messages is multipart: payload_json with the embed image, attachment 0 and the nonce; files[0] is the PNG', async () => {
    const d = await delivery();
    expect(await sender().send(d)).toEqual({ ok: true });
    const [post] = api.requestsTo('POST', `/channels/${CHANNEL}/messages`);
    const body = post.body as {
      embeds: Array<{ title: string; image: unknown }>;
      attachments: unknown[];
      nonce: string;
      enforce_nonce: boolean;
    };
    expect(body.embeds[0].title).toBe('Weekly 287(g) digest for 2025-W42: changes in 2 states');
    expect(body.embeds[0].image).toEqual({ url: 'attachment://digest.png' });
    expect(body.attachments).toEqual([
      { id: 0, filename: 'digest.png', description: expect.stringMatching(/^Chart: Weekly 287\(g\) digest/) },
    ]);
    expect([body.nonce, body.enforce_nonce]).toEqual([nonceFor(d.id), true]);
    expect(post.files.map((f) => [f.field, f.name, f.contentType])).toEqual([['files[0]', 'digest.png', 'image/png']]);
    expect((await readPng(post.files[0].data)).width).toBe(1000);
    expect(api.messages(CHANNEL)).toHaveLength(1);
  });

  test('with charts off (or a chart that failed) the digest is the same message without a picture', async () => {
    expect(await sender(null).send(await delivery())).toEqual({ ok: true });
    const [post] = api.requestsTo('POST', `/channels/${CHANNEL}/messages`);
    expect(post.files).toEqual([]);
    expect((post.body as { attachments?: unknown; embeds: Array<{ image?: unknown }> }).attachments).toBeUndefined();
    expect((post.body as { embeds: Array<{ image?: unknown }> }).embeds[0].image).toBeUndefined();
  });
});
