import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { channelKey, subscriptionWants } from '../src/domain/alerts/subscriptions';
import { createLogger } from '../src/logging/logger';
import { createBot } from '../src/main';
import { cli } from './helpers/cli';

const CONSOLE = channelKey('console', 'local', 'console');

/** Runs the terminal command against `store` (the CLI reads STORE_URL from the environment, as an operator's shell would). */
async function inTerminal(store: string, ...argv: string[]) {
  const saved = process.env.STORE_URL;
  process.env.STORE_URL = store;
  try {
    return await cli(...argv);
  } finally {
    if (saved === undefined) delete process.env.STORE_URL;
    else process.env.STORE_URL = saved;
  }
}

describe('the terminal subscribes the console', () => {
  test('`subscribe tx ok models:tfm` in console mode narrows the console to Texas and Oklahoma, TFM only; a later subscribe adds to it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ice-watch-console-'));
    const store = `sqlite://${join(dir, 'bot.sqlite')}`;
    // Console mode (no platform): the bot starts the console on every state.
    const bot = await createBot(loadConfig({ STORE_URL: store }), { logger: createLogger('silent'), write: () => undefined });
    try {
      expect(await bot.stores.subscriptions.get(CONSOLE)).toMatchObject({ states: 'all', models: null });

      const r = await inTerminal(store, 'subscribe', 'tx ok models:tfm');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('replaced the console’s default (every state) with Texas, Oklahoma.');
      const narrowed = (await bot.stores.subscriptions.get(CONSOLE))!;
      expect(narrowed).toMatchObject({ states: ['TX', 'OK'], models: ['TFM'], kinds: ['agreements', 'endings', 'pending'] });
      expect(subscriptionWants(narrowed, 'agreements', 'TX', 'TFM')).toBe(true);
      expect(subscriptionWants(narrowed, 'agreements', 'FL', 'TFM')).toBe(false);
      expect(subscriptionWants(narrowed, 'agreements', 'TX', 'JEM')).toBe(false);
      expect((await inTerminal(store, 'subscriptions')).stdout).toMatch(/Texas, Oklahoma|TX, OK/);

      // What a person chose is theirs: the next subscribe adds, as on every platform.
      expect((await inTerminal(store, 'subscribe', 'fl')).stdout).toContain('updated: added Florida.');
      expect((await bot.stores.subscriptions.get(CONSOLE))!.states).toEqual(['TX', 'OK', 'FL']);
    } finally {
      await bot.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
