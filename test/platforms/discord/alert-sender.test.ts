import type { REST } from 'discord.js';
import { Writable } from 'node:stream';
import { createOutboxWorker } from '../../../src/delivery/outbox-worker';
import { alertTitle, type StateAlert } from '../../../src/domain/alerts/alerts';
import { buildDigest } from '../../../src/domain/alerts/digest';
import type { PlannedDelivery } from '../../../src/domain/alerts/delivery-plan';
import type { ListEvent } from '../../../src/domain/agreements/events';
import type { OperatorNotice } from '../../../src/domain/agreements/guards';
import { channelKey, type Subscription } from '../../../src/domain/alerts/subscriptions';
import { createLogger } from '../../../src/logging/logger';
import {
  createDiscordAlertSender,
  createDiscordRest,
  nonceFor,
  notifyOperatorChannel,
  type DiscordRestOptions,
} from '../../../src/platforms/discord/alert-sender';
import { EMBED_LIMITS, TONE_COLORS, type EmbedBody } from '../../../src/platforms/discord/render-reply';
import { openDatabase } from '../../../src/store/db/database';
import { createOutboxStore } from '../../../src/store/outbox-store';
import { createSubscriptionStore } from '../../../src/store/subscription-store';
import { startDiscordApi, type DiscordApi, type DiscordApiOptions } from '../../../stand-ins/discord-api';

const GUILD = '1100000000000000002';
const CHANNEL = '1100000000000000003';
const OPERATORS = '1100000000000000009';
const ZWSP = '\u200b';
const MOA = 'https://www.ice.gov/doclib/287gMOA/287gTFM_HarrisCountyTX_2025-12-10.pdf';
const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

function signed(agency: string, over: Partial<ListEvent> = {}): ListEvent {
  return {
    type: 'agreement.signed',
    state: 'Texas',
    stateCode: 'TX',
    agency,
    model: 'TFM',
    signed: '2025-12-10',
    county: 'Harris',
    agencyType: 'County',
    moaUrl: MOA,
    ...over,
  } as ListEvent;
}

function alertOf(events: ListEvent[]): StateAlert {
  return {
    id: 'participating:5f2a9c:TX',
    source: 'participating',
    state: 'Texas',
    stateCode: 'TX',
    title: alertTitle('Texas', events),
    events,
    totals: { total: 312, byModel: { JEM: 100, TFM: 150, WSO: 62, other: 0 }, pending: 12 },
    file: {
      fileName: 'participatingAgencies12122025pm.xlsx',
      url: 'https://www.ice.gov/doclib/about/offices/ero/pdf/participatingAgencies12122025pm.xlsx',
      fetchedAt: '2025-12-12T18:30:05.000Z',
      sha256: '5f2a9c',
    },
  };
}

function deliveryOf(alert: StateAlert, channelId = CHANNEL): PlannedDelivery {
  const key = channelKey('discord', GUILD, channelId);
  return { id: `${alert.id}:${key}`, subscriptionKey: key, platform: 'discord', workspaceId: GUILD, channelId, mode: 'instant', alert };
}

const TWO_SIGNINGS = alertOf([
  signed("Harris County Sheriff's Office"),
  signed('Pasadena Police Department', { model: 'JEM', county: null, moaUrl: null }),
]);

