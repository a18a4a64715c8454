import { channelKey, type Subscription } from '../../src/domain/alerts/subscriptions';
import { STATES } from '../../src/domain/states';
import { UserError } from '../../src/domain/user-error';
import { CHANNEL_BUSY, createSubscriptionStore, type SubscriptionStore } from '../../src/store/subscription-store';
import { sql } from 'kysely';
import type { StoreDb } from '../../src/store/db/database';
import { type DatabaseUnderTest, describeEachDatabase } from '../helpers/databases';

/** Another connection, its schema check done before the test's concurrent work (SQLite: a migration waiting for the write lock blocks this process). */
const ready = async (db: StoreDb) => (await db.ready(), db);
const T0 = '2025-10-17T12:00:00.000Z';
function sub(channelId: string, over: Partial<Subscription> = {}, workspaceId = 'G1'): Subscription {
  const who = { id: 'U1', name: 'Ana' };
  return {
    key: channelKey('discord', workspaceId, channelId),
    platform: 'discord',
    workspaceId,
    channelId,
    channelName: channelId,
    states: ['TX'],
    kinds: ['agreements', 'endings', 'pending'],
    models: null,
    mode: 'instant',
    createdBy: who,
    createdAt: T0,
    updatedBy: who,
    updatedAt: T0,
    paused: null,
    ...over,
  };
}
const keys = (subs: Subscription[]) => subs.map((s) => s.channelId).sort();
/** An update that adds one state to the channel (creating it when new), as /subscribe does. */
const addState = (subs: SubscriptionStore, channelId: string, code: string) =>
  subs.update(channelKey('discord', 'G1', channelId), (old) => ({
    ...(old ?? sub(channelId, { states: [] })),
    states: [...((old?.states as string[]) ?? []), code],
  }));
const FORTY = STATES.slice(0, 40).map((s) => s.code);

