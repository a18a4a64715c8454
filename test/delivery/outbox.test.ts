import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAlertRouter } from '../../src/delivery/alert-router';
import { createOutboxWorker, MAX_RETRY_AFTER_MS } from '../../src/delivery/outbox-worker';
import type { AlertSender, SendResult } from '../../src/delivery/sender';
import { alertTitle, type StateAlert } from '../../src/domain/alerts/alerts';
import type { PlannedDelivery } from '../../src/domain/alerts/delivery-plan';
import type { OperatorNotice } from '../../src/domain/agreements/guards';
import { channelKey, type Subscription } from '../../src/domain/alerts/subscriptions';
import { createLogger } from '../../src/logging/logger';
import { openDatabase } from '../../src/store/db/database';
import { createOutboxStore, type OutboxStore } from '../../src/store/outbox-store';
import { createSubscriptionStore, type SubscriptionStore } from '../../src/store/subscription-store';
import { alertsBetween } from '../helpers/fixtures';
import { switchableOutbox } from '../helpers/failing-store';
import { type MemoryStores, memoryStores } from '../helpers/stores';

const T0 = new Date('2025-10-17T12:00:00Z');

function sub(channelId: string, over: Partial<Subscription> = {}): Subscription {
  const who = { id: 'U1', name: 'Ana' };
  return {
    key: channelKey('discord', 'G1', channelId),
    platform: 'discord',
    workspaceId: 'G1',
    channelId,
    channelName: channelId,
    states: ['TX'],
    kinds: ['agreements', 'endings', 'pending'],
    models: null,
    mode: 'instant',
    createdBy: who,
    createdAt: T0.toISOString(),
    updatedBy: who,
    updatedAt: T0.toISOString(),
    paused: null,
    ...over,
  };
}

/** A sender that records what it got and answers from a script, one result per call (then ok). */
function scriptedSender(script: SendResult[] = []) {
  const sent: PlannedDelivery[] = [];
  const told: string[] = [];
  const sender: AlertSender = {
    platform: 'discord',
    send: async (d) => {
      sent.push(d);
      return script.shift() ?? { ok: true };
    },
    tellChannel: async (_d, text) => {
      told.push(text);
    },
  };
  return { sender, sent, told };
}