describe('createDiscordAlertSender (real discord.js REST against the loopback stand-in)', () => {
  let api: DiscordApi;
  let rests: REST[];
  const start = async (options: DiscordApiOptions = {}) => {
    api = await startDiscordApi(options);
  };
  const restFor = (over: Partial<DiscordRestOptions> = {}) => {
    const rest = createDiscordRest({ token: 'good-token', apiUrl: api.apiUrl, ...over });
    rests.push(rest);
    return rest;
  };
  const senderFor = (over: Partial<DiscordRestOptions> = {}) => createDiscordAlertSender({ rest: restFor(over), logger });
  const posts = (channelId = CHANNEL) => api.requestsTo('POST', `/channels/${channelId}/messages`);

  beforeEach(async () => {
    rests = [];
    await start();
  });
  afterEach(async () => {
    for (const rest of rests) {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    }
    await api.close();
  });

  test('an alert is posted to its channel as one embed, no mentions allowed, with a stable nonce Discord enforces', async () => {
    const delivery = deliveryOf(TWO_SIGNINGS);
    expect(await senderFor().send(delivery)).toEqual({ ok: true });
    const [post] = posts();
    expect(post.headers.authorization).toBe('Bot good-token');
    expect(post.body).toEqual({
      embeds: [
        {
          title: '2 new 287(g) agreements in Texas',
          color: TONE_COLORS.info,
          description: [
            '**New agreements**',
            `• **Harris County Sheriff's Office** (Harris) · Task Force Model (TFM), signed 2025-12-10 · [MOA](${MOA})`,
            '• **Pasadena Police Department** · Jail Enforcement Model (JEM), signed 2025-12-10',
          ].join('\n'),
          fields: [
            { name: 'Texas now', value: '312 active (JEM 100 · TFM 150 · WSO 62)', inline: true },
            { name: 'Pending requests', value: '12', inline: true },
          ],
          footer: { text: 'Source: ICE participating list, participatingAgencies12122025pm.xlsx, fetched 2025-12-12 18:30 UTC' },
        },
      ],
      allowed_mentions: { parse: [] },
      nonce: '9ROUuNjIQUaj8Dpr4IK5lSZN',
      enforce_nonce: true,
    });
    // The nonce is the delivery id's: the same on every attempt and after a restart, within Discord's 25 characters.
    expect(nonceFor(delivery.id)).toBe('9ROUuNjIQUaj8Dpr4IK5lSZN');
    expect(nonceFor(deliveryOf(TWO_SIGNINGS, '1100000000000000004').id)).not.toBe(nonceFor(delivery.id));
    expect(api.messages(CHANNEL)).toHaveLength(1);
  });

  test('a hostile agency name is escaped: it formats nothing, links nothing and mentions nobody', async () => {
    const evil = signed('@everyone <@123> **Sheriff** [click](https://evil.example) @here', { county: '<#456> <@&789>' });
    expect(await senderFor().send(deliveryOf(alertOf([evil])))).toEqual({ ok: true });
    const body = posts()[0].body as { embeds: EmbedBody[]; allowed_mentions: unknown };
    expect(body.allowed_mentions).toEqual({ parse: [] });
    const description = body.embeds[0].description!;
    expect(description).toContain(
      `**@${ZWSP}everyone <${ZWSP}@${ZWSP}123> \\*\\*Sheriff\\*\\* \\[click\\](https://evil.example%29 @${ZWSP}here**`,
    );
    expect(description).toContain(`(<${ZWSP}#456> <${ZWSP}@${ZWSP}&789>)`);
    expect(description).not.toMatch(/@everyone|@here|<@|<#|\[click\]\(/);
  });

  test('the same delivery sent twice lands once: Discord returns the first message for a nonce it has seen', async () => {
    const sender = senderFor();
    const delivery = deliveryOf(TWO_SIGNINGS);
    expect(await sender.send(delivery)).toEqual({ ok: true });
    expect(await sender.send(delivery)).toEqual({ ok: true });
    expect(posts()).toHaveLength(2);
    expect(api.duplicates).toHaveLength(1);
    expect(api.messages(CHANNEL)).toHaveLength(1);
  });

  test('a digest delivery posts the digest: its title, a section per state, deduplicated by the digest id', async () => {
    const florida = {
      ...alertOf([signed('Tampa Police Department', { state: 'Florida', stateCode: 'FL', county: 'Hillsborough' })]),
      id: 'participating:77:FL',
      state: 'Florida',
      stateCode: 'FL',
    };
    const digest = buildDigest('daily', '2025-12-12', [TWO_SIGNINGS, florida]);
    const key = channelKey('discord', GUILD, CHANNEL);
    const delivery: PlannedDelivery = {
      id: `digest:${key}:2025-12-12`,
      subscriptionKey: key,
      platform: 'discord',
      workspaceId: GUILD,
      channelId: CHANNEL,
      mode: 'daily',
      alert: digest.alerts[0],
      digest,
    };
    expect(await senderFor().send(delivery)).toEqual({ ok: true });
    const body = posts()[0].body as { embeds: EmbedBody[]; nonce: string };
    expect(body.embeds[0].title).toBe('Daily 287(g) digest for 2025-12-12: changes in 2 states');
    expect(body.embeds[0].description).toMatch(/^\*\*1 new 287\(g\) agreement in Florida\*\*\n• new: \*\*Tampa Police Department\*\*/);
    expect(body.embeds[0].fields!.map((f) => f.name)).toEqual(['Florida now', 'Texas now']);
    expect(body.nonce).toBe(nonceFor(delivery.id));
  });

  test('a global 429 discord.js did not foresee is waited out (Retry-After), and every message still lands once', async () => {
    await api.close();
    await start({ globalRateLimit: { perSecond: 5 } });
    const sender = senderFor(); // discord.js assumes Discord's 50/s: the stand-in refuses what goes over 5
    const channels = Array.from({ length: 8 }, (_, i) => `11000000000000001${String(i).padStart(2, '0')}`);
    const results = await Promise.all(channels.map((c) => sender.send(deliveryOf(TWO_SIGNINGS, c))));
    expect(results).toEqual(channels.map(() => ({ ok: true })));
    expect(api.tooManyRequests.length).toBeGreaterThanOrEqual(3);
    expect(api.tooManyRequests.every((t) => t.scope === 'global' && !t.scripted)).toBe(true);
    expect(
      api
        .messages()
        .map((m) => m.channelId)
        .sort(),
    ).toEqual(channels);
  });

  test('a send that timed out but reached Discord is not posted twice when the outbox tries again', async () => {
    api.faultChannel(CHANNEL, { kind: 'delay', ms: 300 }, 1);
    const sender = senderFor({ timeoutMs: 100, retries: 0 });
    const delivery = deliveryOf(TWO_SIGNINGS);
    expect(await sender.send(delivery)).toEqual({ ok: false, permanent: false, reason: 'Discord did not answer in time (REST timeout)' });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(api.messages(CHANNEL)).toHaveLength(1); // Discord created it after all
    expect(await sender.send(delivery)).toEqual({ ok: true });
    expect(api.messages(CHANNEL)).toHaveLength(1);
    expect(api.duplicates).toHaveLength(1);
  });

  test("a channel's 429 is waited out by discord.js itself (retry_after, X-RateLimit-* headers), then the post succeeds once", async () => {
    api.faultChannel(CHANNEL, { kind: 'rateLimit', retryAfter: 0.2 }, 1);
    const t0 = performance.now();
    expect(await senderFor().send(deliveryOf(TWO_SIGNINGS))).toEqual({ ok: true });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(200);
    expect(posts()).toHaveLength(2);
    expect(api.tooManyRequests).toMatchObject([{ scope: 'user', scripted: true }]);
    expect(api.messages(CHANNEL)).toHaveLength(1);
  });

  test('a rate limit longer than the REST will sit out comes back transient with retryAfterMs from Discord', async () => {
    api.faultChannel(CHANNEL, { kind: 'rateLimit', retryAfter: 45 }, 1);
    const result = await senderFor({ maxRateLimitWaitMs: 30_000 }).send(deliveryOf(TWO_SIGNINGS));
    expect(result).toMatchObject({ ok: false, permanent: false });
    const retryAfterMs = (result as { retryAfterMs?: number }).retryAfterMs!;
    expect(retryAfterMs).toBeGreaterThanOrEqual(45_000);
    expect(retryAfterMs).toBeLessThan(46_000);
    expect(api.messages()).toEqual([]);
  });

  test('a 500 is transient after discord.js used its own retries; so is a 400 (one bad message must not pause the channel)', async () => {
    api.faultChannel(CHANNEL, { kind: 'serverError' });
    expect(await senderFor({ retries: 1 }).send(deliveryOf(TWO_SIGNINGS))).toEqual({
      ok: false,
      permanent: false,
      reason: 'Discord answered HTTP 500 Internal Server Error',
    });
    expect(posts()).toHaveLength(2);
    api.clearFaults();
    api.faultChannel(CHANNEL, { kind: 'error', status: 400, code: 50035, message: 'Invalid Form Body' });
    expect(await senderFor().send(deliveryOf(TWO_SIGNINGS))).toMatchObject({
      ok: false,
      permanent: false,
      reason: expect.stringMatching(/HTTP 400, code 50035/),
    });
  });

  test('no answer within the REST timeout is transient', async () => {
    api.faultChannel(CHANNEL, { kind: 'delay', ms: 2000 });
    expect(await senderFor({ timeoutMs: 150, retries: 0 }).send(deliveryOf(TWO_SIGNINGS))).toEqual({
      ok: false,
      permanent: false,
      reason: 'Discord did not answer in time (REST timeout)',
    });
  });

  test.each([
    [
      403,
      50013,
      'Missing Permissions',
      '50013',
      'the bot lacks permission to post there',
      /^Give the bot View Channel, Send Messages and Embed Links in that channel\.$/,
    ],
    [
      403,
      50001,
      'Missing Access',
      '50001',
      'the bot can no longer see the channel',
      /^Give the bot View Channel, Send Messages and Embed Links in that channel\. If the bot was removed/,
    ],
    [404, 10003, 'Unknown Channel', '10003', 'the channel no longer exists', /^The channel was deleted/],
    [404, 10004, 'Unknown Guild', '10004', 'the bot is no longer in that server', /^Invite the bot back/],
    [403, 0, '403: Forbidden', 'HTTP 403', 'Discord refused the bot access to the channel', /^Give the bot View Channel/],
  ])(
    'HTTP %i with code %i (%s) is permanent, with the code, a reason and a fix',
    async (status, code, message, expectedCode, reason, fix) => {
      api.faultChannel(CHANNEL, { kind: 'error', status, code, message });
      expect(await senderFor().send(deliveryOf(TWO_SIGNINGS))).toEqual({
        ok: false,
        permanent: true,
        code: expectedCode,
        reason,
        fix: expect.stringMatching(fix),
      });
      expect(posts()).toHaveLength(1); // never retried in place
    },
  );

  test('a token Discord refuses (401) is permanent and says to fix DISCORD_TOKEN', async () => {
    await api.close();
    await start({ acceptTokens: ['good-token'] });
    expect(await senderFor({ token: 'revoked-token' }).send(deliveryOf(TWO_SIGNINGS))).toEqual({
      ok: false,
      permanent: true,
      code: 'HTTP 401',
      reason: 'Discord refused the bot token',
      fix: expect.stringMatching(/^Set DISCORD_TOKEN/),
    });
  });

  test('a channel id that is not a snowflake is permanent and never becomes a request', async () => {
    expect(await senderFor().send(deliveryOf(TWO_SIGNINGS, '../../guilds/1'))).toMatchObject({
      ok: false,
      permanent: true,
      code: 'invalid-channel-id',
    });
    expect(api.requests).toEqual([]);
  });

  test('300 signings stay within every embed limit, keep the totals and say how many more and which command lists them', async () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      signed(`Agency ${i} Sheriff's Office`, { county: `County ${i}`, moaUrl: `https://www.ice.gov/doclib/287gMOA/${i}.pdf` }),
    );
    expect(await senderFor().send(deliveryOf(alertOf(many)))).toEqual({ ok: true }); // the stand-in refuses bodies over Discord's limits
    const embed = (posts()[0].body as { embeds: EmbedBody[] }).embeds[0];
    const size =
      embed.title!.length +
      embed.description!.length +
      embed.footer!.text.length +
      embed.fields!.reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(size).toBeLessThanOrEqual(EMBED_LIMITS.total);
    expect(embed.description!.length).toBeLessThanOrEqual(EMBED_LIMITS.description);
    expect(embed.title).toBe('300 new 287(g) agreements in Texas');
    expect(embed.fields![0]).toEqual({ name: 'Texas now', value: '312 active (JEM 100 · TFM 150 · WSO 62)', inline: true });
    const lines = embed.description!.split('\n');
    const shown = lines.filter((l) => l.startsWith('• ')).length;
    expect(shown).toBeGreaterThan(10);
    expect(lines.at(-1)).toBe(`… and ${300 - shown} more (/agreements tx lists them all)`);
  });

  test('tellChannel posts plain escaped text that mentions nobody, and swallows the error where the bot cannot post', async () => {
    const sender = senderFor();
    const delivery = deliveryOf(TWO_SIGNINGS);
    await sender.tellChannel!(delivery, 'ice-watch paused this channel: **@everyone** see #general');
    expect(posts()[0].body).toEqual({
      content: `ice-watch paused this channel: \\*\\*@${ZWSP}everyone\\*\\* see #general`,
      allowed_mentions: { parse: [] },
      nonce: nonceFor(`${delivery.id}:paused`),
      enforce_nonce: true,
    });
    api.faultChannel(CHANNEL, { kind: 'error', status: 403, code: 50013, message: 'Missing Permissions' });
    await expect(sender.tellChannel!(delivery, 'again')).resolves.toBeUndefined();
  });

  test('notifyOperatorChannel posts an operator notice as plain escaped lines within 2,000 characters', async () => {
    const rest = restFor();
    const text = 'participating_12122025.xlsx: 40 of 500 rows would end at once; held\n> @here review with /held';
    expect(await notifyOperatorChannel(rest, OPERATORS, text)).toEqual({ ok: true });
    expect(posts(OPERATORS)[0].body).toEqual({
      content: `participating\\_12122025.xlsx: 40 of 500 rows would end at once; held\n\\> @${ZWSP}here review with /held`,
      allowed_mentions: { parse: [] },
    });
    expect(await notifyOperatorChannel(rest, OPERATORS, 'x'.repeat(5000))).toEqual({ ok: true });
    expect((posts(OPERATORS)[1].body as { content: string }).content).toHaveLength(2000);
  });

  test('through the outbox worker, a channel where the bot lost permission is paused and operators get the fix', async () => {
    const keyv = openDatabase('memory://');
    const subscriptions = createSubscriptionStore(keyv);
    const outbox = createOutboxStore(keyv);
    const delivery = deliveryOf(TWO_SIGNINGS);
    const who = { id: 'U1', name: 'Ana' };
    const sub: Subscription = {
      key: delivery.subscriptionKey,
      platform: 'discord',
      workspaceId: GUILD,
      channelId: CHANNEL,
      channelName: 'alerts',
      states: ['TX'],
      kinds: ['agreements'],
      models: null,
      mode: 'instant',
      createdBy: who,
      createdAt: '2025-12-01T00:00:00.000Z',
      updatedBy: who,
      updatedAt: '2025-12-01T00:00:00.000Z',
      paused: null,
    };
    await subscriptions.put(sub);
    await outbox.enqueue([delivery], new Date());
    api.faultChannel(CHANNEL, { kind: 'error', status: 403, code: 50013, message: 'Missing Permissions' });
    const notices: OperatorNotice[] = [];
    const worker = createOutboxWorker({
      outbox,
      subscriptions,
      senders: [senderFor()],
      logger,
      notifyOperators: async (n) => void notices.push(...n),
    });
    await worker.drain();
    expect((await subscriptions.get(sub.key))!.paused).toMatchObject({ reason: 'the bot lacks permission to post there' });
    expect(notices.map((n) => n.text)).toEqual([
      `Paused alerts for discord channel ${CHANNEL}: the bot lacks permission to post there (50013). Give the bot View Channel, Send Messages and Embed Links in that channel. 1 alert was kept for it, not sent; once it is fixed, /subscribe in that channel resumes its alerts.`,
    ]);
    expect(posts()).toHaveLength(2); // the alert, then the attempt to tell the channel
    expect((posts()[1].body as { content: string }).content).toMatch(
      /^ice-watch paused this channel's 287\(g\) alerts: the bot lacks permission/,
    );
    await keyv.close();
  });
});
