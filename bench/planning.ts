/**
 * Planning one alert across 100,000 subscriptions (issue 16: < 1 s, < 50 MB heap growth, on
 * SQLite and PostgreSQL). Set-based: the database finds the groups of channels that plan alike
 * and inserts their deliveries itself (INSERT ... SELECT); Node cuts the alert once per group.
 * SQLite is a file; PostgreSQL the local server (127.0.0.1:5432 database test) in a schema of its
 * own, dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateAlert } from '../src/domain/alerts/alerts';
import type { Kind, Subscription } from '../src/domain/alerts/subscriptions';
import { createAlertRouter } from '../src/delivery/alert-router';
import { openDatabase, type StoreDb } from '../src/store/db/database';
import { createDigestStore } from '../src/store/digest-store';
import { createOutboxStore } from '../src/store/outbox-store';
import { createSubscriptionStore } from '../src/store/subscription-store';
import { dropSchemaOfPrefix, TEST_POSTGRES_URL } from '../stand-ins/store-servers';
import { subscription, texasAlert } from './discord-fanout';
import { forceGc, mb, median, ms, progress } from './measure';

const SUBSCRIPTIONS = 100_000;
const RUNS = 3;
const GOAL_MS = 1_000;
const GOAL_HEAP_MB = 50;
const OTHER_STATES = ['CA', 'FL', 'OK', 'GA', 'NY'];

/** A mix like a real install's: a quarter all states, the rest Texas, Texas and another, or another; some kinds, models, digests, paused. */
function mixed(i: number): Subscription {
  const base = subscription(i);
  const states: Subscription['states'] =
    i % 4 === 0 ? 'all' : i % 4 === 1 ? ['TX'] : i % 4 === 2 ? ['TX', OTHER_STATES[i % 5]!] : [OTHER_STATES[i % 5]!];
  const kinds: Kind[] =
    i % 5 === 0
      ? ['agreements']
      : i % 11 === 0
        ? ['agreements', 'endings', 'pending', 'corrections', 'totals']
        : ['agreements', 'endings', 'pending'];
  return {
    ...base,
    states,
    kinds,
    models: i % 7 === 0 ? ['TFM'] : i % 13 === 0 ? ['JEM', 'WSO'] : null,
    mode: i % 10 === 9 ? 'daily' : i % 20 === 8 ? 'weekly' : 'instant',
    paused: i % 50 === 0 ? { reason: 'bench', since: base.createdAt } : null,
  };
}

/** Routes `alert` once, measuring time and the peak heap (sampled every 10 ms) over the heap before. */
async function measure(route: () => Promise<number>): Promise<{ ms: number; heapMb: number; planned: number }> {
  forceGc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
  const start = performance.now();
  const planned = await route();
  const took = performance.now() - start;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { ms: took, heapMb: (peak - before) / 1024 / 1024, planned };
}

async function planOn(engine: string, db: StoreDb): Promise<Record<string, unknown>> {
  const subscriptions = createSubscriptionStore(db);
  const seedStart = performance.now();
  await subscriptions.putMany(Array.from({ length: SUBSCRIPTIONS }, (_, i) => mixed(i)));
  const seedMs = performance.now() - seedStart;
  const router = createAlertRouter({ subscriptions, outbox: createOutboxStore(db), digests: createDigestStore(db) });
  const k = await db.ready();
  const scenario = async (name: string, alertOf: (run: number) => StateAlert) => {
    const runs = [];
    for (let run = 0; run < RUNS; run++) runs.push(await measure(() => router.route([alertOf(run)], new Date())));
    return {
      scenario: name,
      plannedInstant: runs[0]!.planned,
      medianMs: ms(median(runs.map((r) => r.ms))),
      medianHeapGrowthMb: mb(median(runs.map((r) => r.heapMb)) * 1024 * 1024),
      runsMs: runs.map((r) => ms(r.ms)),
    };
  };
  const texas = await scenario('one Texas alert (followers of Texas and of every state)', (run) => ({
    ...texasAlert(),
    id: `bench:TX:${run}`,
  }));
  // Every channel follows every state now: one alert reaches all 100,000 (but the paused and the digests' share).
  await k.deleteFrom('subscription_states').execute();
  await k.updateTable('subscriptions').set({ all_states: 1 }).execute();
  const everyone = await scenario('one alert every subscription follows (all states)', (run) => ({
    ...texasAlert(),
    id: `bench:ALL:${run}`,
  }));
  const [outbox] = await k
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .execute();
  const [digest] = await k
    .selectFrom('digest_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .execute();
  const results = [texas, everyone];
  return {
    engine,
    subscriptions: SUBSCRIPTIONS,
    seedMs: ms(seedMs),
    outboxRowsAfter: Number(outbox!.n),
    digestItemsAfter: Number(digest!.n),
    scenarios: results,
    met: results.every((r) => r.medianMs < GOAL_MS && r.medianHeapGrowthMb < GOAL_HEAP_MB),
  };
}

/** The figure: each engine, each scenario, the median of RUNS routes (each a new alert id, so each inserts its rows). */
export async function benchPlanning() {
  const dir = mkdtempSync(join(tmpdir(), 'ice-watch-bench-planning-'));
  const prefix = `benchplan${process.pid}x${Date.now().toString(36)}`;
  const results = [];
  try {
    for (const [engine, open] of [
      ['sqlite', () => openDatabase(`sqlite://${join(dir, 'plan.sqlite')}`)],
      ['postgres', () => openDatabase(TEST_POSTGRES_URL, { prefix })],
    ] as const) {
      progress(`  planning on ${engine}`);
      const db = open();
      try {
        results.push(await planOn(engine, db));
      } finally {
        await db.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropSchemaOfPrefix(TEST_POSTGRES_URL, prefix).catch(() => undefined);
  }
  return {
    met: results.every((r) => r.met),
    goal: `route() of one alert to ${SUBSCRIPTIONS.toLocaleString('en-US')} subscriptions in < ${GOAL_MS} ms with < ${GOAL_HEAP_MB} MB heap growth, on SQLite and PostgreSQL`,
    what: 'set-based planning: SELECT DISTINCT (kinds, models, mode) among the unpaused followers, the alert cut once per group, INSERT ... SELECT into the outbox (instant) and the digest buffers (daily, weekly); heap growth is the peak heap (sampled every 10 ms) over the heap before routing',
    byEngine: results,
  };
}

// Alone: `node bin/run-ts.js bench/planning.ts` prints this figure only.
if (process.argv[2]?.endsWith('planning.ts')) {
  benchPlanning()
    .then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    });
}
