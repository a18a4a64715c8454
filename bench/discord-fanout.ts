/**
 * Figure `discordFanOut`: one state's alert fanned out to 5,000 subscribed Discord channels.
 * The deliveries are planned as the router plans them (planDeliveries), stored in an outbox
 * in memory (SQLite) and drained by the outbox worker (default concurrency) through the Discord
 * sender; discord.js's REST (`globalRequestsPerSecond` set to the limit, as for a bot whose
 * limit is known) posts them to the loopback stand-in, which enforces that global limit with
 * real 429s and X-RateLimit-* / Retry-After headers, plus Discord's 5-per-5-s bucket per
 * channel. `viaSender` repeats the fan-out straight through the sender, with the same number
 * of sends in flight and no store, to tell the store's share from Discord's.
 *
 * The rate is messages over the seconds from the drain's start to the end of the last
 * 1 s window of the limit: a sender that bursts each window's quota finishes its last
 * window early, and counting only up to its last message would credit it with time it did
 * not leave to anyone (1,000 messages at 200/s "took" 4.5 s: 1.11 of the limit).
 *
 * The limit defaults to 200/s so that 5,000 messages take about 25 s and the figure fits the
 * bench's ~2-minute budget (Discord's own default, 50/s, would take 100 s). One run of
 * each, not the median of several: each already spans 25 windows of the limit. BENCH_DISCORD_LIMIT and BENCH_DISCORD_CHANNELS override both.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { createOutboxWorker } from '../src/delivery/outbox-worker';
import { alertTitle, type StateAlert } from '../src/domain/alerts/alerts';
import { planDeliveries, type PlannedDelivery } from '../src/domain/alerts/delivery-plan';
import { eventFields, type ListEvent } from '../src/domain/agreements/events';
import { channelKey, type Subscription } from '../src/domain/alerts/subscriptions';
import { createLogger } from '../src/logging/logger';
import { createDiscordAlertSender, createDiscordRest } from '../src/platforms/discord/alert-sender';
import { openDatabase } from '../src/store/db/database';
import { createOutboxStore } from '../src/store/outbox-store';
import { createSubscriptionStore } from '../src/store/subscription-store';
import { startDiscordApi } from '../stand-ins/discord-api';
import { median, progress, ratio } from './measure';
import { AgreementFactory } from './synthetic';

const CHANNELS = Number(process.env.BENCH_DISCORD_CHANNELS ?? 5000);
const LIMIT_PER_SECOND = Number(process.env.BENCH_DISCORD_LIMIT ?? 200);
const GOAL_RATIO = 0.9;
const GOAL_429_AFTER_FIRST = 0;
/** The outbox worker's default number of sends in flight. */
const WORKER_CONCURRENCY = 8;
const GUILD = '1400000000000000000';
/** Channel ids are snowflakes: discord.js keys its per-channel queues by them. */
const channelId = (i: number) => String(1_400_000_000_000_000_000n + BigInt(i + 1));

export function texasAlert(): StateAlert {
  const rows = new AgreementFactory({ seed: 4, texasShare: 1 }).many(3);
  const events: ListEvent[] = rows.map((r) => ({ type: 'agreement.signed', ...eventFields(r) }));
  return {
    id: 'participating:bench:TX',
    source: 'participating',
    state: 'Texas',
    stateCode: 'TX',
    title: alertTitle('Texas', events),
    events,
    totals: { total: 312, byModel: { JEM: 100, TFM: 150, WSO: 62, other: 0 }, pending: 12 },
    file: { fileName: 'participatingAgencies-bench.xlsx', url: 'file:///bench.xlsx', fetchedAt: new Date().toISOString(), sha256: 'bench' },
  };
}

export function subscription(i: number): Subscription {
  const who = { id: 'bench', name: 'bench' };
  const at = new Date().toISOString();
  return {
    key: channelKey('discord', GUILD, channelId(i)),
    platform: 'discord',
    workspaceId: GUILD,
    channelId: channelId(i),
    channelName: `alerts-${i}`,
    states: ['TX'],
    kinds: ['agreements', 'endings', 'pending'],
    models: null,
    mode: 'instant',
    createdBy: who,
    createdAt: at,
    updatedBy: who,
    updatedAt: at,
    paused: null,
  };
}

interface FanOutRun {
  messagesCreated: number;
  duplicatesByNonce: number;
  failed: number;
  drainSeconds: number;
  secondsOfLimitUsed: number;
  messagesPerSecond: number;
  ratio: number;
  limitWindows: number;
  medianWindowSpacingMs: number | null;
  tooManyRequests: number;
  tooManyRequestsAfterFirst: number;
  /** The longest the event loop was blocked while sending: a stall between discord.js counting a request in its window and the request reaching Discord shifts Discord's window against discord.js's. */
  eventLoopStallMaxMs: number;
  eventLoopStallP99Ms: number;
  met: boolean;
}

/**
 * Sends the deliveries to a fresh stand-in and REST, either through the outbox worker (from
 * an outbox in SQLite in memory) or straight through the sender with the worker's default
 * concurrency, and measures the rate against the limit.
 */