describeEachDatabase()('subscription store on %s', (name, engine) => {
  let store: DatabaseUnderTest;
  beforeEach(async () => {
    store = await engine();
  });
  afterEach(() => store.cleanup());

  test('finds channels by state, by all states, by totals and by workspace; an update moves the channel between states', async () => {
    const subs = createSubscriptionStore(store.db);
    await subs.put(sub('texas'));
    await subs.put(sub('everywhere', { states: 'all' }));
    await subs.put(sub('totals-only', { states: [], kinds: ['totals'] }));
    await subs.put(sub('ok-and-totals', { states: ['OK'], kinds: ['agreements', 'totals'] }, 'G2'));
    expect(keys(await subs.forState('TX'))).toEqual(['everywhere', 'texas']);
    expect(keys(await subs.forState('OK'))).toEqual(['everywhere', 'ok-and-totals']);
    expect(keys(await subs.forTotals())).toEqual(['ok-and-totals', 'totals-only']);
    expect(keys(await subs.inWorkspace('discord', 'G1'))).toEqual(['everywhere', 'texas', 'totals-only']);

    await subs.put(sub('texas', { states: ['FL'] }));
    expect(keys(await subs.forState('TX'))).toEqual(['everywhere']);
    expect(keys(await subs.forState('FL'))).toEqual(['everywhere', 'texas']);
    expect((await subs.get(channelKey('discord', 'G1', 'texas')))?.states).toEqual(['FL']);

    expect(await subs.delete(channelKey('discord', 'G1', 'everywhere'))).toBe(true);
    expect(await subs.delete(channelKey('discord', 'G1', 'everywhere'))).toBe(false);
    expect(keys(await subs.forState('FL'))).toEqual(['texas']);
    expect(keys(await subs.inWorkspace('discord', 'G1'))).toEqual(['texas', 'totals-only']);
  });

  test('forStates answers several states at once, like forState for each', async () => {
    const subs = createSubscriptionStore(store.db);
    await subs.put(sub('texas'));
    await subs.put(sub('texas-ok', { states: ['TX', 'OK'] }));
    await subs.put(sub('everywhere', { states: 'all' }));
    const byState = await subs.forStates(['TX', 'OK', 'FL']);
    expect([...byState].map(([code, list]) => [code, keys(list)])).toEqual([
      ['TX', ['everywhere', 'texas', 'texas-ok']],
      ['OK', ['everywhere', 'texas-ok']],
      ['FL', ['everywhere']],
    ]);
    for (const code of ['TX', 'OK', 'FL']) expect(keys(byState.get(code)!)).toEqual(keys(await subs.forState(code)));
    // One record, one object: the all-states channel is read once for the three states.
    expect(byState.get('TX')!.find((s) => s.channelId === 'everywhere')).toBe(byState.get('FL')![0]);
  });

  test('putMany indexes a large batch like single puts', async () => {
    const subs = createSubscriptionStore(store.db);
    const many = Array.from({ length: 1_200 }, (_, i) => sub(`c${i}`, { states: i % 3 === 0 ? 'all' : ['TX'] }));
    await subs.putMany(many);
    expect(await subs.forState('TX')).toHaveLength(1_200);
    expect(await subs.forState('OK')).toHaveLength(400);
  });

  test('a corrupted record is reported and skipped; the other channels still get theirs', async () => {
    const problems: string[] = [];
    const subs = createSubscriptionStore(store.db, { onCorrupt: (key, problem) => problems.push(`${key}: ${problem}`) });
    await subs.put(sub('good'));
    await subs.put(sub('broken'));
    // Damage the row, as an old version or a bad hand-made edit would.
    const k = await store.db.ready();
    await k
      .updateTable('subscriptions')
      .set({ kinds: '7' })
      .where('key', '=', channelKey('discord', 'G1', 'broken'))
      .execute();
    expect(keys(await subs.forState('TX'))).toEqual(['good']);
    expect(await subs.get(channelKey('discord', 'G1', 'broken'))).toBeNull();
    expect(problems).toEqual(['discord:G1:broken: not a subscription record', 'discord:G1:broken: not a subscription record']);
    // Subscribing again replaces the damaged record.
    await subs.put(sub('broken'));
    expect(keys(await subs.forState('TX'))).toEqual(['broken', 'good']);
  });

  test('40 updates of one channel at once: every state kept in the record and the index', async () => {
    const subs = createSubscriptionStore(store.db);
    const changes = await Promise.all(FORTY.map((code) => addState(subs, 'busy', code)));
    expect([...((await subs.get(channelKey('discord', 'G1', 'busy')))!.states as string[])].sort()).toEqual([...FORTY].sort());
    for (const code of FORTY) expect(keys(await subs.forState(code))).toEqual(['busy']);
    // Each change saw the one before it: 0, 1, ..., 39 states before, one more after.
    expect(changes.map((c) => c.before?.states.length ?? 0).sort((a, b) => a - b)).toEqual(FORTY.map((_, i) => i));
    for (const c of changes) expect(c.after!.states.length).toBe((c.before?.states.length ?? 0) + 1);
  });

  test('update: a change that throws writes nothing and frees the channel; the same object back writes nothing; null removes', async () => {
    const subs = createSubscriptionStore(store.db);
    const key = channelKey('discord', 'G1', 'c1');
    await subs.put(sub('c1'));
    await expect(subs.update(key, () => Promise.reject(new UserError('no')))).rejects.toThrow('no');
    expect(await subs.update(key, (old) => old)).toEqual({ before: sub('c1'), after: sub('c1') });
    await addState(subs, 'c1', 'OK');
    expect((await subs.get(key))?.states).toEqual(['TX', 'OK']);
    expect(await subs.update(key, () => null)).toEqual({ before: sub('c1', { states: ['TX', 'OK'] }), after: null });
    expect(await subs.get(key)).toBeNull();
    expect(await subs.forState('OK')).toEqual([]);
    expect(await subs.inWorkspace('discord', 'G1')).toEqual([]);
  });

  test('a channel held by another change past the wait is refused with "try again"; once free, the change goes through', async () => {
    if (name !== 'postgres') return; // SQLite: one writer at a time, waited for by the busy timeout
    const key = channelKey('discord', 'G1', 'c1');
    const subs = createSubscriptionStore(store.db);
    await subs.put(sub('c1'));
    const impatient = createSubscriptionStore(await ready(store.second()!), { lockWaitMs: 200 });
    const k = await store.db.ready();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = k.transaction().execute(async (trx) => {
      await sql`SELECT key FROM subscriptions WHERE key = ${key} FOR UPDATE`.execute(trx);
      locked();
      await held;
    });
    await isLocked;
    await expect(addState(impatient, 'c1', 'OK')).rejects.toThrow(new UserError(CHANNEL_BUSY));
    release();
    await holder;
    await addState(impatient, 'c1', 'OK');
    expect((await subs.get(key))?.states).toEqual(['TX', 'OK']);
  });

  test('groupsFollowing: the distinct (kinds, models, mode) of the unpaused channels a state reaches, with a sample', async () => {
    const subs = createSubscriptionStore(store.db);
    await subs.put(sub('a'));
    await subs.put(sub('b'));
    await subs.put(sub('c', { states: 'all', mode: 'daily' }));
    await subs.put(sub('d', { models: ['TFM'] }));
    await subs.put(sub('paused', { kinds: ['agreements'], paused: { reason: 'gone', since: T0 } }));
    await subs.put(sub('ok', { states: ['OK'], kinds: ['pending'] }));
    const groups = await subs.groupsFollowing({ state: 'TX' });
    expect(groups.map((g) => `${g.group.kinds} ${g.group.models} ${g.group.mode}`).sort()).toEqual([
      '["agreements","endings","pending"] ["TFM"] instant',
      '["agreements","endings","pending"] null daily',
      '["agreements","endings","pending"] null instant',
    ]);
    for (const { group, sample } of groups) expect(sample).toMatchObject({ states: ['TX'], mode: group.mode, paused: null });
  });

  if (name === 'sqlite memory') return;

  // The first connection brings the schema up first: two SQLite connections migrating one new file at once race (database.ts).
  beforeEach(async () => void (await store.db.ready()));

  test('two instances changing one channel at once: every change kept', async () => {
    const a = createSubscriptionStore(store.db);
    const b = createSubscriptionStore(await ready(store.second()!));
    await Promise.all(FORTY.map((code, i) => addState(i % 2 ? a : b, 'shared', code)));
    expect([...((await b.get(channelKey('discord', 'G1', 'shared')))!.states as string[])].sort()).toEqual([...FORTY].sort());
    for (const code of FORTY) expect(keys(await a.forState(code))).toEqual(['shared']);
  }, 30_000);

  test('two instances subscribing channels to one state at once: every channel is indexed', async () => {
    const a = createSubscriptionStore(store.db);
    const b = createSubscriptionStore(await ready(store.second()!));
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).put(sub(`c${i}`))));
    expect(await a.forState('TX')).toHaveLength(40);
    expect(await b.forState('TX')).toHaveLength(40);
  });
});
