/**
 * Figure `memory` (SPEC section 8: "resident memory of the running bot with 2,500 agreements,
 * a year of history and 10,000 subscriptions, with Discord and Slack both configured (against
 * loopback stand-ins), through its first poll"). The bot runs as an operator runs it:
 * `node bin/ice-watch.js start`, compiled, in a child process, on a copy of the seeded store
 * (bench/memory-seed.ts), logged in to a Discord gateway stand-in that announces 1,000 servers,
 * with its Slack receiver listening over HTTP and its Web API calls going to a Slack stand-in.
 * Its first 287(g) poll finds a new list (a Texas alert to every channel following Texas or
 * every state) and sends those alerts; its first totals poll reads the largest detention
 * workbook. The figure is the peak resident set (VmHWM, Linux's high-water mark of the
 * process) once both polls' jobs have finished, median of the runs.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DISCORD_READY, FIRST_287G_POLL_DONE, FIRST_TOTALS_POLL_DONE, freePort, READY, spawnBot, type LogLine } from './bot-process';
import { mb, median, progress } from './measure';
import { CHANNELS_PER_GUILD, guilds, ROWS, seed, SLACK_WORKSPACE, SNAPSHOTS, SUBSCRIPTIONS } from './memory-seed';
import { startDiscordApi } from '../stand-ins/discord-api';
import { startDiscordGateway } from '../stand-ins/discord-gateway';
import { startSlackApi } from '../stand-ins/slack-api';
import { makeDetentionFolder } from './start-to-ready';

const GOAL_MB = 200;
const RUNS = 3;
const TOKEN = 'bench-discord-token';
const APP_ID = '1000000000000000042';
/** The first poll sends some 700 Discord messages at discord.js's 50 per second. */
const FIRST_POLL_WITHIN_MS = 180_000;

interface Run {
  spawnToReadyMs: number;
  rssAtReady: number;
  rssAtEnd: number;
  peak: number;
  firstPollMs: number;
  poll: LogLine;
  discordMessages: number;
  slackMessages: number;
  /** The largest of the 25 ms RSS samples: when, and after which log line. */
  largestSample: { rss: number; ms: number; after: string };
}