describe('routing alerts to the outbox and delivering them', () => {
  let stores: MemoryStores;
  let outbox: OutboxStore;
  let subscriptions: SubscriptionStore;
  let alerts: StateAlert[];
  beforeEach(async () => {
    stores = memoryStores();
    ({ outbox, subscriptions } = stores);
    alerts = await alertsBetween('participatingAgencies10162025pm.xlsx', 'participatingAgencies10172025mid.xlsx');
  });
  afterEach(() => stores.close());

  test('each channel gets one delivery per state it follows, cut to its models; digests and paused channels get none now', async () => {
    await subscriptions.put(sub('texas-all'));
    await subscriptions.put(sub('texas-tfm', { models: ['TFM'] }));
    await subscriptions.put(sub('everything', { states: 'all' }));
    await subscriptions.put(sub('texas-daily', { mode: 'daily' }));
    await subscriptions.put(sub('texas-paused', { paused: { reason: 'gone', since: T0.toISOString() } }));
    await subscriptions.put(sub('florida', { states: ['FL'] }));
    await subscriptions.put(sub('texas-corrections', { kinds: ['agreements', 'endings', 'pending', 'corrections'] }));
    const router = createAlertRouter({ subscriptions, outbox });
    const added = await router.route(alerts, T0);
    const due = await outbox.due(T0, 1000);
    expect(due).toHaveLength(added);
    const byChannel = (c: string) => due.filter((e) => e.delivery.channelId === c).map((e) => e.delivery.alert!);
    const texas = alerts.find((a) => a.stateCode === 'TX')!;
    // Rockwall County's SIGNED date was corrected in this publication: only a channel that asked for corrections gets it.
    expect(texas.events.map((e) => e.type)).toContain('agreement.corrected');
    const texasWithoutCorrections = texas.events.filter((e) => e.type !== 'agreement.corrected');
    expect(byChannel('texas-all')).toEqual([
      { ...texas, events: texasWithoutCorrections, title: alertTitle(texas.state, texasWithoutCorrections) },
    ]);
    expect(byChannel('texas-corrections')).toEqual([texas]);
    const tfm = byChannel('texas-tfm');
    expect(tfm).toHaveLength(1);
    expect(tfm[0].events.every((e) => 'model' in e && e.model === 'TFM')).toBe(true);
    expect(tfm[0].title).toMatch(/^\d+ new 287\(g\) agreements? in Texas$/);
    expect(byChannel('everything')).toHaveLength(alerts.length);
    expect(byChannel('texas-daily')).toEqual([]);
    expect(byChannel('texas-paused')).toEqual([]);
    expect(byChannel('florida')).toEqual(alerts.filter((a) => a.stateCode === 'FL'));
    // Routing the same poll again (a restart before the snapshot was stored) adds nothing.
    expect(await router.route(alerts, T0)).toBe(0);
  });

  test('the worker sends each entry once, retries a transient failure after retry_after, gives up after the limit', async () => {
    await subscriptions.put(sub('texas-all'));
    await subscriptions.put(sub('florida', { states: ['FL'] }));
    await createAlertRouter({ subscriptions, outbox }).route(alerts, T0);
    let clock = T0;
    const { sender, sent } = scriptedSender([{ ok: false, permanent: false, reason: '429 Too Many Requests', retryAfterMs: 30_000 }]);
    const notices: OperatorNotice[] = [];
    const worker = createOutboxWorker({
      outbox,
      subscriptions,
      senders: [sender],
      logger: createLogger('silent'),
      now: () => clock,
      notifyOperators: async (n) => void notices.push(...n),
      baseDelayMs: 1000,
      maxAttempts: 3,
    });
    await worker.drain();
    expect(sent).toHaveLength(2);
    expect((await outbox.depth()).pending).toBe(1);
    await worker.drain();
    expect(sent).toHaveLength(2); // not due yet
    clock = new Date(T0.getTime() + 30_000);
    await worker.drain();
    expect(sent).toHaveLength(3);
    expect((await outbox.depth()).pending).toBe(0);
    await worker.drain();
    expect(sent).toHaveLength(3); // never twice
    expect(notices).toEqual([]);
  });

  test('a Retry-After of years (any webhook endpoint can answer one) is obeyed for a day at most, and the drain goes on', async () => {
    await subscriptions.put(sub('texas-all', { states: 'all' }));
    expect(await createAlertRouter({ subscriptions, outbox }).route(alerts.slice(0, 1), T0)).toBe(1);
    const { sender, sent } = scriptedSender([{ ok: false, permanent: false, reason: 'HTTP 429', retryAfterMs: 99_999_999_999_999_000 }]);
    let clock = T0;
    const worker = createOutboxWorker({
      outbox,
      subscriptions,
      senders: [sender],
      logger: createLogger('silent'),
      now: () => clock,
      notifyOperators: async () => undefined,
    });
    await worker.drain();
    const [entry] = await outbox.due(new Date(T0.getTime() + 2 * MAX_RETRY_AFTER_MS), 10);
    expect(entry).toMatchObject({
      attempts: 1,
      sendingSince: null,
      nextAttemptAt: new Date(T0.getTime() + MAX_RETRY_AFTER_MS).toISOString(),
    });
    expect(worker.pausedUntil('discord')).toEqual(new Date(T0.getTime() + MAX_RETRY_AFTER_MS));
    clock = new Date(T0.getTime() + MAX_RETRY_AFTER_MS);
    await worker.drain();
    expect(sent).toHaveLength(2);
    expect((await outbox.depth()).pending).toBe(0);
  });

  test('a permanent error pauses the subscription, tells operators and the channel, and sends no more', async () => {
    await subscriptions.put(sub('texas-all'));
    await createAlertRouter({ subscriptions, outbox }).route(alerts, T0);
    const { sender, told } = scriptedSender([
      {
        ok: false,
        permanent: true,
        code: '50013',
        reason: 'the bot lacks permission to post there',
        fix: 'Give it Send Messages and Embed Links.',
      },
    ]);
    const notices: OperatorNotice[] = [];
    const worker = createOutboxWorker({
      outbox,
      subscriptions,
      senders: [sender],
      logger: createLogger('silent'),
      now: () => T0,
      notifyOperators: async (n) => void notices.push(...n),
    });
    await worker.drain();
    expect((await subscriptions.get(channelKey('discord', 'G1', 'texas-all')))!.paused).toMatchObject({
      reason: 'the bot lacks permission to post there',
    });
    expect(notices[0].text).toMatch(/Paused alerts for discord channel texas-all: the bot lacks permission.*\(50013\)/);
    expect(told[0]).toMatch(/\/subscribe again to resume/);
    expect((await outbox.depth()).pending).toBe(0);
    // The next poll plans nothing for the paused channel.
    await createAlertRouter({ subscriptions, outbox }).route(
      alerts.map((a) => ({ ...a, id: `${a.id}-next` })),
      T0,
    );
    expect((await outbox.depth()).pending).toBe(0);
  });

  test('housekeeping forgets finished entries past their retention, never pending ones', async () => {
    await subscriptions.put(sub('texas-all'));
    await subscriptions.put(sub('florida', { states: ['FL'] }));
    await createAlertRouter({ subscriptions, outbox }).route(alerts, T0);
    const [first, second] = await outbox.due(T0, 10);
    await outbox.update({ ...first, status: 'sent', sentAt: T0.toISOString() });
    expect(await outbox.prune(new Date(T0.getTime() - 1))).toBe(0); // not old enough
    expect(await outbox.prune(new Date(T0.getTime() + 1))).toBe(1);
    expect(await outbox.get(first.id)).toBeNull();
    expect(await outbox.get(second.id)).not.toBeNull(); // still pending: kept
    expect((await outbox.depth()).pending).toBe(1);
  });

  test('failures past the attempt limit are dead letters and operators hear of it', async () => {
    await subscriptions.put(sub('texas-all'));
    await createAlertRouter({ subscriptions, outbox }).route(alerts, T0);
    const failing: AlertSender = {
      platform: 'discord',
      send: async () => ({ ok: false, permanent: false, reason: '500 Internal Server Error' }),
    };
    let clock = T0;
    const notices: OperatorNotice[] = [];
    const worker = createOutboxWorker({
      outbox,
      subscriptions,
      senders: [failing],
      logger: createLogger('silent'),
      now: () => clock,
      notifyOperators: async (n) => void notices.push(...n),
      baseDelayMs: 10,
      maxAttempts: 3,
    });
    for (let i = 0; i < 5; i++) {
      await worker.drain();
      clock = new Date(clock.getTime() + 60_000);
    }
    expect(notices.map((n) => n.text)).toEqual([expect.stringMatching(/Gave up on an alert .* after 3 attempts: 500/)]);
    expect((await outbox.depth()).pending).toBe(0);
  });
});

