/**
 * Figure `startToReady` (SPEC section 8: "spawn to ready (store opened, jobs scheduled), as an
 * operator waits for it"): wall time from spawning `node bin/ice-watch.js start` (the compiled
 * bot, as `npm start` and a supervisor run it) to its "ice-watch ready" log line, which it
 * writes once the store answered and the jobs are scheduled. Console mode, a fresh SQLite store,
 * a local page folder with one participating and one pending workbook and one detention
 * workbook. Once its first poll (a baseline of both lists) is done, SIGTERM, and it exits.
 *
 * Beside it, round-robin in the same runs so that they share the machine's load: the same
 * command from the TypeScript sources through tsx (what production ran before the build step),
 * and the compiled bot with Discord and Slack both configured against loopback stand-ins
 * (ready then also waits for the gateway login and the Slack receiver).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FIRST_287G_POLL_DONE, freePort, READY, spawnBot, type ENTRIES } from './bot-process';
import { LARGEST_DETENTION } from './detention-parse';
import { FIXTURES_287G } from './fixtures';
import { mb, median, progress } from './measure';
import { LARGEST } from './pipeline-287g';
import { startDiscordApi } from '../stand-ins/discord-api';
import { startDiscordGateway } from '../stand-ins/discord-gateway';
import { startSlackApi } from '../stand-ins/slack-api';

const RUNS = 5;
const GOAL_MS = 600;
export const PENDING_FIXTURE = join(FIXTURES_287G, 'pending', 'pendingAgencies02272026am.xlsx');
const GUILD = '1400000000000000001';

/** A folder that the local-mirror fetch lists as ICE's 287(g) page. */
export function makePageFolder(root: string): string {
  const page = join(root, 'page');
  mkdirSync(page, { recursive: true });
  copyFileSync(LARGEST, join(page, 'participatingAgencies12122025pm.xlsx'));
  copyFileSync(PENDING_FIXTURE, join(page, 'pendingAgencies02272026am.xlsx'));
  return page;
}

/** A folder listed as ICE's detention-management page, with the largest detention workbook. */
export function makeDetentionFolder(root: string): string {
  const page = join(root, 'detention');
  mkdirSync(page, { recursive: true });
  copyFileSync(LARGEST_DETENTION, join(page, '2025-10-30_FY25_detentionStats09252025.xlsx'));
  return page;
}

type Variant = 'compiled' | 'sources' | 'compiledWithDiscordAndSlack';

interface Sample {
  spawnToReadyMs: number;
  rssAtReady: number;
  cpuAtReady: number;
  firstPollDoneMs: number;
}

export async function benchStartToReady() {
  const [gateway, slack] = await Promise.all([
    startDiscordGateway({ guilds: [{ id: GUILD, name: 'Bench newsroom', channels: ['1500000000000000001'] }] }),
    startSlackApi(),
  ]);
  const discord = await startDiscordApi({ gateway: { url: gateway.url } });
  const samples: Record<Variant, Sample[]> = { compiled: [], sources: [], compiledWithDiscordAndSlack: [] };
  const entryOf: Record<Variant, keyof typeof ENTRIES> = {
    compiled: 'compiled',
    sources: 'sources',
    compiledWithDiscordAndSlack: 'compiled',
  };
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const variant of Object.keys(samples) as Variant[]) {
        const root = mkdtempSync(join(tmpdir(), 'ice-watch-bench-start-'));
        try {
          const settings: Record<string, string> = {
            STORE_URL: `sqlite://${join(root, 'bench.sqlite')}`,
            LOG_LEVEL: 'info',
            ICE_287G_PAGE_URL: pathToFileURL(makePageFolder(root)).href,
            ICE_DETENTION_PAGE_URL: pathToFileURL(makeDetentionFolder(root)).href,
          };
          if (variant === 'compiledWithDiscordAndSlack') {
            Object.assign(settings, {
              DISCORD_TOKEN: 'bench-discord-token',
              DISCORD_APP_ID: '1000000000000000042',
              DISCORD_API_URL: discord.apiUrl,
              SLACK_BOT_TOKEN: 'xoxb-bench',
              SLACK_SIGNING_SECRET: 'bench-secret',
              SLACK_API_URL: slack.apiUrl,
              SLACK_PORT: String(await freePort()),
            });
          }
          const bot = spawnBot(entryOf[variant], settings, root);
          const ready = await bot.waitFor(READY, 'ice-watch ready', 30_000);
          const [rssAtReady, cpuAtReady] = [bot.memory().rss, bot.cpuMs()];
          // SIGTERM once the first poll is done: the bot says ready a moment before it installs its signal handlers.
          const polled = await bot.waitFor(FIRST_287G_POLL_DONE, 'the first 287(g) poll done', 60_000);
          const stopped = await bot.stop();
          if (stopped.code !== 0) throw new Error(`${variant}: the bot exited with ${stopped.code} after SIGTERM`);
          samples[variant].push({ spawnToReadyMs: ready.ms, rssAtReady, cpuAtReady, firstPollDoneMs: polled.ms });
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }
      const last = (v: Variant) => Math.round(samples[v][run].spawnToReadyMs);
      progress(
        `startToReady: run ${run + 1}/${RUNS}: compiled ${last('compiled')} ms, sources through tsx ${last('sources')} ms, compiled with Discord and Slack ${last('compiledWithDiscordAndSlack')} ms`,
      );
    }
  } finally {
    await Promise.all([discord.close(), gateway.close(), slack.close()]);
  }
  const summary = (v: Variant) => ({
    medianMs: Math.round(median(samples[v].map((s) => s.spawnToReadyMs))),
    samplesMs: samples[v].map((s) => Math.round(s.spawnToReadyMs)),
    cpuMsAtReady: Math.round(median(samples[v].map((s) => s.cpuAtReady))),
    rssAtReadyMb: mb(median(samples[v].map((s) => s.rssAtReady))),
    spawnToFirstPollDoneMs: Math.round(median(samples[v].map((s) => s.firstPollDoneMs))),
  });
  const value = summary('compiled').medianMs;
  return {
    figure: 'spawn to ready (store opened, jobs scheduled), as an operator waits for it',
    description:
      'wall time from spawning `node bin/ice-watch.js start` (compiled, console mode, fresh SQLite store, local 287(g) and detention page folders) to its "ice-watch ready" log line (stderr); spawnToFirstPollDoneMs: until its first 287(g) poll (a baseline of both lists into the empty store) is done',
    runs: RUNS,
    value,
    unit: 'ms (median)',
    cpuNote:
      'cpuMsAtReady: the CPU time (user + system) the process used until ready; wall time on a busy machine grows with the load, this does not',
    goal: `under ${GOAL_MS} ms`,
    met: value < GOAL_MS,
    compiled: summary('compiled'),
    reference: {
      fromSourcesThroughTsx: {
        ...summary('sources'),
        note: 'node bin/ice-watch-ts.js start: the same command through tsx, as production ran before the build step; run round-robin with the others',
      },
      compiledWithDiscordAndSlack: {
        ...summary('compiledWithDiscordAndSlack'),
        note: 'both platforms configured against loopback stand-ins (one guild): ready also waits for the Discord gateway login and the Slack HTTP receiver',
        metAgainstSameGoal: summary('compiledWithDiscordAndSlack').medianMs < GOAL_MS,
      },
    },
  };
}
