/**
 * One bot instance for test/e2e/scale-out.test.ts: builds the bot with createBot from its
 * environment (a shared STORE_URL on PostgreSQL, REDIS_URL, the stand-ins' URLs), starts
 * its coordination (poll lease, shared delivery queue workers) and runs the poll and
 * deliver-outbox jobs every 250 ms, as its cron would every 15 minutes; the lease decides
 * which instance actually polls. No gateway login (the Discord stand-in serves REST only).
 * Prints `READY <instance id>` on stdout; SIGTERM stops it cleanly, SIGKILL is the crash.
 */
import { writeSync } from 'node:fs';
import { jobs } from '../../jobs';
import { loadConfig, SETTING_NAMES } from '../../src/config';
import { createBot } from '../../src/main';

async function main(): Promise<void> {
  const config = loadConfig(Object.fromEntries(SETTING_NAMES.map((k) => [k, process.env[k]])));
  const bot = await createBot(config);
  await bot.coordination.start();
  writeSync(1, `READY ${bot.instanceId}\n`);
  const cycle = jobs.filter((j) => j.name === 'poll-287g' || j.name === 'deliver-outbox');
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      for (const job of cycle) await bot.runJob(job);
    })().finally(() => (busy = false));
  }, 250);
  process.once('SIGTERM', () => {
    clearInterval(timer);
    void bot.stop().then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`scale-out child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