export async function benchMemory() {
  const root = mkdtempSync(join(tmpdir(), 'ice-watch-bench-memory-'));
  const servers = guilds();
  const [gateway, slack] = await Promise.all([
    startDiscordGateway({ guilds: servers, appId: APP_ID, acceptTokens: [TOKEN] }),
    startSlackApi(),
  ]);
  const discord = await startDiscordApi({ acceptTokens: [TOKEN], gateway: { url: gateway.url } });
  slack.on('auth.test', () => ({
    ok: true,
    url: 'https://bench.slack.com/',
    team: 'Bench',
    user: 'ice-watch',
    team_id: SLACK_WORKSPACE,
    user_id: 'U0BOT',
    bot_id: 'B0BOT',
  }));
  try {
    const seeded = await seed(root);
    progress(`memory: seeded ${SNAPSHOTS} lists and ${SUBSCRIPTIONS.toLocaleString('en-US')} subscriptions`);
    const detention = makeDetentionFolder(root);
    const runs: Run[] = [];
    for (let run = 0; run < RUNS; run++) {
      // The first poll writes to the store, so every run starts from a fresh copy of the seed.
      const file = join(root, `run-${run}.sqlite`);
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(seeded.store + suffix)) copyFileSync(seeded.store + suffix, file + suffix);
      // Posts, not new messages: the stand-in answers a repeated nonce (the same alert in the next run) with the first message.
      const posted = () => discord.requestsTo('POST', /^\/channels\/[^/]+\/messages$/).length;
      const before = { discord: posted(), slack: slack.delivered().length };
      const bot = spawnBot(
        'compiled',
        {
          STORE_URL: `sqlite://${file}`,
          LOG_LEVEL: 'info',
          ICE_287G_PAGE_URL: pathToFileURL(seeded.page).href,
          ICE_DETENTION_PAGE_URL: pathToFileURL(detention).href,
          DISCORD_TOKEN: TOKEN,
          DISCORD_APP_ID: APP_ID,
          DISCORD_API_URL: discord.apiUrl,
          SLACK_BOT_TOKEN: 'xoxb-bench',
          SLACK_SIGNING_SECRET: 'bench-secret',
          SLACK_API_URL: slack.apiUrl,
          SLACK_PORT: String(await freePort()),
        },
        root,
      );
      const sampled = bot.sampleMemory(25);
      try {
        const ready = await bot.waitFor(READY, 'ice-watch ready', 60_000);
        const rssAtReady = bot.memory().rss;
        await bot.waitFor(DISCORD_READY, 'discord ready', 60_000);
        const [polled] = await Promise.all([
          bot.waitFor(FIRST_287G_POLL_DONE, 'the first 287(g) poll done', FIRST_POLL_WITHIN_MS),
          bot.waitFor(FIRST_TOTALS_POLL_DONE, 'the first totals poll done', FIRST_POLL_WITHIN_MS),
        ]);
        const { rss, peak } = bot.memory();
        runs.push({
          spawnToReadyMs: ready.ms,
          rssAtReady,
          rssAtEnd: rss,
          peak,
          firstPollMs: polled.ms - ready.ms,
          poll: polled.line,
          largestSample: sampled(),
          discordMessages: posted() - before.discord,
          slackMessages: slack.delivered().length - before.slack,
        });
      } finally {
        await bot.stop();
      }
      const r = runs[run];
      progress(
        `memory: run ${run + 1}/${RUNS}: peak ${mb(r.peak)} MB, ${r.discordMessages} Discord and ${r.slackMessages} Slack messages sent in the first poll`,
      );
    }
    const peak = median(runs.map((r) => r.peak));
    const first = runs[0];
    // The figure holds only if the first poll did what it is meant to: judge a new list and fan its alert out.
    const sent = first.discordMessages > 0 && first.slackMessages > 0;
    return {
      figure:
        'resident memory of the running bot with 2,500 agreements, a year of history and 10,000 subscriptions, with Discord and Slack both configured (against loopback stand-ins), through its first poll',
      description:
        'peak resident set (VmHWM) of `node bin/ice-watch.js start` (compiled) on a seeded SQLite store, logged in to a Discord gateway stand-in and with its Slack HTTP receiver up, from spawn until the jobs of its first 287(g) poll (judging a new list, sending its Texas alert) and its first totals poll (the largest detention workbook) have finished',
      loaded: {
        agreements: ROWS,
        distinctListsStored: SNAPSHOTS,
        subscriptions: SUBSCRIPTIONS,
        discordServers: servers.length,
        discordChannelsPerServer: CHANNELS_PER_GUILD,
        slackChannels: SUBSCRIPTIONS / 2,
        firstPoll: {
          change: seeded.change,
          ...pick(first.poll, ['publications', 'alerts', 'deliveries']),
          discordMessages: first.discordMessages,
          slackMessages: first.slackMessages,
        },
      },
      value: mb(peak),
      unit: 'MB (median of the peak RSS of each run)',
      runs: RUNS,
      goal: `under ${GOAL_MB} MB`,
      met: sent && mb(peak) < GOAL_MB,
      ...(sent ? {} : { problem: 'the first poll sent no alert to one of the platforms: the figure does not measure what it says' }),
      rssMb: {
        atReady: mb(median(runs.map((r) => r.rssAtReady))),
        afterFirstPoll: mb(median(runs.map((r) => r.rssAtEnd))),
        peak: mb(peak),
        peakSamples: runs.map((r) => mb(r.peak)),
        largestSampleOfEachRun: runs.map((r) => ({
          mb: mb(r.largestSample.rss),
          msAfterSpawn: Math.round(r.largestSample.ms),
          afterLogLine: r.largestSample.after,
        })),
      },
      context: {
        spawnToReadyMs: Math.round(median(runs.map((r) => r.spawnToReadyMs))),
        readyToFirstPollDoneMs: Math.round(median(runs.map((r) => r.firstPollMs))),
        note: "the first poll's time is mostly discord.js holding Discord's global limit of 50 requests per second",
      },
    };
  } finally {
    await Promise.all([discord.close(), gateway.close(), slack.close()]);
    rmSync(root, { recursive: true, force: true });
  }
}

const pick = (line: LogLine, keys: string[]) => Object.fromEntries(keys.filter((k) => k in line).map((k) => [k, line[k]]));
