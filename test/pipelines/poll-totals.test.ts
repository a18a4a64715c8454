import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import totalsCommand from '../../commands/totals';
import { lineText } from '../../src/messages/reply';
import { createAlertRouter } from '../../src/delivery/alert-router';
import { deliveryToReply } from '../../src/messages/alert-message';
import type { OperatorNotice } from '../../src/domain/agreements/guards';
import type { Subscription } from '../../src/domain/alerts/subscriptions';
import { createLogger } from '../../src/logging/logger';
import { failingReason } from '../../src/domain/source-health';
import { createGuardedPoll } from '../../src/pipelines/guarded-poll';
import { createPollTotals, DETENTION_WORKBOOK } from '../../src/pipelines/poll-totals';
import type { TotalsStore } from '../../src/store/totals-store';
import { startIceSite } from '../helpers/ice-site';
import { memoryStores } from '../helpers/stores';
import { subscriptionOf } from '../helpers/subscriptions';
import { detentionPath } from '../helpers/fixtures';

const JAN = detentionPath('2026-01-09_FY26_detentionStats01082026.xlsx');
const FEB = detentionPath('2026-02-03_FY26_detentionStats02022026.xlsx');

describe('polling the enforcement totals', () => {
  test('detention: baseline, a new release alerts totals subscribers with its changes, a republished one alerts no one; the daily feed reports new days', async () => {
    const site = await startIceSite();
    const dir = mkdtempSync(join(tmpdir(), 'ice-watch-totals-'));
    const { snapshots, subscriptions, outbox, totals, close } = memoryStores();
    try {
      const sub = (channelId: string, over: Partial<Subscription>) => subscriptionOf('slack', 'T1', channelId, over);
      await subscriptions.put(sub('C-TOTALS', {}));
      await subscriptions.put(sub('C-TEXAS', { states: ['TX'], kinds: ['agreements', 'endings', 'pending'] }));
      const router = createAlertRouter({ subscriptions, outbox });
      const feed = join(dir, 'daily.csv');
      writeFileSync(feed, readFileSync(detentionPath('ice-x-daily-arrests-2025-01.csv')));
      let clock = new Date('2026-02-03T12:00:00Z');
      const poller = createPollTotals({
        detentionPageUrl: site.detentionPageUrl,
        dailyUrl: `file://${feed}`,
        fetchOptions: { timeoutMs: 2000, now: () => clock },
        totals,
        logger: createLogger('silent'),
        now: () => clock,
        route: async (alerts, at) => void (await router.routeTotals(alerts, at)),
      });

      site.publishDetention([{ name: 'FY26_detentionStats01082026.xlsx', file: JAN }]);
      const first = await poller.poll();
      expect(first.errors).toEqual([]);
      expect(first.alerts).toEqual([]);
      expect(first.notices.map((n: OperatorNotice) => n.kind)).toEqual(['baseline', 'baseline']);
      expect((await outbox.depth()).pending).toBe(0);

      site.publishDetention([
        { name: 'FY26_detentionStats01082026.xlsx', file: JAN },
        { name: 'FY26_detentionStats_02022026.xlsx', file: FEB },
      ]);
      const second = await poller.poll();
      expect(second.alerts.map((a) => a.kind)).toEqual(['detention.released']);
      const due = await outbox.due(clock, 10);
      expect(due.map((e) => e.delivery.channelId)).toEqual(['C-TOTALS']);
      const reply = deliveryToReply(due[0].delivery);
      expect(reply.title).toBe('ICE detention statistics as of 2026-01-25: 70,766 detained (+1,776)');
      const fields = reply.blocks.flatMap((b) => (b.kind === 'fields' ? b.fields : []));
      expect(lineText(fields.find((f) => f.name === 'Removals, FY2026 to date')!.value)).toBe('144,378 (+26,214 since the last release)');

      // ICE republishes the same numbers under another name: nothing for subscribers, a word for operators.
      site.publishDetention([{ name: 'FY26_detentionStats02092026.xlsx', file: FEB }]);
      const third = await poller.poll();
      expect(third.alerts).toEqual([]);
      expect(third.notices).toEqual([]); // the same bytes: already judged
      expect((await totals.releases()).map((r) => r.release.asOf)).toEqual(['2026-01-07', '2026-01-25']);

      // A new day in the daily feed, a record high.
      writeFileSync(feed, `${readFileSync(feed, 'utf8').trimEnd()}\n2025-02-01,1300,700,test\n`);
      clock = new Date('2026-02-04T12:00:00Z');
      const fourth = await poller.poll();
      expect(fourth.alerts.map((a) => a.kind)).toEqual(['daily.reported']);
      const daily = (await outbox.due(clock, 10)).find((e) => e.delivery.totals?.kind === 'daily.reported')!;
      expect(deliveryToReply(daily.delivery).title).toBe('ICE reported 1,300 arrests on 2025-02-01: a record high');

      // /totals answers from the store.
      const answer = await totalsCommand.run({
        channel: { platform: 'slack', workspaceId: 'T1', channelId: 'C-TOTALS' },
        user: { id: 'U', name: 'Ana', canManageChannel: false },
        services: { snapshots, subscriptions, totals, checkCanPost: async () => null },
        now: () => clock,
      });
      expect(answer.title).toBe('ICE detention statistics as of 2026-01-25: 70,766 detained');
      expect(answer.blocks.flatMap((b) => (b.kind === 'text' ? b.lines.map(lineText) : [])).join('\n')).toMatch(
        /latest 1,300 on 2025-02-01, 47% of the 2,740 a day .* record 1,300 on 2025-02-01/,
      );
    } finally {
      await close();
      await site.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('detention page and workbook on the loopback ICE site', () => {
    const poller = (site: { detentionPageUrl: string }, totals: TotalsStore) =>
      createPollTotals({
        detentionPageUrl: site.detentionPageUrl,
        dailyUrl: undefined,
        fetchOptions: { timeoutMs: 2000 },
        totals,
        logger: createLogger('silent'),
        route: async () => undefined,
      });

    test('conditional GET: the second poll of an unchanged page and workbook gets 304 for both and downloads nothing', async () => {
      const site = await startIceSite();
      const { totals, close } = memoryStores();
      try {
        const [workbook] = site.publishDetention([{ name: 'FY26_detentionStats01082026.xlsx', file: JAN }]);
        expect((await poller(site, totals).poll()).errors).toEqual([]);
        const second = await poller(site, totals).poll();
        expect(second).toMatchObject({ alerts: [], notices: [], errors: [] });
        const answers = (url: string) => site.requestsTo(url).map((r) => [r.status, r.bytes]);
        expect(answers(site.detentionPageUrl)).toEqual([
          [200, expect.any(Number)],
          [304, 0],
        ]);
        expect(answers(workbook)).toEqual([
          [200, readFileSync(JAN).length],
          [304, 0],
        ]);
        expect(site.requestsTo(workbook)[1].headers['if-none-match']).toMatch(/^"[0-9a-f]{32}"$/);

        // A new release linked: the page changes (200), the new workbook is downloaded.
        const [next] = site.publishDetention([{ name: 'FY26_detentionStats_02022026.xlsx', file: FEB }]);
        expect((await poller(site, totals).poll()).alerts.map((a) => a.kind)).toEqual(['detention.released']);
        expect(answers(site.detentionPageUrl).at(-1)![0]).toBe(200);
        expect(answers(next)).toEqual([[200, readFileSync(FEB).length]]);
      } finally {
        await close();
        await site.close();
      }
    });

    test('a first poll of a page that links no workbook does not say "no longer"', async () => {
      const site = await startIceSite();
      const { totals, close } = memoryStores();
      try {
        const result = await poller(site, totals).poll();
        expect(result.errors).toEqual([
          `detention statistics: ${site.detentionPageUrl} links no detentionStats workbook (is ICE_DETENTION_PAGE_URL ICE's detention-management page, or a mirror of it?)`,
        ]);
      } finally {
        await close();
        await site.close();
      }
    });
  });
});

describe("the totals source's health", () => {
  test('a refused detention workbook leaves the source failing, with the reason, told once as an episode; the next good release clears it', async () => {
    const site = await startIceSite();
    const dir = mkdtempSync(join(tmpdir(), 'ice-watch-totals-health-'));
    const { health, totals, close } = memoryStores();
    try {
      const told: OperatorNotice[] = [];
      let clock = new Date('2026-02-03T12:00:00Z');
      const poller = createPollTotals({
        detentionPageUrl: site.detentionPageUrl,
        dailyUrl: undefined,
        fetchOptions: { timeoutMs: 2000, now: () => clock },
        totals,
        logger: createLogger('silent'),
        now: () => clock,
        route: async () => undefined,
      });
      const guarded = createGuardedPoll({
        source: 'totals',
        poll: () => poller.poll(),
        health,
        notifyOperators: async (n) => void told.push(...n),
        logger: createLogger('silent'),
        now: () => clock,
        partsOf: (r) => r.parts ?? [],
      });
      // As the poll job does: what the poll found goes to operators too.
      const poll = async () => told.push(...((await guarded())?.notices ?? []));
      site.publishDetention([{ name: 'FY26_detentionStats01082026.xlsx', file: JAN }]);
      await poll();
      const broken = join(dir, 'FY26_detentionStats_02022026.xlsx');
      writeFileSync(broken, readFileSync(FEB).subarray(0, 20_000));
      site.publishDetention([
        { name: 'FY26_detentionStats01082026.xlsx', file: JAN },
        { name: 'FY26_detentionStats_02022026.xlsx', file: broken },
      ]);
      clock = new Date('2026-02-03T13:00:00Z');
      await poll();
      expect(failingReason(await health.get('totals'))).toMatchObject({
        kind: 'rejected',
        reason: expect.stringMatching(/^detention statistics workbook: .*(truncated|corrupt)/i),
      });
      expect(told.filter((n) => n.kind === 'workbook-unreadable')).toEqual([expect.objectContaining({ subject: DETENTION_WORKBOOK })]);
      site.publishDetention([
        { name: 'FY26_detentionStats01082026.xlsx', file: JAN },
        { name: 'FY26_detentionStats_02032026.xlsx', file: FEB },
      ]);
      clock = new Date('2026-02-03T14:00:00Z');
      await poll();
      expect(failingReason(await health.get('totals'))).toBeNull();
      expect(told.at(-1)).toMatchObject({ kind: 'recovered' });
    } finally {
      await close();
      await site.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
