/**
 * A corrupted subscription record (issue 7, trust boundaries) at the level above the store:
 * routing a publication's alerts and running the channel's commands. The damaged channel
 * is reported and skipped; the other channels still get their alerts, nothing throws, and
 * subscribing again repairs it. (The store's own test: test/store/subscription-store.test.ts.)
 */
import subscribe from '../../commands/subscribe';
import subscriptions from '../../commands/subscriptions';
import { createAlertRouter } from '../../src/delivery/alert-router';
import { buildStateAlerts } from '../../src/domain/alerts/alerts';
import { eventFields } from '../../src/domain/agreements/events';
import { channelKey, type Subscription } from '../../src/domain/alerts/subscriptions';
import type { Agreement } from '../../src/domain/types';
import { openDatabase, type StoreDb } from '../../src/store/db/database';
import { createOutboxStore } from '../../src/store/outbox-store';
import { memorySnapshots } from '../helpers/memory-snapshots';
import { createSubscriptionStore } from '../../src/store/subscription-store';

const AT = new Date('2025-10-17T12:00:00.000Z');
const ROW: Agreement = {
  state: 'Texas',
  stateCode: 'TX',
  agency: 'Tomball Police Department',
  agencyKey: 'tomball police department',
  type: 'Municipality',
  county: null,
  model: 'TFM',
  signed: '2025-10-17',
  moaUrl: null,
  addendumUrl: null,
};
const ALERTS = buildStateAlerts({
  source: 'participating',
  events: [{ type: 'agreement.signed', ...eventFields(ROW) }],
  participating: [ROW],
  pending: [],
  file: {
    fileName: 'participatingAgencies10172025mid.xlsx',
    url: 'https://www.ice.gov/x.xlsx',
    fetchedAt: AT.toISOString(),
    sha256: 'ab'.repeat(32),
  },
});

function sub(channelId: string): Subscription {
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
    createdAt: AT.toISOString(),
    updatedBy: who,
    updatedAt: AT.toISOString(),
    paused: null,
  };
}

describe('a corrupted subscription record', () => {
  let db: StoreDb;
  const problems: string[] = [];
  beforeEach(async () => {
    problems.length = 0;
    db = openDatabase('memory://');
  });
  afterEach(async () => {
    await db.close();
  });

  async function worldWithDamagedChannel() {
    const subs = createSubscriptionStore(db, { onCorrupt: (key, problem) => problems.push(`${key}: ${problem}`) });
    for (const channel of ['before', 'broken', 'after']) await subs.put(sub(channel));
    // Damage one row: a half-written value, an old format, a bad hand-made edit.
    const k = await db.ready();
    await k
      .updateTable('subscriptions')
      .set({ kinds: '7' })
      .where('key', '=', channelKey('discord', 'G1', 'broken'))
      .execute();
    return subs;
  }

  test('routing a Texas alert queues it for the other channels, reports the damaged one, and does not throw', async () => {
    const subs = await worldWithDamagedChannel();
    const outbox = createOutboxStore(db);
    const queued = await createAlertRouter({ subscriptions: subs, outbox }).route(ALERTS, AT);
    expect(queued).toBe(2);
    expect((await outbox.depth()).pending).toBe(2);
    expect(problems).toEqual(['discord:G1:broken: not a subscription record']);
  });

  test('in the damaged channel, /subscriptions answers (no subscription) and /subscribe repairs it', async () => {
    const subs = await worldWithDamagedChannel();
    const ctx = {
      channel: { platform: 'discord' as const, workspaceId: 'G1', channelId: 'broken', channelName: 'broken' },
      user: { id: 'U1', name: 'Ana', canManageChannel: true },
      services: { snapshots: memorySnapshots(), subscriptions: subs, checkCanPost: async () => null },
      now: () => AT,
    };
    const listed = await subscriptions.run(ctx);
    expect(listed.tone).not.toBe('error');
    await subscribe.run(ctx, { states: 'tx' });
    expect(await subs.get(channelKey('discord', 'G1', 'broken'))).toMatchObject({
      states: ['TX'],
      kinds: ['agreements', 'endings', 'pending'],
    });
    expect((await subs.forState('TX')).map((s) => s.channelId).sort()).toEqual(['after', 'before', 'broken']);
  });
});
