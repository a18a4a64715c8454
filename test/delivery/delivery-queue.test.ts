import pino from 'pino';
import type { PlannedDelivery } from '../../src/domain/alerts/delivery-plan';
import { createDeliveryQueue } from '../../src/delivery/delivery-queue';
import { createOutboxWorker } from '../../src/delivery/outbox-worker';
import type { AlertSender } from '../../src/delivery/sender';
import { createPollLease } from '../../src/coordination/poll-lease';
import { createKeyvFactory } from '../../src/store/keyv-factory';
import { createOutboxStore } from '../../src/store/outbox-store';
import { createSubscriptionStore } from '../../src/store/subscription-store';
import { waitUntil } from '../helpers/wait';
import { describeWith } from '../helpers/services';
import { DATABASES, type DatabaseUnderTest } from '../helpers/databases';
import { deleteByPrefix, TEST_REDIS_URL } from '../helpers/store-backends';

const logger = pino({ level: 'silent' });
const delivery = (i: number): PlannedDelivery =>
  ({
    id: `d${i}`,
    subscriptionKey: `discord:G:${i}`,
    platform: 'discord',
    workspaceId: 'G',
    channelId: String(i),
    mode: 'instant',
  }) as PlannedDelivery;

describeWith(['postgres', 'redis'])('shared delivery queue on Redis, outbox on PostgreSQL', () => {
  let store: DatabaseUnderTest;
  const queuePrefix = `test-queue-${process.pid}-${Date.now()}`;
  beforeEach(async () => {
    store = await DATABASES.find(([n]) => n === 'postgres')![1]();
  });
  afterEach(async () => {
    await store.cleanup();
    await deleteByPrefix(TEST_REDIS_URL, queuePrefix);
  });

  test('three instances dispatching and working one outbox send every entry exactly once', async () => {
    const sent: string[] = [];
    const instances = [store.db, store.second()!, store.second()!].map((factory, n) => {
      const outbox = createOutboxStore(factory);
      const sender: AlertSender = { platform: 'discord', send: async (d) => (sent.push(d.id), { ok: true }) };
      const worker = createOutboxWorker({
        outbox,
        subscriptions: createSubscriptionStore(factory),
        senders: [sender],
        notifyOperators: async () => undefined,
        logger,
        owner: `instance-${n}`,
      });
      const queue = createDeliveryQueue({
        redisUrl: TEST_REDIS_URL,
        prefix: queuePrefix,
        outbox,
        deliverOne: worker.deliverOne,
        logger,
        owner: `instance-${n}`,
        limits: [{ platform: 'discord', token: 'bot-token', perSecond: 50 }],
      });
      return { outbox, queue };
    });
    try {
      for (const i of instances) i.queue.start();
      await instances[0]!.outbox.enqueue(
        Array.from({ length: 60 }, (_, i) => delivery(i)),
        new Date(),
      );
      // Every instance dispatches at once (as after a lease handover): jobs are named by entry and attempt...
      // ...and instance 0 twice at once, as its poll and its deliver-outbox job can: one run serves both.
      const dispatched = await Promise.all([...instances.map((i) => i.queue.dispatch()), instances[0]!.queue.dispatch()]);
      expect(dispatched.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(60);
      await waitUntil(async () => (await instances[0]!.outbox.depth()).pending === 0, 'the outbox to empty');
      expect(sent).toHaveLength(60);
      expect(new Set(sent).size).toBe(60);
      const counts = await instances[1]!.queue.counts();
      expect(counts).toEqual([{ platform: 'discord', waiting: 0, active: 0, delayed: 0, failed: 0 }]);
    } finally {
      await Promise.all(instances.map((i) => i.queue.close()));
    }
  });
});

describeWith(['redis'])('poll lease on Redis', () => {
  const prefix = `test-lease-${process.pid}-${Date.now()}:`;
  afterAll(() => deleteByPrefix(TEST_REDIS_URL, prefix));

  test('one holder at a time; a holder that dies (stops renewing) is replaced once its lease runs out', async () => {
    const factories = [createKeyvFactory(TEST_REDIS_URL, { prefix }), createKeyvFactory(TEST_REDIS_URL, { prefix })];
    const gained: string[] = [];
    const [a, b] = factories.map((f, i) =>
      createPollLease({ leases: f.leases, owner: `owner-${i}`, ttlMs: 600, logger, onGained: () => gained.push(`owner-${i}`) }),
    );
    try {
      await a!.start();
      await b!.start();
      expect([a!.held, b!.held]).toEqual([true, false]);
      await new Promise((r) => setTimeout(r, 900)); // longer than the lease: a renews, b keeps trying
      expect([a!.held, b!.held]).toEqual([true, false]);
      // a "dies": its renewals stop without giving the lease up.
      await factories[0]!.close();
      await waitUntil(() => b!.held, 'b to take over', 5_000);
      expect(gained).toEqual(['owner-0', 'owner-1']);
    } finally {
      await b!.stop();
      await a!.stop().catch(() => undefined);
      await factories[1]!.close();
    }
  });
});
