import { readFileSync } from 'node:fs';
import { createAlertRouter } from '../../src/delivery/alert-router';
import type { Subscription } from '../../src/domain/alerts/subscriptions';
import { createLogger } from '../../src/logging/logger';
import { deliveryToReply } from '../../src/messages/alert-message';
import { createPollTotals } from '../../src/pipelines/poll-totals';
import { parseDetentionWorkbook } from '../../src/sources/detention-workbook';
import { startIceSite } from '../helpers/ice-site';
import { detentionPath } from '../helpers/fixtures';
import { memoryStores } from '../helpers/stores';
import { subscriptionOf } from '../helpers/subscriptions';

const JAN = detentionPath('2026-01-09_FY26_detentionStats01082026.xlsx');
const FEB = detentionPath('2026-02-03_FY26_detentionStats02022026.xlsx');
const sub = (channelId: string, over: Partial<Subscription>) => subscriptionOf('slack', 'T1', channelId, over);

describe('the totals poll and facility alerts', () => {
  test('a new release gives one alert per changed state, delivered (through the router) only to channels following that state with `facilities`', async () => {
    const site = await startIceSite();
    const { subscriptions, outbox, totals } = memoryStores();
    try {
      await subscriptions.put(sub('C-PA', { states: ['PA'], kinds: ['agreements', 'totals', 'facilities'] }));
      await subscriptions.put(sub('C-PA-287G', { states: ['PA'], kinds: ['agreements'] }));
      await subscriptions.put(sub('C-TX', { states: ['TX'], kinds: ['facilities'] }));
      const clock = new Date('2026-02-03T12:00:00Z');
      const routed: string[] = [];
      const poller = createPollTotals({
        detentionPageUrl: site.detentionPageUrl,
        dailyUrl: undefined,
        fetchOptions: { timeoutMs: 2000, now: () => clock },
        totals,
        logger: createLogger('silent'),
        now: () => clock,
        route: async () => undefined,
        // The bot's router (src/pipelines/polls.ts wires the same call).
        routeFacilities: async (alerts, at) => {
          routed.push(...alerts.map((a) => a.stateCode));
          await createAlertRouter({ subscriptions, outbox }).routeFacilities(alerts, at);
        },
      });
      site.publishDetention([{ name: 'FY26_detentionStats01082026.xlsx', file: JAN }]);
      const first = await poller.poll();
      expect(first.facilityAlerts).toBeUndefined(); // the first release is a baseline
      site.publishDetention([{ name: 'FY26_detentionStats_02022026.xlsx', file: FEB }]);
      const second = await poller.poll();
      expect(second.errors).toEqual([]);
      expect(second.facilityAlerts!.map((a) => a.stateCode)).toEqual(routed);
      expect(routed).toEqual(expect.arrayContaining(['PA', 'TX']));
      const due = await outbox.due(clock, 100);
      expect(due.map((e) => e.delivery.channelId).sort()).toEqual(['C-PA', 'C-TX']);
      const pa = deliveryToReply(due.find((e) => e.delivery.channelId === 'C-PA')!.delivery);
      expect(pa.title).toMatch(/^Pennsylvania detention: /);
      // The release is stored with its facility list, for /facilities.
      expect((await totals.releases()).map((r) => r.release.facilities?.length)).toEqual([212, 225]);
    } finally {
      await site.close();
    }
  });

  test('a stored release from before facility lists were kept (no `facilities`) makes the next list a baseline: no facility alerts', async () => {
    const site = await startIceSite();
    const { totals } = memoryStores();
    try {
      const old = await parseDetentionWorkbook(readFileSync(JAN));
      delete old.facilities;
      await totals.addRelease({
        release: old,
        fileName: 'old.xlsx',
        sha256: 'old',
        url: 'file://old',
        fetchedAt: '2026-01-09T12:00:00.000Z',
      });
      const clock = new Date('2026-02-03T12:00:00Z');
      const routed: string[] = [];
      const poller = createPollTotals({
        detentionPageUrl: site.detentionPageUrl,
        dailyUrl: undefined,
        fetchOptions: { timeoutMs: 2000, now: () => clock },
        totals,
        logger: createLogger('silent'),
        now: () => clock,
        route: async () => undefined,
        routeFacilities: async (alerts) => void routed.push(...alerts.map((a) => a.stateCode)),
      });
      site.publishDetention([{ name: 'FY26_detentionStats_02022026.xlsx', file: FEB }]);
      const result = await poller.poll();
      expect(result.errors).toEqual([]);
      expect(result.alerts.map((a) => a.kind)).toEqual(['detention.released']);
      expect(result.facilityAlerts ?? []).toEqual([]);
      expect(routed).toEqual([]);
    } finally {
      await site.close();
    }
  });
});
