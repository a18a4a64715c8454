/**
 * Child process of figure `startToReady`: startBot installs SIGINT/SIGTERM handlers and
 * starts the first poll, so it runs in its own process.
 *   node bin/run-ts.js bench/start-child.ts <store file> <page folder>
 * Prints one JSON line on stdout when done: the epoch time startBot returned (ready),
 * how long the call took, and how long stop() then took (it waits for the first poll).
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config';
import { startBot } from '../src/main';

async function main(): Promise<void> {
  const [storeFile, pageDir] = process.argv.slice(3);
  if (!storeFile || !pageDir) throw new Error('usage: bench/start-child.ts <store file> <page folder>');
  // An explicit environment: neither .env nor the caller's variables leak into the figure.
  const config = loadConfig({
    STORE_URL: `sqlite://${storeFile}`,
    LOG_LEVEL: 'silent',
    ICE_287G_PAGE_URL: pathToFileURL(pageDir).href,
  });
  const t0 = performance.now();
  const bot = await startBot(config);
  const startBotMs = performance.now() - t0;
  const readyAt = Date.now();
  const t1 = performance.now();
  await bot.stop();
  const stopMs = performance.now() - t1;
  const line = JSON.stringify({ readyAt, startBotMs, stopMs, rss: process.memoryUsage().rss, maxRssKb: process.resourceUsage().maxRSS });
  process.stdout.write(line + '\n', () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`start-child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