async function fanOut(via: 'outbox' | 'sender', deliveries: PlannedDelivery[]): Promise<FanOutRun> {
  const silent = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
  const api = await startDiscordApi({ globalRateLimit: { perSecond: LIMIT_PER_SECOND } });
  const db = openDatabase('memory://');
  const rest = createDiscordRest({ token: 'bench-token', apiUrl: api.apiUrl, globalRequestsPerSecond: LIMIT_PER_SECOND });
  const sender = createDiscordAlertSender({ rest, logger: silent });
  try {
    let failed = 0;
    let started: number;
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    if (via === 'outbox') {
      const outbox = createOutboxStore(db);
      await outbox.enqueue(deliveries, new Date());
      const worker = createOutboxWorker({
        outbox,
        subscriptions: createSubscriptionStore(db),
        senders: [sender],
        logger: silent,
        notifyOperators: async (n) => void (failed += n.length),
      });
      started = Date.now();
      stalls.enable();
      await worker.drain();
      failed += (await outbox.depth()).pending;
    } else {
      started = Date.now();
      stalls.enable();
      let next = 0;
      const lane = async () => {
        while (next < deliveries.length) if (!(await sender.send(deliveries[next++])).ok) failed++;
      };
      await Promise.all(Array.from({ length: WORKER_CONCURRENCY }, lane));
    }
    const drained = Date.now();
    stalls.disable();
    const created = api.messages().length;
    const windows = api.globalWindows;
    const lastWindowEnd = windows.length ? windows[windows.length - 1].start + 1000 : drained;
    const seconds = (Math.max(drained, lastWindowEnd) - started) / 1000;
    const perSecond = created / seconds;
    const spacing = windows.slice(1).map((w, i) => w.start - windows[i].start);
    const after = Math.max(0, api.tooManyRequests.length - 1);
    progress(
      `discordFanOut via ${via}: ${created} messages, ${seconds.toFixed(2)} s of the limit = ${perSecond.toFixed(1)}/s (${ratio(perSecond / LIMIT_PER_SECOND)} of the limit); ` +
        `429s: ${api.tooManyRequests.length}; event loop blocked up to ${Math.round(stalls.max / 1e6)} ms`,
    );
    return {
      messagesCreated: created,
      duplicatesByNonce: api.duplicates.length,
      failed,
      drainSeconds: Math.round((drained - started) / 10) / 100,
      secondsOfLimitUsed: Math.round(seconds * 100) / 100,
      messagesPerSecond: Math.round(perSecond * 10) / 10,
      ratio: ratio(perSecond / LIMIT_PER_SECOND),
      limitWindows: windows.length,
      medianWindowSpacingMs: spacing.length ? median(spacing) : null,
      tooManyRequests: api.tooManyRequests.length,
      tooManyRequestsAfterFirst: after,
      eventLoopStallMaxMs: Math.round(stalls.max / 1e6),
      eventLoopStallP99Ms: Math.round(stalls.percentile(99) / 1e6),
      met:
        perSecond / LIMIT_PER_SECOND >= GOAL_RATIO &&
        after <= GOAL_429_AFTER_FIRST &&
        created === deliveries.length &&
        failed === 0 &&
        api.duplicates.length === 0,
    };
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    await db.close();
    await api.close();
  }
}

export async function benchDiscordFanOut() {
  const subscriptions = Array.from({ length: CHANNELS }, (_, i) => subscription(i));
  const deliveries = planDeliveries([texasAlert()], (state) => (state === 'TX' ? subscriptions : []));
  progress(
    `discordFanOut: ${deliveries.length} deliveries; sending at most ${LIMIT_PER_SECOND}/s, twice (about ${Math.round((2 * CHANNELS) / LIMIT_PER_SECOND)} s)`,
  );
  const viaOutbox = await fanOut('outbox', deliveries);
  const viaSender = await fanOut('sender', deliveries);
  return {
    description:
      `one Texas alert to ${CHANNELS} subscribed channels (planDeliveries, as the router plans them), posted through the Discord sender and ` +
      `discord.js's REST (globalRequestsPerSecond ${LIMIT_PER_SECOND}) to a loopback stand-in enforcing a global limit of ${LIMIT_PER_SECOND}/s with real 429s ` +
      'and X-RateLimit-* / Retry-After headers (and 5 per 5 s per channel). The figure is the production path: outbox in SQLite in memory -> outbox worker ' +
      `(default concurrency ${WORKER_CONCURRENCY}) -> sender; viaSender is the same fan-out straight through the sender with ${WORKER_CONCURRENCY} sends in flight, no store`,
    limitPerSecond: LIMIT_PER_SECOND,
    limitNote: `${LIMIT_PER_SECOND}/s rather than Discord's default 50/s so that ${CHANNELS} messages fit the bench budget (${Math.round(CHANNELS / LIMIT_PER_SECOND)} s against ${Math.round(CHANNELS / 50)} s); the goal is unchanged`,
    rateNote:
      'messages / seconds from the drain start to the end of the last 1 s window of the limit (a sender that bursts each window finishes its last one early; ' +
      'that time is not credited to it). discord.js opens each window 50 ms (its offset) after the last closed: the ceiling is about 0.95',
    channels: CHANNELS,
    runs: 1,
    viaOutbox,
    viaSender,
    value: viaOutbox.ratio,
    unit: 'ratio of the global limit',
    tooManyRequestsAfterFirst: viaOutbox.tooManyRequestsAfterFirst,
    goal: `>= ${GOAL_RATIO} of the limit, ${GOAL_429_AFTER_FIRST} 429s after the first, every channel exactly one message`,
    met: viaOutbox.met,
  };
}
