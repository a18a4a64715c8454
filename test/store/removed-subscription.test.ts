import type { PlannedDelivery } from '../../src/domain/alerts/delivery-plan';
import { createDigestStore } from '../../src/store/digest-store';
import { createOutboxStore } from '../../src/store/outbox-store';
import { ev, floridaAlert } from '../helpers/alert-events';
import { type DatabaseUnderTest, describeEachDatabase } from '../helpers/databases';

const T0 = new Date('2026-01-05T12:00:00.000Z');
const GONE = 'webhook:webhook:wh_00000000dead';
const KEPT = 'webhook:webhook:wh_00000000beef';
const delivery = (id: string, subscriptionKey: string): PlannedDelivery =>
  ({
    id,
    subscriptionKey,
    platform: 'webhook',
    workspaceId: 'webhook',
    channelId: subscriptionKey.split(':')[2],
    mode: 'instant',
  }) as PlannedDelivery;

/** What a channel removed on purpose (a webhook endpoint) leaves behind is forgotten, and nothing of another channel. */
describeEachDatabase()('stores forgetting a removed subscription on %s', (_name, engine) => {
  let store: DatabaseUnderTest;
  beforeEach(async () => {
    store = await engine();
    await store.db.ready();
  });
  afterEach(() => store.cleanup());

  test("outbox.discardPending deletes the subscription's pending entries only: its sent ones and other channels' stay", async () => {
    const outbox = createOutboxStore(store.db);
    await outbox.enqueue([delivery('a1', GONE), delivery('a2', GONE), delivery('a3', GONE), delivery('b1', KEPT)], T0);
    const sent = (await outbox.get('a1'))!;
    await outbox.save({ ...sent, status: 'sent', attempts: 1, sentAt: T0.toISOString() });

    expect(await outbox.discardPending(GONE)).toBe(2);
    expect(await outbox.get('a2')).toBeNull();
    expect(await outbox.get('a3')).toBeNull();
    expect((await outbox.get('a1'))?.status).toBe('sent');
    expect((await outbox.due(T0, 10)).map((e) => e.id)).toEqual(['b1']);
    expect(await outbox.discardPending(GONE)).toBe(0);
  });

  test("digests.removeAllFor forgets every period of the subscription's buffers, and the alerts no other buffer names", async () => {
    const digests = createDigestStore(store.db);
    const shared = floridaAlert([ev.signed('Okaloosa County Sheriff')]);
    const own = { ...floridaAlert([ev.signed('Walton County Jail')]), id: 'participating:0a0a:FL' };
    await digests.add(GONE, 'daily', '2026-01-05', [shared, own]);
    await digests.add(GONE, 'daily', '2026-01-06', [own]);
    await digests.add(KEPT, 'weekly', '2026-W02', [shared]);

    await digests.removeAllFor(GONE);

    const left = await digests.all();
    expect(left.map((b) => [b.subscriptionKey, b.period, b.alerts.map((a) => a.id)])).toEqual([[KEPT, '2026-W02', [shared.id]]]);
    const k = await store.db.ready();
    const alerts = await k.selectFrom('digest_alerts').select('body').execute();
    expect(alerts.map((a) => JSON.parse(a.body).id)).toEqual([shared.id]);
  });
});
