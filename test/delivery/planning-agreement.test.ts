/**
 * Set-based planning (issue 16) must agree with planDeliveries, the pure rule of who gets what:
 * for a mix of subscriptions (kinds, models, states, paused, modes) and the real alerts of two ICE
 * publications, the deliveries the database inserts (outbox for instant channels, digest buffers
 * for daily and weekly ones) are exactly those planDeliveries plans, alert by alert and channel by
 * channel, with the same events.
 */
import { createAlertRouter } from '../../src/delivery/alert-router';
import type { StateAlert } from '../../src/domain/alerts/alerts';
import { planDeliveries } from '../../src/domain/alerts/delivery-plan';
import { digestPeriod } from '../../src/domain/alerts/digest';
import { channelKey, type Kind, type Mode, type Subscription } from '../../src/domain/alerts/subscriptions';
import type { Model } from '../../src/domain/types';
import { createDigestStore } from '../../src/store/digest-store';
import { createOutboxStore } from '../../src/store/outbox-store';
import { createSubscriptionStore } from '../../src/store/subscription-store';
import { type DatabaseUnderTest, describeEachDatabase } from '../helpers/databases';
import { alertsBetween } from '../helpers/fixtures';

const AT = new Date('2025-10-17T12:00:00.000Z');
const STATE_CHOICES: Array<Subscription['states']> = ['all', ['TX'], ['TX', 'FL'], ['FL'], ['CA', 'OK'], [], ['GA']];
const KIND_CHOICES: Kind[][] = [
  ['agreements', 'endings', 'pending'],
  ['agreements'],
  ['endings'],
  ['pending'],
  ['agreements', 'corrections'],
  ['agreements', 'endings', 'pending', 'corrections', 'totals'],
  ['totals'],
];
const MODEL_CHOICES: Array<Model[] | null> = [null, ['TFM'], ['JEM', 'WSO'], ['WSO']];
const MODE_CHOICES: Mode[] = ['instant', 'instant', 'daily', 'weekly'];

/** A deterministic mix: every combination appears across the channels (co-prime strides). */
function mix(count: number): Subscription[] {
  const who = { id: 'U1', name: 'Ana' };
  return Array.from({ length: count }, (_, i) => ({
    key: channelKey(i % 3 ? 'discord' : 'slack', `W${i % 4}`, `c${i}`),
    platform: i % 3 ? 'discord' : 'slack',
    workspaceId: `W${i % 4}`,
    channelId: `c${i}`,
    channelName: null,
    states: STATE_CHOICES[i % STATE_CHOICES.length]!,
    kinds: KIND_CHOICES[(i * 3) % KIND_CHOICES.length]!,
    models: MODEL_CHOICES[(i * 5) % MODEL_CHOICES.length]!,
    mode: MODE_CHOICES[Math.floor(i / 7) % MODE_CHOICES.length]!,
    createdBy: who,
    createdAt: AT.toISOString(),
    updatedBy: who,
    updatedAt: AT.toISOString(),
    paused: i % 11 === 5 ? { reason: 'gone', since: AT.toISOString() } : null,
  }));
}
const eventsOf = (a: StateAlert) => JSON.stringify(a.events);

describeEachDatabase()('set-based planning agrees with planDeliveries on %s', (_name, engine) => {
  let store: DatabaseUnderTest;
  beforeEach(async () => (store = await engine()));
  afterEach(() => store.cleanup());

  test('the same (id, channel, events) for instant channels, and the same alerts in each digest buffer', async () => {
    const alerts = await alertsBetween('participatingAgencies10162025pm.xlsx', 'participatingAgencies10172025mid.xlsx');
    const subs = mix(196);
    const subscriptions = createSubscriptionStore(store.db);
    const outbox = createOutboxStore(store.db);
    const digests = createDigestStore(store.db);
    await subscriptions.putMany(subs);
    const router = createAlertRouter({ subscriptions, outbox, digests });
    const queued = await router.route(alerts, AT);

    const forState = (code: string) => subs.filter((s) => s.states === 'all' || s.states.includes(code));
    const planned = planDeliveries(alerts, forState);
    const instant = planned.filter((d) => d.mode === 'instant');
    // The mix is not trivial: each side has something to agree on.
    expect(instant.length).toBeGreaterThan(50);
    expect(planned.some((d) => d.mode !== 'instant')).toBe(true);
    expect(new Set(instant.map((d) => eventsOf(d.alert!))).size).toBeGreaterThan(alerts.length);

    const due = await outbox.due(new Date(AT.getTime() + 1), 10_000);
    expect(queued).toBe(due.length);
    const asRows = (list: Array<{ id: string; channel: string; platform: string; events: string }>) =>
      list.map((r) => `${r.id} ${r.platform}/${r.channel} ${r.events}`).sort();
    expect(
      asRows(
        due.map((e) => ({ id: e.id, channel: e.delivery.channelId, platform: e.delivery.platform, events: eventsOf(e.delivery.alert!) })),
      ),
    ).toEqual(asRows(instant.map((d) => ({ id: d.id, channel: d.channelId, platform: d.platform, events: eventsOf(d.alert!) }))));
    // Titles follow the cut events, as planDeliveries writes them.
    const titles = new Map(instant.map((d) => [d.id, d.alert!.title]));
    for (const e of due) expect(e.delivery.alert!.title).toBe(titles.get(e.id));

    const buffered = (await digests.all())
      .flatMap((b) => b.alerts.map((a) => `${b.subscriptionKey} ${b.mode} ${b.period} ${a.id} ${eventsOf(a)}`))
      .sort();
    const wanted = planned
      .filter((d) => d.mode !== 'instant')
      .map((d) => `${d.subscriptionKey} ${d.mode} ${digestPeriod(d.mode as 'daily' | 'weekly', AT)} ${d.alert!.id} ${eventsOf(d.alert!)}`)
      .sort();
    expect(buffered).toEqual(wanted);

    // Again (a restart before the snapshot was stored): nothing new anywhere.
    expect(await router.route(alerts, AT)).toBe(0);
    expect((await digests.all()).flatMap((b) => b.alerts)).toHaveLength(wanted.length);
  });

  test('totals go to every unpaused channel that follows them, whatever its states and mode', async () => {
    const subs = mix(60);
    const subscriptions = createSubscriptionStore(store.db);
    const outbox = createOutboxStore(store.db);
    await subscriptions.putMany(subs);
    const totals = { id: 'detention:2025-10-17', title: 'ICE detention statistics' } as never;
    const queued = await createAlertRouter({ subscriptions, outbox }).routeTotals([totals], AT);
    const want = subs.filter((s) => !s.paused && s.kinds.includes('totals')).map((s) => `detention:2025-10-17:${s.key}`);
    expect(want.length).toBeGreaterThan(3);
    expect(queued).toBe(want.length);
    expect((await outbox.due(AT, 1000)).map((e) => e.id).sort()).toEqual(want.sort());
  });
});
