/**
 * The bot as a child process for test/e2e/crash-safety.test.ts: builds it with createBot
 * from its environment (never start(): no gateway, no Slack receiver), runs one poll-and-
 * deliver cycle by hand, prints `CYCLE-DONE` and exits 0. The parent SIGKILLs it somewhere
 * in between and runs it again on the same store.
 *
 * Environment: the bot's own settings (STORE_URL=sqlite://<file>, ICE_287G_PAGE_URL,
 * DISCORD_*, SLACK_*, LOG_LEVEL...), and
 *   CRASH_SUBSCRIBE  JSON [{ platform, workspaceId, channelId, states, kinds?, models? }]:
 *                    subscribes these channels first (the first run on a store only);
 *   CRASH_HOLD       `<marker>:<n>`: at the n-th time the marker is reached, the process
 *                    prints `HOLD <marker> <n>` and freezes until the parent kills it: the
 *                    only JavaScript thread blocks, so none of its code runs again (I/O it
 *                    already handed to the kernel or to libuv's threads may still finish, as
 *                    at any real kill). Aims a kill at an exact point of the cycle.
 *   CRASH_SEND_TIMEOUT_MS, CRASH_CLAIM_MARGIN_MS: shorten the send timeout and a claim's margin
 *                    over it. On PostgreSQL each run claims as an instance of its own, so a
 *                    restart waits for the killed run's claims to lapse (their sum).
 *
 * Progress markers, one line each on stdout, written synchronously (a marker the parent
 * reads has happened; nothing after it has, unless the parent is slower than the child):
 *   READY                    bot built (store open), nothing fetched yet
 *   SUBSCRIBED <n>           the CRASH_SUBSCRIBE channels are stored
 *   ENQUEUING <n>            a publication's n deliveries are about to be written to the outbox
 *   ENQUEUED <n>             a publication's deliveries are in the outbox; its snapshot is not saved yet
 *   SAVED <source>           that snapshot is saved (judgement, last fetch not yet)
 *   POLLED <n>|skipped       the poll is over (n publications judged, or skipped while backing off); nothing sent yet by this run
 *   LANDED <n>               a send came back ok (the message is on the platform), before the outbox records it
 *   RECORDED <n>             the outbox wrote the n-th sent message of this run as sent (its index may follow later)
 *   DRAINED <pending>        one drain() is over
 *   CYCLE-DONE <sent>        the outbox holds nothing more to send; the store is closed
 */
import { writeSync } from 'node:fs';
import type { CommandContext } from '../../commands/command';
import subscribe from '../../commands/subscribe';
import { loadConfig, SETTING_NAMES } from '../../src/config';
import { createBot } from '../../src/main';
import type { OutboxEntry } from '../../src/store/outbox-store';

export interface ChildSubscription {
  platform: 'discord' | 'slack';
  workspaceId: string;
  channelId: string;
  states: string;
  kinds?: string;
  models?: string;
}

export const MARKERS = [
  'READY',
  'SUBSCRIBED',
  'ENQUEUING',
  'ENQUEUED',
  'SAVED',
  'POLLED',
  'LANDED',
  'RECORDED',
  'DRAINED',
  'CYCLE-DONE',
] as const;
export type Marker = (typeof MARKERS)[number];

const [holdMarker, holdCountText] = (process.env.CRASH_HOLD ?? '').split(':');
const holdCount = Number(holdCountText || 1);
const seen = new Map<string, number>();

/** Prints a marker; freezes here if the parent asked to hold at its n-th occurrence. */
function mark(marker: Marker, detail: string | number = ''): void {
  const n = (seen.get(marker) ?? 0) + 1;
  seen.set(marker, n);
  writeSync(1, `${marker}${detail === '' ? '' : ` ${detail}`}\n`);
  if (marker === holdMarker && n === holdCount) {
    writeSync(1, `HOLD ${marker} ${n}\n`);
    // Blocks the only thread for good: the process stays exactly here until SIGKILL.
    for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const config = loadConfig(Object.fromEntries(SETTING_NAMES.map((k) => [k, process.env[k]])));
  const numberOf = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
  const bot = await createBot(config, {
    sendTimeoutMs: numberOf('CRASH_SEND_TIMEOUT_MS'),
    claimMarginMs: numberOf('CRASH_CLAIM_MARGIN_MS'),
  });
  const { outbox, snapshots, subscriptions } = bot.stores;
  mark('READY');

  if (process.env.CRASH_SUBSCRIBE) {
    const wanted = JSON.parse(process.env.CRASH_SUBSCRIBE) as ChildSubscription[];
    const at = () => new Date();
    for (const s of wanted) {
      const ctx: CommandContext = {
        channel: { platform: s.platform, workspaceId: s.workspaceId, channelId: s.channelId, channelName: s.channelId },
        user: { id: 'U1', name: 'Editor', canManageChannel: true },
        services: { snapshots, subscriptions, checkCanPost: async () => null },
        now: at,
      };
      await subscribe.run(ctx, { states: s.states, ...(s.kinds ? { kinds: s.kinds } : {}), ...(s.models ? { models: s.models } : {}) });
    }
    mark('SUBSCRIBED', wanted.length);
  }

  // Markers around the store writes of the cycle. The services hold these very store objects
  // and look their methods up at each call, so wrapping them here sees every call.
  const enqueue = outbox.enqueue.bind(outbox);
  outbox.enqueue = async (deliveries, at) => {
    mark('ENQUEUING', deliveries.length);
    const added = await enqueue(deliveries, at);
    mark('ENQUEUED', deliveries.length);
    return added;
  };
  const saveState = snapshots.saveState.bind(snapshots);
  snapshots.saveState = async (source, state, verdict) => {
    await saveState(source, state, verdict);
    mark('SAVED', source);
  };
  // The worker records a send with `save` (or, in stores without it, `update`, which saves
  // and reindexes); wrap the one that writes the entry, so that each send is marked once.
  const recordMethod = 'save' in outbox && typeof outbox.save === 'function' ? 'save' : 'update';
  const record = (outbox[recordMethod] as (entry: OutboxEntry) => Promise<void>).bind(outbox);
  let landed = 0;
  let recorded = 0;
  (outbox as unknown as Record<string, (entry: OutboxEntry) => Promise<void>>)[recordMethod] = async (entry: OutboxEntry) => {
    if (entry.status === 'sent') mark('LANDED', ++landed);
    await record(entry);
    if (entry.status === 'sent') mark('RECORDED', ++recorded);
  };

  const results = await bot.jobDeps.pipelines.poll287g();
  for (const r of results ?? []) await bot.jobDeps.delivery.notifyOperators(r.notices);
  mark('POLLED', results ? results.length : 'skipped'); // skipped: the source is backing off after failures

  // Drain until nothing pending is left (a transient failure waits for its retry time).
  const farFuture = new Date(8.64e15);
  for (;;) {
    await bot.jobDeps.delivery.drain();
    const left = await outbox.due(farFuture, 1000);
    mark('DRAINED', left.length);
    if (!left.length) break;
    const next = Math.min(...left.map((e) => Date.parse(e.nextAttemptAt)));
    await sleep(Math.max(10, next - Date.now()));
  }

  await bot.stop();
  mark('CYCLE-DONE', recorded);
  process.exit(0);
}

main().catch((err: unknown) => {
  writeSync(2, `crash-child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
