import type { StateAlert } from '../../../src/domain/alerts/alerts';
import { planDeliveries } from '../../../src/domain/alerts/delivery-plan';
import type { OperatorNotice } from '../../../src/domain/agreements/guards';
import { createOutboxWorker } from '../../../src/delivery/outbox-worker';
import { createLogger } from '../../../src/logging/logger';
import { createWebhookAdmin, webhookSubscriptionKey } from '../../../src/platforms/webhook/admin';
import { createWebhookSender } from '../../../src/platforms/webhook/webhook-sender';
import { verifyWebhookSignature } from '../../../src/platforms/webhook/signature';
import { openStores, type Stores } from '../../../src/store/open-stores';
import { ev, floridaAlert } from '../../helpers/alert-events';
import { type Answer, type Received, startReceiver } from './receiver';

const T0 = new Date('2026-01-05T12:00:00.000Z');
const by = { id: 'op', name: 'Operator' };

/**
 * Webhooks through the real outbox worker, to a receiver on loopback (hence
 * WEBHOOK_ALLOW_PRIVATE_ADDRESSES on): signatures, delivery ids, retries, pausing.
 */
describe('webhook delivery through the outbox to a loopback receiver', () => {
  let stores: Stores;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let clock: Date;
  let notices: OperatorNotice[];
  let script: (r: Received, n: number) => Answer;

  const policy = { allowPrivate: true };
  const admin = () =>
    createWebhookAdmin({
      endpoints: stores.webhooks,
      subscriptions: stores.subscriptions,
      outbox: stores.outbox,
      digests: stores.digests,
      policy,
      now: () => clock,
    });
  const worker = () =>
    createOutboxWorker({
      outbox: stores.outbox,
      subscriptions: stores.subscriptions,
      senders: [createWebhookSender({ endpoints: stores.webhooks, policy, logger: createLogger('silent'), now: () => clock })],
      notifyOperators: async (n) => void notices.push(...n),
      logger: createLogger('silent'),
      now: () => clock,
      baseDelayMs: 1_000,
    });
  async function plan(alerts: StateAlert[]) {
    const subs = await stores.subscriptions.forState('FL');
    const planned = planDeliveries(alerts, () => subs);
    await stores.outbox.enqueue(planned, clock);
    return planned;
  }

  beforeEach(async () => {
    stores = openStores({ url: 'memory://' });
    clock = T0;
    notices = [];
    script = () => ({ status: 200 });
    receiver = await startReceiver((r, n) => script(r, n));
  });
  afterEach(async () => {
    await receiver.close();
    await stores.close();
  });

  test('each alert arrives once, signed with the endpoint secret, with its delivery id in the header and the body', async () => {
    const { endpoint, secret } = await admin().subscribe({
      url: receiver.url(),
      states: ['FL'],
      kinds: null,
      models: null,
      preset: null,
      by,
    });
    const first = floridaAlert([ev.signed('Okaloosa County Sheriff')]);
    const second = { ...floridaAlert([ev.signed('Walton County Jail')]), id: 'participating:def456:FL' };
    const planned = await plan([first, second]);
    expect(planned.map((p) => p.channelId)).toEqual([endpoint.id, endpoint.id]);

    expect(await worker().drain()).toBe(2);
    expect(receiver.received.map((r) => r.delivery).sort()).toEqual(planned.map((p) => p.id).sort());
    for (const r of receiver.received) {
      expect(r.headers['content-type']).toBe('application/json');
      const ok = verifyWebhookSignature(
        secret!,
        { timestamp: String(r.headers['x-ice-watch-timestamp']), signature: String(r.headers['x-ice-watch-signature']) },
        r.body,
        { nowSec: T0.getTime() / 1000 },
      );
      expect(ok).toBe(true);
      expect(
        verifyWebhookSignature(
          'wrong',
          { timestamp: String(r.headers['x-ice-watch-timestamp']), signature: String(r.headers['x-ice-watch-signature']) },
          r.body,
          { nowSec: T0.getTime() / 1000 },
        ),
      ).toBe(false);
      const body = JSON.parse(r.body);
      expect(body).toMatchObject({ id: r.delivery, type: 'alert.287g', state: 'FL' });
      expect(body.events).toHaveLength(1);
    }
    // Nothing more to send: a second drain posts nothing.
    await worker().drain();
    expect(receiver.received).toHaveLength(2);
  });

  test('a 500 is retried after the back-off with the same delivery id and body', async () => {
    await admin().subscribe({ url: receiver.url(), states: ['FL'], kinds: null, models: null, preset: null, by });
    script = (_r, n) => (n === 1 ? { status: 500 } : { status: 204 });
    const [planned] = await plan([floridaAlert([ev.signed('Okaloosa County Sheriff')])]);
    const w = worker();
    await w.drain();
    expect(receiver.received).toHaveLength(1);
    expect((await stores.outbox.get(planned.id))!).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: expect.stringContaining('HTTP 500'),
    });
    await w.drain(); // not due yet
    expect(receiver.received).toHaveLength(1);
    clock = new Date(T0.getTime() + 1_500);
    await w.drain();
    expect(receiver.received.map((r) => r.delivery)).toEqual([planned.id, planned.id]);
    expect(JSON.parse(receiver.received[1].body).id).toBe(JSON.parse(receiver.received[0].body).id);
    expect((await stores.outbox.get(planned.id))!.status).toBe('sent');
  });

  test('a 429 waits for its Retry-After', async () => {
    await admin().subscribe({ url: receiver.url(), states: ['FL'], kinds: null, models: null, preset: null, by });
    script = () => ({ status: 429, headers: { 'Retry-After': '120' } });
    const [planned] = await plan([floridaAlert([ev.signed('Okaloosa County Sheriff')])]);
    await worker().drain();
    expect((await stores.outbox.get(planned.id))!.nextAttemptAt).toBe(new Date(T0.getTime() + 120_000).toISOString());
  });

  test("one endpoint's 429 holds only its own alert: the other endpoints are still sent to, and later alerts too", async () => {
    const busy = await admin().subscribe({ url: receiver.url('/busy'), states: ['FL'], kinds: null, models: null, preset: null, by });
    await admin().subscribe({ url: receiver.url('/fine'), states: ['FL'], kinds: null, models: null, preset: null, by });
    script = (r) => (r.path === '/busy' ? { status: 429, headers: { 'Retry-After': '120' } } : { status: 200 });
    const w = worker();
    const planned = await plan([floridaAlert([ev.signed('Okaloosa County Sheriff')])]);
    await w.drain();
    expect(w.pausedUntil('webhook')).toBeNull();
    const second = await plan([{ ...floridaAlert([ev.signed('Walton County Jail')]), id: 'participating:0e0e:FL' }]);
    await w.drain();
    const fine = receiver.received.filter((r) => r.path === '/fine').map((r) => r.delivery);
    expect(fine).toEqual([...planned, ...second].filter((p) => p.channelId !== busy.endpoint.id).map((p) => p.id));
    const held = [...planned, ...second].find((p) => p.channelId === busy.endpoint.id)!;
    expect((await stores.outbox.get(held.id))!.nextAttemptAt).toBe(new Date(T0.getTime() + 120_000).toISOString());
  });

  test('a 410 pauses the subscription, keeps the alert unsent and tells operators what to do', async () => {
    const { endpoint } = await admin().subscribe({ url: receiver.url(), states: ['FL'], kinds: null, models: null, preset: null, by });
    script = () => ({ status: 410 });
    const planned = await plan([
      floridaAlert([ev.signed('Okaloosa County Sheriff')]),
      { ...floridaAlert([ev.signed('Walton County Jail')]), id: 'participating:def456:FL' },
    ]);
    await worker().drain();
    // Both were claimed in one batch and refused: the subscription is paused, both are kept.
    expect(receiver.received).toHaveLength(2);
    const sub = await stores.subscriptions.get(webhookSubscriptionKey(endpoint.id));
    expect(sub!.paused).toMatchObject({ reason: expect.stringContaining('HTTP 410') });
    expect((await Promise.all(planned.map((p) => stores.outbox.get(p.id)))).map((e) => e!.status)).toEqual(['paused', 'paused']);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: 'paused', subject: `webhook ${endpoint.id}` });
    expect(notices[0].text).toMatch(new RegExp(`^Paused alerts for webhook ${endpoint.id}: `));
    expect(notices[0].text).toMatch(
      /subscribing its URL again \(ice-watch subscribe --webhook <url> \.\.\., or \/webhook add\) resumes its alerts\.$/,
    );
    expect(notices[0].text).not.toContain('in that channel');
    expect(notices[0].text).toContain('http_410');
    expect(notices[0].text).toContain('The endpoint is gone');
    expect(notices[0].text).toContain('2 alerts were kept');
    // A paused subscription gets nothing new.
    await plan([{ ...floridaAlert([ev.signed('Bay County')]), id: 'participating:0f0f:FL' }]);
    await worker().drain();
    expect(receiver.received).toHaveLength(2);
    // Subscribing the URL again resumes it, with the same secret.
    const again = await admin().subscribe({ url: receiver.url(), states: ['FL', 'TX'], kinds: null, models: null, preset: null, by });
    expect(again).toMatchObject({ created: false, secret: null, endpoint: { id: endpoint.id } });
    expect(again.subscription).toMatchObject({ paused: null, states: ['FL', 'TX'] });
  });

  test('a stalled endpoint counts as a transient failure once the request times out', async () => {
    await admin().subscribe({ url: receiver.url(), states: ['FL'], kinds: null, models: null, preset: null, by });
    script = () => 'stall';
    const [planned] = await plan([floridaAlert([ev.signed('Okaloosa County Sheriff')])]);
    const sender = createWebhookSender({
      endpoints: stores.webhooks,
      policy,
      logger: createLogger('silent'),
      now: () => clock,
      timeoutMs: 200,
    });
    const result = await sender.send(planned);
    expect(result).toEqual({ ok: false, permanent: false, reason: 'the webhook endpoint did not answer in time' });
  });

  test('with private addresses refused, the send to loopback is refused for good (address_refused)', async () => {
    await admin().subscribe({ url: receiver.url(), states: ['FL'], kinds: null, models: null, preset: null, by });
    const [planned] = await plan([floridaAlert([ev.signed('Okaloosa County Sheriff')])]);
    const strict = createWebhookSender({ endpoints: stores.webhooks, policy: { allowPrivate: false }, logger: createLogger('silent') });
    expect(await strict.send(planned)).toMatchObject({ ok: false, permanent: true, code: 'address_refused' });
    expect(receiver.received).toHaveLength(0);
  });

  test('removing an endpoint discards its queued alerts and digest buffers: nothing fails, operators are told nothing', async () => {
    const gone = await admin().subscribe({ url: receiver.url('/gone'), states: ['FL'], kinds: null, models: null, preset: null, by });
    const kept = await admin().subscribe({ url: receiver.url('/kept'), states: ['FL'], kinds: null, models: null, preset: null, by });
    const alert = floridaAlert([ev.signed('Okaloosa County Sheriff')]);
    const planned = await plan([alert]);
    const goneKey = webhookSubscriptionKey(gone.endpoint.id);
    const keptKey = webhookSubscriptionKey(kept.endpoint.id);
    await stores.digests.add(goneKey, 'daily', '2026-01-05', [alert]);
    await stores.digests.add(keptKey, 'daily', '2026-01-05', [alert]);

    expect(await admin().unsubscribe(gone.endpoint.id)).toMatchObject({ id: gone.endpoint.id });
    await worker().drain();

    expect(receiver.received.map((r) => r.path)).toEqual(['/kept']);
    expect(notices).toEqual([]);
    const [toGone] = planned.filter((p) => p.channelId === gone.endpoint.id);
    expect(await stores.outbox.get(toGone!.id)).toBeNull();
    expect((await stores.digests.all()).map((b) => b.subscriptionKey)).toEqual([keptKey]);
  });

  test('a resolver that does not answer in time fails the send as retryable, not refused for good', async () => {
    const port = new URL(receiver.url()).port;
    const resolving = ((_h: string, _o: unknown, cb: (e: null, a: unknown) => void) =>
      cb(null, [{ address: '127.0.0.1', family: 4 }])) as unknown as typeof import('node:dns').lookup;
    await createWebhookAdmin({
      endpoints: stores.webhooks,
      subscriptions: stores.subscriptions,
      outbox: stores.outbox,
      digests: stores.digests,
      policy: { allowPrivate: true, lookup: resolving },
      now: () => clock,
    }).subscribe({ url: `http://hooks.example.test:${port}/hook`, states: ['FL'], kinds: null, models: null, preset: null, by });
    const [planned] = await plan([floridaAlert([ev.signed('Okaloosa County Sheriff')])]);
    const never = (() => undefined) as unknown as typeof import('node:dns').lookup;
    const sender = createWebhookSender({
      endpoints: stores.webhooks,
      policy: { allowPrivate: true, lookup: never, lookupTimeoutMs: 20 },
      logger: createLogger('silent'),
      now: () => clock,
    });
    const result = await sender.send(planned!);
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(result.ok ? '' : result.reason).toContain('hooks.example.test cannot be resolved (no answer within');
    expect(receiver.received).toHaveLength(0);
  });
});
