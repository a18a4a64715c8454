import { createAlertRouter } from '../../src/delivery/alert-router';
import { deliveryToReply } from '../../src/messages/alert-message';
import { digestPeriod } from '../../src/domain/alerts/digest';
import { channelKey, type Subscription } from '../../src/domain/alerts/subscriptions';
import { lineText } from '../../src/messages/reply';
import { alertsBetween } from '../helpers/fixtures';
import { memoryStores } from '../helpers/stores';

describe('digest periods', () => {
  test.each([
    ['2025-10-17T23:59:00Z', 'daily', '2025-10-17'],
    ['2025-10-17T12:00:00Z', 'weekly', '2025-W42'],
    ['2024-12-30T00:00:00Z', 'weekly', '2025-W01'],
    ['2021-01-03T12:00:00Z', 'weekly', '2020-W53'],
    ['2025-10-20T00:00:00Z', 'weekly', '2025-W43'],
  ] as const)('%s is %s period %s (UTC, ISO weeks)', (at, mode, period) => expect(digestPeriod(mode, new Date(at))).toBe(period));
});

describe('daily and weekly digests', () => {
  test('collect a day of polls per channel, and send one message once the day is over', async () => {
    const { subscriptions, outbox, digests, close } = memoryStores();
    const router = createAlertRouter({ subscriptions, outbox, digests });
    const who = { id: 'U', name: 'Ana' };
    const daily: Subscription = {
      key: channelKey('slack', 'T1', 'C1'),
      platform: 'slack',
      workspaceId: 'T1',
      channelId: 'C1',
      channelName: null,
      states: ['TX', 'FL'],
      kinds: ['agreements', 'endings', 'pending'],
      models: null,
      mode: 'daily',
      createdBy: who,
      createdAt: '2025-10-01T00:00:00Z',
      updatedBy: who,
      updatedAt: '2025-10-01T00:00:00Z',
      paused: null,
    };
    await subscriptions.put(daily);
    const morning = await alertsBetween('participatingAgencies10162025pm.xlsx', 'participatingAgencies10172025mid.xlsx', {
      fetchedAt: '2025-10-17T12:00:00.000Z',
    });
    const evening = await alertsBetween('participatingAgencies10172025mid.xlsx', 'participatingAgencies12122025pm.xlsx', {
      fetchedAt: '2025-10-17T20:00:00.000Z',
    });
    expect(await router.route(morning, new Date('2025-10-17T12:00:00Z'))).toBe(0); // nothing instant
    await router.route(evening, new Date('2025-10-17T20:00:00Z'));
    expect(await router.flushDigests(new Date('2025-10-17T23:00:00Z'))).toBe(0); // the day is not over

    expect(await router.flushDigests(new Date('2025-10-18T00:05:00Z'))).toBe(1);
    const [entry] = await outbox.due(new Date('2025-10-18T00:05:00Z'), 10);
    expect(entry.id).toBe(`digest:${daily.key}:2025-10-17`);
    const digest = entry.delivery.digest!;
    expect(digest.alerts.map((a) => a.stateCode)).toEqual(['FL', 'TX']);
    // Corrected SIGNED dates (Rockwall County, 10-17) are not sent to a channel that did not ask for them.
    const texasEvents = [...morning, ...evening]
      .filter((a) => a.stateCode === 'TX')
      .flatMap((a) => a.events)
      .filter((e) => e.type !== 'agreement.corrected');
    expect(digest.alerts[1].events).toHaveLength(texasEvents.length);
    const reply = deliveryToReply(entry.delivery);
    expect(reply.title).toBe('Daily 287(g) digest for 2025-10-17: changes in 2 states');
    const lists = reply.blocks.filter((b) => b.kind === 'list');
    expect(lists.map((b) => b.kind === 'list' && b.heading)).toEqual([digest.alerts[0].title, digest.alerts[1].title]);
    const fields = reply.blocks.find((b) => b.kind === 'fields');
    expect(fields?.kind === 'fields' && fields.fields.map((f) => `${f.name}: ${lineText(f.value)}`)[1]).toMatch(
      /^Texas now: \d+ active \(JEM/,
    );
    // The buffer is gone: the next flush queues nothing more.
    expect(await router.flushDigests(new Date('2025-10-18T01:05:00Z'))).toBe(0);
    await close();
  });
});
