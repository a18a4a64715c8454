import { Writable } from 'node:stream';
import { createLogger } from '../../../src/logging/logger';
import { createDiscordBot } from '../../../src/platforms/discord/client';
import { openDatabase, type StoreDb } from '../../../src/store/db/database';
import { createSubscriptionStore } from '../../../src/store/subscription-store';
import { startDiscordApi, type DiscordApi } from '../../../stand-ins/discord-api';
import { memorySnapshots } from '../../helpers/memory-snapshots';
import { rawCommand, seedParticipating, toInteraction } from './harness';

describe('createDiscordBot', () => {
  let api: DiscordApi;
  let db: StoreDb;
  const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
  beforeEach(async () => {
    api = await startDiscordApi({ acceptTokens: ['good-token'] });
    db = openDatabase('memory://');
  });
  afterEach(async () => {
    await db.close();
    await api.close();
  });

  const timed: string[] = [];
  const metrics = { commandFinished: (platform: string, command: string) => void timed.push(`${platform} ${command}`) };
  const makeBot = (token: string, snapshots = memorySnapshots()) =>
    createDiscordBot({
      token,
      apiUrl: api.apiUrl,
      logger,
      metrics,
      services: { snapshots, subscriptions: createSubscriptionStore(db) },
    });

  test('creating the bot connects to nothing; stop before start is a no-op', async () => {
    const bot = makeBot('good-token');
    await bot.stop();
    expect(api.requests).toEqual([]);
  });

  test("the client's interactionCreate event reaches the handler, which answers through the stand-in", async () => {
    const snapshots = memorySnapshots();
    await seedParticipating(snapshots);
    const bot = makeBot('good-token', snapshots);
    const raw = rawCommand('agreements', { state: 'tx' });
    toInteraction(bot.client, raw);
    const [callback] = await api.waitFor('POST', `/interactions/${raw.id}/${raw.token}/callback`);
    expect((callback.body as { data: { embeds: Array<{ title: string }> } }).data.embeds[0].title).toMatch(
      /^Texas: \d+ active 287\(g\) agreements$/,
    );
    // The command's latency reaches /metrics through the bot's options.
    expect(timed).toContain('discord agreements');
    await bot.stop();
  });

  test('start asks the REST stand-in for the gateway with the bot token; a refused token rejects and stop is clean', async () => {
    const bot = makeBot('revoked-token');
    await expect(bot.start()).rejects.toThrow(/token/i);
    const [gateway] = api.requestsTo('GET', '/gateway/bot');
    expect(gateway.headers.authorization).toBe('Bot revoked-token');
    await expect(bot.stop()).resolves.toBeUndefined();
  });
});