describe('platforms deliver independently', () => {
  const delivery = (i: number, platform: PlannedDelivery['platform']): PlannedDelivery =>
    ({
      id: `${platform}-${i}`,
      subscriptionKey: `${platform}:W:${i}`,
      platform,
      workspaceId: 'W',
      channelId: `${platform}-c${i}`,
      mode: 'instant',
    }) as PlannedDelivery;
  let stores: MemoryStores;
  let outbox: OutboxStore;
  beforeEach(() => {
    stores = memoryStores();
    ({ outbox } = stores);
  });
  afterEach(() => stores.close());

  test("a retry_after pauses only its platform's lane: the other platform's entries go out; the paused ones keep their attempts", async () => {
    // Slack's entries are the oldest and would fill every slot of a shared batch.
    await outbox.enqueue(
      Array.from({ length: 20 }, (_, i) => delivery(i, 'slack')),
      T0,
    );
    await outbox.enqueue(
      Array.from({ length: 5 }, (_, i) => delivery(i, 'discord')),
      new Date(T0.getTime() + 1),
    );
    let clock = new Date(T0.getTime() + 1000);
    const slackTried: string[] = [];
    const discordSent: string[] = [];
    const slack: AlertSender = {
      platform: 'slack',
      send: async (d) => (
        slackTried.push(d.id), { ok: false, permanent: false, reason: 'Slack rate limit: retry after 20 s', retryAfterMs: 20_000 }
      ),
    };
    const discord: AlertSender = { platform: 'discord', send: async (d) => (discordSent.push(d.id), { ok: true }) };
    const worker = createOutboxWorker({
      outbox,
      subscriptions: createSubscriptionStore(stores.db),
      senders: [slack, discord],
      logger: createLogger('silent'),
      now: () => clock,
      notifyOperators: async () => undefined,
      concurrency: 4,
    });
    await worker.drain();
    expect(discordSent).toHaveLength(5);
    expect(slackTried).toHaveLength(4); // one batch, then the lane waits
    expect(worker.pausedUntil('slack')).toEqual(new Date(clock.getTime() + 20_000));
    expect(worker.pausedUntil('discord')).toBeNull();
    const untried = (await outbox.due(new Date(8.64e15), 100, 'slack')).filter((e) => !slackTried.includes(e.id));
    expect(untried).toHaveLength(16);
    expect(untried.every((e) => e.attempts === 0)).toBe(true);
    clock = new Date(clock.getTime() + 10_000);
    await worker.drain();
    expect(slackTried).toHaveLength(4); // still paused
    clock = new Date(clock.getTime() + 11_000);
    slack.send = async (d) => (slackTried.push(d.id), { ok: true });
    await worker.drain();
    expect(new Set(slackTried).size).toBe(20);
    expect((await outbox.depth()).pending).toBe(0);
  });

  test('a send that hangs past the send timeout is aborted, counts as a transient failure, and frees its slot', async () => {
    await outbox.enqueue([delivery(1, 'discord'), delivery(2, 'discord')], T0);
    const signals: AbortSignal[] = [];
    const sent: string[] = [];
    const discord: AlertSender = {
      platform: 'discord',
      send: (d, options) => {
        if (d.id === 'discord-2') return (sent.push(d.id), Promise.resolve({ ok: true }));
        signals.push(options!.signal!);
        return new Promise(() => undefined); // never answers
      },
    };
    const worker = createOutboxWorker({
      outbox,
      subscriptions: createSubscriptionStore(stores.db),
      senders: [discord],
      logger: createLogger('silent'),
      now: () => T0,
      notifyOperators: async () => undefined,
      concurrency: 1,
      sendTimeoutMs: 200,
    });
    await worker.drain();
    expect(signals.map((s) => s.aborted)).toEqual([true]);
    expect(sent).toEqual(['discord-2']);
    const hung = await outbox.get('discord-1');
    expect(hung).toMatchObject({ status: 'pending', attempts: 1, lastError: 'discord did not answer within 0.2 s' });
  });
});

