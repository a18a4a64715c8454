import { Writable } from 'node:stream';
import status from '../../commands/status';
import { lineText } from '../../src/messages/reply';
import type { OperatorNotice } from '../../src/domain/agreements/guards';
import { healthyState, recordFailure } from '../../src/domain/source-health';
import { createOperatorNotifier } from '../../src/delivery/operator-notifier';
import { createLogger } from '../../src/logging/logger';
import { createGuardedPoll, SourceFailingError } from '../../src/pipelines/guarded-poll';
import { commandWorld } from '../helpers/command-context';
import { memoryStores } from '../helpers/stores';

const MIN = 60_000;

describe('source back-off', () => {
  test('5 minutes, doubling, capped at 6 hours', () => {
    let h = healthyState('s');
    const at = new Date('2025-01-01T00:00:00Z');
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      h = recordFailure(h, at, 'down').health;
      delays.push((Date.parse(h.nextAttemptAt!) - at.getTime()) / MIN);
    }
    expect(delays).toEqual([5, 10, 20, 40, 80, 160, 320, 360, 360, 360]);
  });
});

describe('a guarded poll', () => {
  test('backs off after a failure, tells operators after an hour, again only at growing intervals, once on recovery, and /status shows it', async () => {
    const world = await commandWorld();
    const { health, episodes } = memoryStores();
    let clock = new Date('2025-01-01T00:00:00Z');
    let up = false;
    let calls = 0;
    const raised: OperatorNotice[] = [];
    const told: string[] = [];
    const notifier = createOperatorNotifier({
      outputs: [async (text) => (told.push(`${clock.toISOString().slice(0, 16)} ${text}`), { ok: true })],
      episodes,
      logger: createLogger('silent'),
      now: () => clock,
    });
    const poll = createGuardedPoll({
      source: 'participating and pending lists (287(g) page)',
      poll: async () => {
        calls++;
        if (!up) throw new Error('GET https://www.ice.gov/identify-and-arrest/287g failed: host not found (ENOTFOUND)');
        return 'ok';
      },
      health,
      notifyOperators: async (n) => (raised.push(...n), notifier(n)),
      logger: createLogger('silent'),
      now: () => clock,
      failingAfterMs: 60 * MIN,
    });

    await expect(poll()).rejects.toThrow(SourceFailingError);
    await expect(health.get('participating and pending lists (287(g) page)')).resolves.toMatchObject({ consecutiveFailures: 1 });
    clock = new Date(clock.getTime() + 2 * MIN);
    expect(await poll()).toBeNull(); // within the 5-minute back-off: not even tried
    expect(calls).toBe(1);

    // Keep failing, each time the back-off allows, for over a day.
    let failures = 1;
    while (clock.getTime() < Date.parse('2025-01-02T06:00:00Z')) {
      const next = (await health.get('participating and pending lists (287(g) page)')).nextAttemptAt!;
      clock = new Date(next);
      await expect(poll()).rejects.toThrow(/next try after/);
      failures++;
    }
    // Polls (back-off 5, 10, 20, 40, 80, 160, 320, then 360 min) at 00:00, 00:05, 00:15, 00:35 say nothing; 01:15
    // is the first past the hour. Every later failure raises the notice again; the episode tells it again only
    // 6 h later (the first poll after 07:15 is 10:35), then a day later (10:35 the next day).
    expect(raised.filter((n) => n.kind === 'failing')).toHaveLength(failures - 4);
    expect(told.map((t) => t.slice(0, 16))).toEqual(['2025-01-01T01:15', '2025-01-01T10:35', '2025-01-02T10:35']);
    expect(told[0]).toMatch(
      /^.{17}ice-watch · source failing: participating and pending lists \(287\(g\) page\) has failed since 2025-01-01 00:00 UTC \(5 polls in a row\): GET .*ENOTFOUND/,
    );
    expect(told[1]).toMatch(
      /source failing: still so \(notice 2, first told 2025-01-01 01:15 UTC\): participating .* \(8 polls in a row\)/,
    );

    const reply = await status.run({ ...world.ctx(), services: { ...world.ctx().services, health } });
    const page = reply.blocks.find((b) => b.kind === 'list' && b.heading === '287(g) page')!;
    expect(page.kind === 'list' && page.items.map(lineText).join('\n')).toMatch(
      new RegExp(`^${failures} failed polls in a row since 2025-01-01 00:00 UTC: GET .*ENOTFOUND`),
    );
    expect(reply.tone).toBe('error');

    up = true;
    clock = new Date((await health.get('participating and pending lists (287(g) page)')).nextAttemptAt!);
    expect(await poll()).toBe('ok');
    expect(told).toHaveLength(4);
    expect(told[3]).toMatch(
      /ice-watch · recovered: participating and pending lists \(287\(g\) page\) answers again after \d+ failed polls since 2025-01-01 00:00 UTC \(first told 2025-01-01 01:15 UTC\)$/,
    );
    expect(await health.get('participating and pending lists (287(g) page)')).toMatchObject({
      consecutiveFailures: 0,
      nextAttemptAt: null,
    });
    await world.close();
  });
});

describe('a process started inside a back-off', () => {
  test('says once that the source is backing off, with the failures, the last error and the next try, then skips quietly', async () => {
    const { health, close } = memoryStores();
    try {
      await health.set({
        ...(await health.get('287(g) page')),
        consecutiveFailures: 3,
        firstFailureAt: '2026-12-04T08:00:00.000Z',
        lastError: 'timeout of 30000ms exceeded',
        nextAttemptAt: '2026-12-04T10:00:00.000Z',
      });
      const lines: Array<{ level: number; msg: string }> = [];
      const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
      let polled = 0;
      const poll = createGuardedPoll({
        source: '287(g) page',
        poll: async () => void polled++,
        health,
        notifyOperators: async () => undefined,
        logger: createLogger('debug', sink),
        now: () => new Date('2026-12-04T09:00:00.000Z'),
      });
      await poll();
      await poll();
      expect(polled).toBe(0);
      const warned = lines.filter((l) => l.level === 40);
      expect(warned.map((l) => l.msg)).toEqual([
        '287(g) page is backing off after 3 failed polls (last error: timeout of 30000ms exceeded); next try after 2026-12-04 10:00 UTC',
      ]);
      expect(lines.filter((l) => l.msg === 'poll skipped: backing off')).toHaveLength(1);
    } finally {
      await close();
    }
  });
});
