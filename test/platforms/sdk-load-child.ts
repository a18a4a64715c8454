/**
 * For test/platforms/plugins.test.ts: builds the bot from its environment (no connection is
 * made), then prints which platform SDKs the process has loaded, as one JSON line.
 */
import { loadConfig, SETTING_NAMES } from '../../src/config';
import { createLogger } from '../../src/logging/logger';
import { createBot } from '../../src/main';

async function main(): Promise<void> {
  const config = loadConfig(Object.fromEntries(SETTING_NAMES.map((k) => [k, process.env[k]])));
  const bot = await createBot(config, { logger: createLogger('silent'), write: () => undefined });
  const loaded = Object.keys(require.cache);
  const has = (dir: string) => loaded.some((path) => path.includes(`/node_modules/${dir}/`));
  process.stdout.write(`${JSON.stringify({ discord: has('discord.js'), slack: has('@slack/bolt') })}\n`);
  await bot.stop();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`sdk-load child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