describe('outbox under concurrent polls and drains', () => {
  test('entries queued while a drain rewrites the index are not lost (SQLite)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ice-watch-race-'));
    const db = openDatabase(`sqlite://${join(dir, 'race.sqlite')}`);
    try {
      const outbox = createOutboxStore(db);
      const [alert] = await alertsBetween('participatingAgencies10162025pm.xlsx', 'participatingAgencies10172025mid.xlsx');
      const delivery = (i: number): PlannedDelivery => ({
        id: `d${i}`,
        subscriptionKey: `discord:G:${i}`,
        platform: 'discord',
        workspaceId: 'G',
        channelId: String(i),
        mode: 'instant',
        alert,
      });
      await outbox.enqueue(
        Array.from({ length: 100 }, (_, i) => delivery(i)),
        T0,
      );
      const sent = new Set<string>();
      const drain = async () => {
        for (let round = 0; round < 40; round++) {
          const due = await outbox.due(T0, 8);
          const done = due.map((e) => ({ ...e, status: 'sent' as const, sentAt: T0.toISOString() }));
          for (const e of done) {
            await outbox.save(e);
            sent.add(e.id);
          }
          await outbox.reindex(done);
        }
      };
      const poll = async () => {
        for (let i = 100; i < 160; i += 3) await outbox.enqueue([delivery(i), delivery(i + 1), delivery(i + 2)], T0);
      };
      await Promise.all([drain(), poll(), drain()]);
      while ((await outbox.due(T0, 50)).length) {
        const due = await outbox.due(T0, 50);
        for (const e of due) sent.add(e.id);
        await outbox.saveMany(due.map((e) => ({ ...e, status: 'sent' as const })));
      }
      // Every queued delivery was handed out: none vanished from the index while still pending.
      expect(sent.size).toBe(160);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('record before send', () => {
  const delivery = (i: number, platform: PlannedDelivery['platform']): PlannedDelivery =>
    ({
      id: `${platform}-${i}`,
      subscriptionKey: `${platform}:W:c${i}`,
      platform,
      workspaceId: 'W',
      channelId: `c${i}`,
      mode: 'instant',
    }) as PlannedDelivery;
  let stores: ReturnType<typeof memoryStores>;
  beforeEach(() => {
    stores = memoryStores();
  });
  afterEach(() => stores.close());

  test('the entry says it is being sent before the platform is called, and the outcome clears it', async () => {
    await stores.outbox.enqueue([delivery(1, 'slack')], T0);
    const seenAtSend: Array<string | null | undefined> = [];
    const slack: AlertSender = {
      platform: 'slack',
      send: async (d) => {
        seenAtSend.push((await stores.outbox.get(d.id))?.sendingSince);
        return { ok: true };
      },
    };
    const worker = createOutboxWorker({
      outbox: stores.outbox,
      subscriptions: stores.subscriptions,
      senders: [slack],
      logger: createLogger('silent'),
      now: () => T0,
      notifyOperators: async () => undefined,
    });
    await worker.drain();
    expect(seenAtSend).toEqual([T0.toISOString()]);
    expect(await stores.outbox.get('slack-1')).toMatchObject({ status: 'sent', sendingSince: null, attempts: 1 });
  });

  test('an outcome the database refuses is kept, nothing else is sent meanwhile, and it is written first once the database is back: never sent twice', async () => {
    const outbox = switchableOutbox(stores.outbox);
    await outbox.enqueue([delivery(1, 'slack'), delivery(2, 'slack')], T0);
    const sent: string[] = [];
    const slack: AlertSender = {
      platform: 'slack',
      send: async (d) => {
        sent.push(d.id);
        // The connection drops after Slack accepted the message and before the outbox records it.
        outbox.failWrites('Connection terminated unexpectedly');
        return { ok: true };
      },
    };
    const worker = createOutboxWorker({
      outbox,
      subscriptions: stores.subscriptions,
      senders: [slack],
      logger: createLogger('silent'),
      now: () => T0,
      notifyOperators: async () => undefined,
      concurrency: 1,
      recordRetryMs: 60_000, // the retry timer stays out of this test: drains do the retrying
    });
    await worker.drain();
    expect(sent).toEqual(['slack-1']);
    expect(worker.unrecorded()).toBe(1);
    expect(outbox.refused).toBeGreaterThan(0);
    // Still down: the next drain tries the kept outcome, and sends nothing.
    await worker.drain();
    expect(sent).toEqual(['slack-1']);
    expect((await stores.outbox.get('slack-1'))!.status).toBe('pending');
    // Back: the kept outcome is written before anything else; then slack-2 is sent (and its send cuts the database again).
    outbox.heal();
    await worker.drain();
    expect(await stores.outbox.get('slack-1')).toMatchObject({ status: 'sent', sendingSince: null });
    expect(sent).toEqual(['slack-1', 'slack-2']);
    expect(worker.unrecorded()).toBe(1);
    outbox.heal();
    await worker.drain();
    expect(worker.unrecorded()).toBe(0);
    expect(sent).toEqual(['slack-1', 'slack-2']);
    expect((await stores.outbox.get('slack-2'))!.status).toBe('sent');
    expect((await stores.outbox.depth()).pending).toBe(0);
  });

  test('a failed "sending" write sends nothing (the entry waits for its claim to lapse)', async () => {
    const outbox = switchableOutbox(stores.outbox);
    await outbox.enqueue([delivery(1, 'discord')], T0);
    outbox.failWrites('database down');
    const sent: string[] = [];
    const worker = createOutboxWorker({
      outbox,
      subscriptions: stores.subscriptions,
      senders: [{ platform: 'discord', send: async (d) => (sent.push(d.id), { ok: true }) }],
      logger: createLogger('silent'),
      now: () => T0,
      notifyOperators: async () => undefined,
    });
    await worker.drain();
    expect(sent).toEqual([]);
    expect(worker.unrecorded()).toBe(0);
    expect((await stores.outbox.get('discord-1'))!.status).toBe('pending');
  });

  test('an entry left "being sent" by a sender that died is sent again once its claim lapsed (at least once)', async () => {
    await stores.outbox.enqueue([delivery(1, 'slack')], T0);
    const [entry] = await stores.outbox.due(T0, 1, 'slack');
    // The dead sender's traces: its "sending" record, and a claim that has lapsed.
    await stores.outbox.save({ ...entry!, sendingSince: T0.toISOString() });
    expect(await stores.outbox.claim('slack-1', 'dead-instance', 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    const sent: string[] = [];
    const warnings: string[] = [];
    const logger = createLogger('warn', { write: (line: string) => void warnings.push(line) } as never);
    const worker = createOutboxWorker({
      outbox: stores.outbox,
      subscriptions: stores.subscriptions,
      senders: [{ platform: 'slack', send: async (d) => (sent.push(d.id), { ok: true }) }],
      logger,
      now: () => T0,
      notifyOperators: async () => undefined,
      owner: 'next-leader',
    });
    await worker.drain();
    expect(sent).toEqual(['slack-1']);
    expect(await stores.outbox.get('slack-1')).toMatchObject({ status: 'sent', sendingSince: null });
    expect(warnings.join('')).toMatch(/never recorded; sending it again/);
  });
});
