/**
 * One bot instance for the scale-out and fault tests (test/e2e/scale-out*.test.ts,
 * crash-db-cut.test.ts): builds the bot with createBot from its environment (a shared
 * STORE_URL on PostgreSQL, the stand-ins' URLs), starts its coordination (the leader's lease)
 * and /healthz when HTTP_PORT is set, and runs the poll and deliver-outbox jobs every 250 ms,
 * as its cron would every 15 minutes; the lease decides which instance actually polls and
 * sends. No gateway login (the Discord stand-in serves REST only), no Slack receiver.
 *
 * Test-only environment: SCALE_OUT_SEND_TIMEOUT_MS and SCALE_OUT_CLAIM_MARGIN_MS shorten the
 * send timeout and a claim's margin over it (a claim lasts their sum).
 *
 * Prints `READY <instance id> <healthz port|->` on stdout; SIGTERM stops it cleanly, SIGKILL is the crash.
 */
import { writeSync } from 'node:fs';
import { jobs } from '../../jobs';
import { loadConfig, SETTING_NAMES } from '../../src/config';
import { createBot, stopOnSignals } from '../../src/main';

const numberOf = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);

async function main(): Promise<void> {
  const config = loadConfig(Object.fromEntries(SETTING_NAMES.map((k) => [k, process.env[k]])));
  const bot = await createBot(config, {
    sendTimeoutMs: numberOf('SCALE_OUT_SEND_TIMEOUT_MS'),
    claimMarginMs: numberOf('SCALE_OUT_CLAIM_MARGIN_MS'),
  });
  await bot.coordination.start();
  const port = await bot.ops.start(null);
  writeSync(1, `READY ${bot.instanceId} ${port ?? '-'}\n`);
  const cycle = jobs.filter((j) => j.name === 'poll-287g' || j.name === 'deliver-outbox');
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      for (const job of cycle) await bot.runJob(job);
    })().finally(() => (busy = false));
  }, 250);
  // As `ice-watch start` does: a bounded stop, then exit.
  stopOnSignals(() => (clearInterval(timer), bot.stop()), bot.jobDeps.logger);
}

main().catch((err: unknown) => {
  process.stderr.write(`scale-out child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
