/**
 * Scale-out figures (issue 6): planning one alert's deliveries across 100,000 subscriptions
 * on each store engine, and the shared BullMQ queue's throughput through its rate limit.
 * PostgreSQL and Redis are the local servers (127.0.0.1:5432 database test, 127.0.0.1:6379);
 * everything written is under a unique prefix and deleted afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAlertRouter } from '../src/delivery/alert-router';
import { createKeyvFactory } from '../src/store/keyv-factory';
import { createOutboxStore } from '../src/store/outbox-store';
import { createSubscriptionStore } from '../src/store/subscription-store';
import { deleteByPrefix, TEST_POSTGRES_URL, TEST_REDIS_URL } from '../stand-ins/store-servers';
import { subscription, texasAlert } from './discord-fanout';
import { forceGc, mb, ms, progress } from './measure';

const SUBSCRIPTIONS = 100_000;
const GOAL_NOTE = 'no numeric goal in SPEC: reported for sizing';

async function planOn(engine: string, url: string): Promise<Record<string, unknown>> {
  const prefix = `bench${process.pid}x${Date.now().toString(36)}:`;
  const factory = createKeyvFactory(url, { prefix });
  try {
    await factory.ready();
    const subscriptions = createSubscriptionStore(factory);
    const seedStart = performance.now();
    // Half follow Texas, half every state: both indexes are read.
    await subscriptions.putMany(
      Array.from({ length: SUBSCRIPTIONS }, (_, i) => (i % 2 ? subscription(i) : { ...subscription(i), states: 'all' as const })),
    );
    const seedMs = performance.now() - seedStart;
    const router = createAlertRouter({ subscriptions, outbox: createOutboxStore(factory) });
    forceGc();
    const before = process.memoryUsage();
    // Heap, not RSS: the engines run one after another in this process, and RSS never shrinks back.
    let peakHeap = before.heapUsed;
    const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
    const start = performance.now();
    const planned = await router.route([texasAlert()], new Date());
    const planMs = performance.now() - start;
    clearInterval(sampler);
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    if (planned !== SUBSCRIPTIONS) throw new Error(`${engine}: planned ${planned} deliveries, expected ${SUBSCRIPTIONS}`);
    return {
      engine,
      subscriptions: SUBSCRIPTIONS,
      planned,
      planMs: ms(planMs),
      seedMs: ms(seedMs),
      heapGrowthMb: mb(peakHeap - before.heapUsed),
    };
  } finally {
    await factory.close();
    if (url.startsWith('sqlite://')) rmSync(join(url.slice('sqlite://'.length), '..'), { recursive: true, force: true });
    else await deleteByPrefix(url, prefix);
  }
}

/** Planning one Texas alert (subscriptions read through the indexes, deliveries planned and written to the outbox). */
export async function benchPlan100k() {
  const dir = mkdtempSync(join(tmpdir(), 'ice-watch-bench-plan-'));
  const engines: Array<[string, string]> = [
    ['memory', 'memory://'],
    ['sqlite', `sqlite://${join(dir, 'plan.sqlite')}`],
    ['postgres', TEST_POSTGRES_URL],
    ['redis', TEST_REDIS_URL],
  ];
  const results = [];
  for (const [engine, url] of engines) {
    progress(`  plan100k on ${engine}`);
    results.push(await planOn(engine, url));
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    met: true,
    goal: GOAL_NOTE,
    what: `route() of one Texas alert to ${SUBSCRIPTIONS.toLocaleString('en-US')} subscriptions (half Texas, half all states): index reads, subscription loads, planning and the outbox writes; heap growth is the peak heap (sampled every 20 ms) over the heap before routing`,
    byEngine: results,
  };
}
