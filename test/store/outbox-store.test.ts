import type { PlannedDelivery } from '../../src/domain/alerts/delivery-plan';
import { createOutboxStore, type OutboxEntry, type OutboxStore } from '../../src/store/outbox-store';
import type { StoreDb } from '../../src/store/db/database';
import { type DatabaseUnderTest, describeEachDatabase } from '../helpers/databases';

/** Another connection, its schema check done before the test's concurrent work (SQLite: a migration waiting for the write lock blocks this process). */
const ready = async (db: StoreDb) => (await db.ready(), db);
const T0 = new Date('2025-10-17T12:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const delivery = (i: number): PlannedDelivery =>
  ({
    id: `d${String(i).padStart(4, '0')}`,
    subscriptionKey: `discord:G:${i}`,
    platform: 'discord',
    workspaceId: 'G',
    channelId: String(i),
    mode: 'instant',
  }) as PlannedDelivery;
const sent = (e: OutboxEntry): OutboxEntry => ({ ...e, status: 'sent', attempts: e.attempts + 1, sentAt: T0.toISOString() });

describeEachDatabase()('outbox store on %s', (name, engine) => {
  let store: DatabaseUnderTest;
  beforeEach(async () => {
    store = await engine();
    // The first connection brings the schema up first: two SQLite connections migrating one new file at once race (database.ts).
    await store.db.ready();
  });
  afterEach(() => store.cleanup());

  test('enqueues each delivery once, hands out what is due oldest first, and follows retries and sends', async () => {
    const outbox = createOutboxStore(store.db);
    expect(await outbox.enqueue([delivery(1), delivery(2), delivery(1)], T0)).toBe(2);
    expect(await outbox.enqueue([delivery(2), delivery(3)], at(1))).toBe(1);
    expect((await outbox.due(at(1), 10)).map((e) => e.id)).toEqual(['d0001', 'd0002', 'd0003']);
    expect((await outbox.due(at(0), 10)).map((e) => e.id)).toEqual(['d0001', 'd0002']);
    expect((await outbox.due(at(1), 1)).map((e) => e.id)).toEqual(['d0001']);

    const [first, second] = await outbox.due(at(1), 2);
    await outbox.update(sent(first!));
    await outbox.update({ ...second!, attempts: 1, nextAttemptAt: at(10).toISOString(), lastError: '500' });
    expect((await outbox.due(at(5), 10)).map((e) => e.id)).toEqual(['d0003']);
    expect((await outbox.due(at(10), 10)).map((e) => e.id)).toEqual(['d0002', 'd0003']);
    expect(await outbox.depth()).toEqual({ pending: 2, oldestCreatedAt: T0.toISOString() });
    expect((await outbox.get('d0001'))?.status).toBe('sent');
    // Sent once means never queued again by a repeat of the same poll.
    expect(await outbox.enqueue([delivery(1)], at(20))).toBe(0);
    expect((await outbox.due(at(20), 10)).map((e) => e.id)).toEqual(['d0002', 'd0003']);
  });

  test('keeps dead letters visible, and pruning forgets only finished entries past retention', async () => {
    const outbox = createOutboxStore(store.db);
    await outbox.enqueue([delivery(1), delivery(2), delivery(3)], T0);
    await outbox.enqueue([delivery(4)], at(60));
    const [a, b] = await outbox.due(T0, 2);
    await outbox.update(sent(a!));
    await outbox.update({ ...b!, status: 'dead', lastError: 'gave up' });
    const d4 = (await outbox.due(at(60), 10)).find((e) => e.id === 'd0004')!;
    await outbox.update(sent(d4));
    expect((await outbox.deadLetters(10)).map((e) => [e.id, e.lastError])).toEqual([['d0002', 'gave up']]);
    expect(await outbox.prune(at(30))).toBe(2);
    expect(await outbox.get('d0001')).toBeNull();
    expect((await outbox.get('d0004'))?.status).toBe('sent');
    expect((await outbox.get('d0003'))?.status).toBe('pending');
    expect(await outbox.deadLetters(10)).toEqual([]);
  });

  test('one alert sent to many channels is stored once; an entry whose alert is lost becomes a dead letter without blocking the rest', async () => {
    const outbox = createOutboxStore(store.db);
    const alert = {
      id: 'participating:x:TX',
      state: 'Texas',
      stateCode: 'TX',
      title: '3 new 287(g) agreements in Texas',
      events: [],
    } as unknown as PlannedDelivery['alert'];
    const totals = { id: 'detention:y', title: 'ICE detention statistics' } as unknown as PlannedDelivery['totals'];
    await outbox.enqueue(
      [1, 2, 3].map((i) => ({ ...delivery(i), alert })),
      T0,
    );
    await outbox.enqueue([{ ...delivery(4), totals }], T0);
    const k = await store.db.ready();
    expect(await k.selectFrom('outbox_payloads').select('ref').execute()).toHaveLength(2);
    expect((await outbox.get('d0002'))?.delivery.alert).toEqual(alert);
    expect((await outbox.due(T0, 10)).map((e) => [e.id, e.delivery.alert?.id ?? e.delivery.totals?.id])).toEqual([
      ['d0001', 'participating:x:TX'],
      ['d0002', 'participating:x:TX'],
      ['d0003', 'participating:x:TX'],
      ['d0004', 'detention:y'],
    ]);
    await k.deleteFrom('outbox_payloads').where('ref', 'like', 'alert:%').execute();
    expect((await outbox.due(T0, 10)).map((e) => e.id)).toEqual(['d0004']);
    expect((await outbox.deadLetters(10)).map((e) => [e.id, e.lastError])).toEqual(
      [1, 2, 3].map((i) => [`d000${i}`, expect.stringMatching(/cannot be sent: its alert .* is missing/)]),
    );
  });

  test('an entry is claimed by one sender at a time', async () => {
    const outbox = createOutboxStore(store.db);
    const other = store.second();
    await other?.ready();
    const rival = other ? createOutboxStore(other) : outbox;
    await outbox.enqueue([delivery(1)], T0);
    expect(await outbox.claim('d0009', 'worker-a', 60_000)).toBe(false);
    expect(await outbox.claim('d0001', 'worker-a', 60_000)).toBe(true);
    expect(await rival.claim('d0001', 'worker-b', 60_000)).toBe(false);
    await outbox.release('d0001', 'worker-a');
    expect(await rival.claim('d0001', 'worker-b', 60_000)).toBe(true);
    expect(await rival.claim('d0001', 'worker-b', 60_000)).toBe(true);
    // A claim whose time is up on the database's clock is free for the next sender.
    expect(await rival.claim('d0001', 'worker-b', 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(await outbox.claim('d0001', 'worker-a', 60_000)).toBe(true);
  });

  test('claimDue claims due pending entries of one platform at once, oldest first, never ones another sender holds, its own again', async () => {
    const outbox = createOutboxStore(store.db);
    await outbox.enqueue([delivery(1), delivery(2), delivery(3)], T0);
    await outbox.enqueue([delivery(4)], at(10));
    await outbox.enqueue([{ ...delivery(5), platform: 'slack' }], T0);
    expect(await outbox.claim('d0002', 'other', 60_000)).toBe(true);
    expect((await outbox.claimDue('discord', at(5), 10, 'me', 60_000)).map((e) => e.id)).toEqual(['d0001', 'd0003']);
    // Another sender gets nothing of it; the holder itself gets its own claims back (a send that could not start).
    expect(await outbox.claimDue('discord', at(5), 10, 'you', 60_000)).toEqual([]);
    expect((await outbox.claimDue('discord', at(5), 10, 'me', 60_000)).map((e) => e.id)).toEqual(['d0001', 'd0003']);
    expect((await outbox.claimDue('discord', at(10), 10, 'you', 60_000)).map((e) => e.id)).toEqual(['d0004']);
    expect((await outbox.claimDue('slack', at(10), 10, 'me', 60_000)).map((e) => e.id)).toEqual(['d0005']);
  });

  test('sendingSince is recorded before a send and cleared with its result', async () => {
    const outbox = createOutboxStore(store.db);
    await outbox.enqueue([delivery(1)], T0);
    const [entry] = await outbox.due(T0, 1);
    expect(entry!.sendingSince).toBeNull();
    await outbox.save({ ...entry!, sendingSince: at(1).toISOString() });
    expect((await outbox.get('d0001'))!.sendingSince).toBe(at(1).toISOString());
    await outbox.save({ ...sent(entry!), sendingSince: null });
    expect(await outbox.get('d0001')).toMatchObject({ status: 'sent', sendingSince: null });
  });

  if (name === 'sqlite memory') return;

  test("releaseAllClaims frees a former sender's claims, so the new sender claims them at once, not when they lapse", async () => {
    const outbox = createOutboxStore(store.db);
    await outbox.enqueue([delivery(1), delivery(2), delivery(3)], T0);
    expect((await outbox.claimDue('discord', T0, 2, 'dead-leader', 3_600_000)).length).toBe(2);
    expect((await outbox.claimDue('discord', T0, 10, 'new-leader', 60_000)).length).toBe(1);
    expect(await outbox.releaseAllClaims()).toBe(3);
    expect((await outbox.claimDue('discord', T0, 10, 'new-leader', 60_000)).length).toBe(3);
  });

  test('two instances claiming due entries at once never get the same one, and together get all', async () => {
    const a = createOutboxStore(store.db);
    const b = createOutboxStore(await ready(store.second()!));
    await a.enqueue(
      Array.from({ length: 200 }, (_, i) => delivery(i)),
      T0,
    );
    const got: string[] = [];
    // Four senders (two per connection, each its own name, as each instance has), each sending what it claimed
    // (marking it sent) before it asks for more, as the worker's lane does.
    const drain = async (outbox: OutboxStore, owner: string) => {
      for (
        let batch = await outbox.claimDue('discord', T0, 7, owner, 60_000);
        batch.length;
        batch = await outbox.claimDue('discord', T0, 7, owner, 60_000)
      ) {
        got.push(...batch.map((e) => e.id));
        await outbox.saveMany(batch.map((e) => ({ ...e, status: 'sent' as const, sentAt: T0.toISOString() })));
      }
    };
    await Promise.all([drain(a, 'a1'), drain(b, 'b1'), drain(a, 'a2'), drain(b, 'b2')]);
    const all = got;
    expect(all).toHaveLength(200);
    expect(new Set(all).size).toBe(200);
  });

  test('a poll enqueueing in one instance while two others drain loses nothing', async () => {
    const poller = createOutboxStore(store.db);
    const drainers = [createOutboxStore(await ready(store.second()!)), createOutboxStore(await ready(store.second()!))];
    await poller.enqueue(
      Array.from({ length: 60 }, (_, i) => delivery(i)),
      T0,
    );
    const handedOut: string[] = [];
    const drain = async (outbox: ReturnType<typeof createOutboxStore>, owner: string) => {
      for (let round = 0; round < 30; round++) {
        const due = await outbox.due(T0, 8);
        const mine: OutboxEntry[] = [];
        for (const e of due) if (await outbox.claim(e.id, owner, 60_000)) mine.push(e);
        for (const e of mine) await outbox.save(sent(e));
        handedOut.push(...mine.map((e) => e.id));
        await outbox.reindex(mine.map(sent));
      }
    };
    const poll = async () => {
      for (let i = 60; i < 120; i += 4) await poller.enqueue([delivery(i), delivery(i + 1), delivery(i + 2), delivery(i + 3)], T0);
    };
    await Promise.all([drain(drainers[0]!, 'a'), poll(), drain(drainers[1]!, 'b')]);
    for (let e = await poller.due(T0, 200); e.length; e = await poller.due(T0, 200)) {
      handedOut.push(...e.map((x) => x.id));
      await poller.reindex(e.map(sent));
    }
    expect(handedOut).toHaveLength(120);
    expect(new Set(handedOut).size).toBe(120);
  });
});
