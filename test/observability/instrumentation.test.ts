import { Writable } from 'node:stream';
import type { PlannedDelivery } from '../../src/domain/alerts/delivery-plan';
import { createOutboxWorker } from '../../src/delivery/outbox-worker';
import { createLogger } from '../../src/logging/logger';
import { createMetrics } from '../../src/observability/metrics';
import { summarize287gPoll } from '../../src/pipelines/poll-summary';
import { createGuardedPoll } from '../../src/pipelines/guarded-poll';
import type { IngestResult } from '../../src/pipelines/ingest-287g';
import { memoryStores } from '../helpers/stores';

function captured() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write: (c, _e, done) => (
      lines.push(
        ...String(c)
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
      ),
      done()
    ),
  });
  return { logger: createLogger('info', sink), lines };
}

describe('a guarded poll, instrumented', () => {
  test('writes one line per poll with source, file, verdict and event counts, and counts it', async () => {
    const { logger, lines } = captured();
    const metrics = createMetrics();
    const result = [
      {
        source: 'participating',
        verdict: 'accepted',
        file: { fileName: 'participatingAgencies12122025pm.xlsx' },
        events: [{ type: 'agreement.signed' }, { type: 'agreement.signed' }, { type: 'state.first' }],
      },
    ] as unknown as IngestResult[];
    let fail = false;
    const poll = createGuardedPoll({
      source: 'participating and pending lists (287(g) page)',
      id: '287g',
      poll: async () => {
        if (fail) throw new Error('GET page answered 503');
        return result;
      },
      health: memoryStores().health,
      notifyOperators: async () => undefined,
      logger,
      now: () => new Date('2025-06-01T00:00:00Z'),
      summarize: summarize287gPoll,
      metrics,
    });
    await poll();
    fail = true;
    await expect(poll()).rejects.toThrow(/503/);
    const polls = lines.filter((l) => l.msg === 'poll finished' || l.msg === 'poll failed');
    expect(polls).toEqual([
      expect.objectContaining({
        level: 30,
        source: '287g',
        file: 'participatingAgencies12122025pm.xlsx',
        verdict: 'accepted',
        events: 3,
        eventsByType: { 'agreement.signed': 2, 'state.first': 1 },
      }),
      expect.objectContaining({ level: 40, source: '287g', verdict: 'failed', error: 'GET page answered 503' }),
    ]);
    const text = await metrics.render();
    expect(text).toMatch(/^ice_watch_polls_total\{source="287g"\} 2$/m);
    expect(text).toMatch(/^ice_watch_events_total\{type="agreement.signed"\} 2$/m);
  });
});

describe('the outbox worker, instrumented', () => {
  test('counts each send per platform: sent, retried (transient) and paused (permanent)', async () => {
    const { outbox, subscriptions } = memoryStores();
    const metrics = createMetrics();
    const at = new Date('2025-06-01T00:00:00Z');
    const d = (id: string, platform: 'slack' | 'discord') =>
      ({
        id,
        platform,
        workspaceId: 'W',
        channelId: id,
        subscriptionKey: `${platform}:W:${id}`,
        mode: 'instant',
      }) as unknown as PlannedDelivery;
    await outbox.enqueue([d('ok', 'slack'), d('busy', 'slack'), d('gone', 'discord')], at);
    const answers: Record<string, object> = {
      ok: { ok: true },
      busy: { ok: false, permanent: false, reason: '503' },
      gone: { ok: false, permanent: true, code: '10003', reason: 'Unknown Channel', fix: 'Subscribe again.' },
    };
    const sender = (platform: 'slack' | 'discord') => ({ platform, send: async (x: PlannedDelivery) => answers[x.id] }) as never;
    const worker = createOutboxWorker({
      outbox,
      subscriptions,
      senders: [sender('slack'), sender('discord')],
      notifyOperators: async () => undefined,
      logger: createLogger('silent'),
      now: () => at,
      metrics,
    });
    await worker.drain();
    const text = await metrics.render();
    expect(text).toMatch(/^ice_watch_alerts_sent_total\{platform="slack"\} 1$/m);
    expect(text).toMatch(/^ice_watch_alerts_failed_total\{platform="slack",kind="transient"\} 1$/m);
    expect(text).toMatch(/^ice_watch_alerts_failed_total\{platform="discord",kind="permanent"\} 1$/m);
  });
});
