/**
 * Scale-out, end to end: three bot processes share PostgreSQL (STORE_URL) and Redis
 * (REDIS_URL) with the ICE site and Discord stand-ins on loopback. Each publication must be
 * polled by one process only (the poll-lease holder), each planned alert must land on the
 * Discord stand-in exactly once (the shared BullMQ queue, worked by all three), and when the
 * lease holder is SIGKILLed another process takes over within the lease time and the next
 * publication's alerts all arrive, nothing lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { channelKey, type Subscription } from '../../src/domain/alerts/subscriptions';
import { openDatabase, type StoreDb } from '../../src/store/db/database';
import { createKeyvFactory, type KeyvFactory } from '../../src/store/keyv-factory';
import { createOutboxStore } from '../../src/store/outbox-store';
import { createSnapshotStore } from '../../src/store/snapshot-store';
import { createSubscriptionStore } from '../../src/store/subscription-store';
import { startDiscordApi, type DiscordApi } from '../../stand-ins/discord-api';
import { alertsBetween, fixturePath } from '../helpers/fixtures';
import { startIceSite, type IceSite } from '../helpers/ice-site';
import { waitUntil } from '../helpers/wait';
import { describeWith } from '../helpers/services';
import { openKeyValueStores } from '../../src/store/key-value';
import { dropSchemaOfPrefix } from '../../stand-ins/store-servers';
import { deleteByPrefix, TEST_POSTGRES_URL, TEST_REDIS_URL } from '../helpers/store-backends';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');
const LEASE_SECONDS = 3;
const PUBLICATIONS = [
  'participatingAgencies05162025am.xlsx',
  'participatingAgencies05192025pm.xlsx',
  'participatingAgencies05292025am.xlsx',
];
const STATES = ['FL', 'TX', 'NC', 'GA', 'LA', 'OK', 'AL', 'AZ'];
const prefix = `scale${process.pid}x${Date.now().toString(36)}:`;

/** Other processes are slower to act than this one: a minute by default. */
const until = (check: () => Promise<boolean> | boolean, what: string, ms = 60_000) => waitUntil(check, what, ms, 100);

function subscription(channelId: string, states: string[] | 'all'): Subscription {
  const who = { id: 'U1', name: 'Editor' };
  const at = new Date().toISOString();
  return {
    key: channelKey('discord', 'G1', channelId),
    platform: 'discord',
    workspaceId: 'G1',
    channelId,
    channelName: channelId,
    states,
    kinds: ['agreements', 'endings', 'pending'],
    models: null,
    mode: 'instant',
    createdBy: who,
    createdAt: at,
    updatedBy: who,
    updatedAt: at,
    paused: null,
  };
}

/** Messages each channel should get for the step from publication a to b: one per state alert it follows. */
async function expectedPerChannel(a: string, b: string, subs: Subscription[]): Promise<Map<string, number>> {
  // Corrected SIGNED dates go only to channels that ask for corrections; these do not.
  const alerts = await alertsBetween(a, b, { leaveOut: ['agreement.corrected'] });
  return new Map(subs.map((s) => [s.channelId, alerts.filter((al) => s.states === 'all' || s.states.includes(al.stateCode ?? '')).length]));
}

describeWith(['postgres', 'redis'])('three instances on PostgreSQL and Redis', () => {
  let site: IceSite;
  let discord: DiscordApi;
  let store: KeyvFactory;
  let coordination: KeyvFactory;
  /** The relational database the instances share (STORE_URL, STORE_PREFIX), for the stores already moved to it. */
  let db: StoreDb;
  const children = new Map<number, { child: ChildProcess; name: string; stderr: string[] }>();

  beforeAll(async () => {
    site = await startIceSite();
    discord = await startDiscordApi();
    store = createKeyvFactory(TEST_POSTGRES_URL, { prefix });
    db = openDatabase(TEST_POSTGRES_URL, { prefix });
    coordination = createKeyvFactory(TEST_REDIS_URL, { prefix: `${prefix}coordination:` });
    await Promise.all([store.ready(), db.ready(), coordination.ready()]);
  });
  afterAll(async () => {
    if (process.env.SCALE_OUT_DEBUG) {
      for (const { name, stderr } of children.values()) process.stderr.write(`--- ${name}\n${stderr.join('').slice(-3000)}\n`);
      process.stderr.write(`messages: ${discord.messages().length}, requests: ${discord.requests?.length}\n`);
    }
    for (const { child } of children.values()) child.kill('SIGKILL');
    await Promise.all([store?.close(), db?.close(), coordination?.close(), site?.close(), discord?.close()]);
    await deleteByPrefix(TEST_POSTGRES_URL, prefix);
    await deleteByPrefix(TEST_REDIS_URL, prefix);
    await dropSchemaOfPrefix(TEST_POSTGRES_URL, prefix);
  });

  function startInstance(n: number): Promise<string> {
    const keep = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'run-ts.js'), join(__dirname, 'scale-out-child.ts')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...keep,
        STORE_URL: TEST_POSTGRES_URL,
        STORE_PREFIX: prefix,
        REDIS_URL: TEST_REDIS_URL,
        POLL_LEASE_SECONDS: String(LEASE_SECONDS),
        ICE_287G_PAGE_URL: site.pageUrl,
        ICE_DETENTION_PAGE_URL: site.detentionPageUrl,
        DISCORD_TOKEN: 'scale-out-token',
        DISCORD_APP_ID: '4242',
        DISCORD_API_URL: discord.apiUrl,
        FETCH_USER_AGENT: `ice-watch-instance-${n}`,
        LOG_LEVEL: 'warn',
      },
    });
    const stderr: string[] = [];
    child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
    children.set(child.pid!, { child, name: `instance-${n}`, stderr });
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        const m = /READY (\S+)/.exec(d.toString());
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`instance-${n} exited (${code}) before it was ready: ${stderr.join('')}`)));
    });
  }

  const fileUserAgents = (path: string) => new Set(site.requestsTo(path).map((r) => String(r.headers['user-agent'])));
  const perChannel = () => {
    const counts = new Map<string, number>();
    for (const m of discord.messages()) counts.set(m.channelId, (counts.get(m.channelId) ?? 0) + 1);
    return counts;
  };

  test('one poller per publication, every alert exactly once, and a takeover within the lease time after a SIGKILL', async () => {
    // Discord channel ids are snowflakes: one channel per state, and two that follow every state.
    const channel = (i: number) => `14000000000000001${String(i).padStart(2, '0')}`;
    const subs = [
      ...STATES.map((s, i) => subscription(channel(i), [s])),
      subscription(channel(90), 'all'),
      subscription(channel(91), 'all'),
    ];
    const subscriptions = createSubscriptionStore(db);
    for (const s of subs) await subscriptions.put(s);
    const snapshots = createSnapshotStore(db, openKeyValueStores('memory://'));
    const outbox = createOutboxStore(db);

    const first = site.publish({ participating: { file: fixturePath(PUBLICATIONS[0]!), form: 'doclib' } });
    await Promise.all([0, 1, 2].map(startInstance));
    await until(async () => (await snapshots.getState('participating')) !== null, 'the baseline');

    // Publication 2: alerts for the subscribed states, each exactly once.
    const second = site.publish({ participating: { file: fixturePath(PUBLICATIONS[1]!), form: 'doclib' } });
    const want2 = await expectedPerChannel(PUBLICATIONS[0]!, PUBLICATIONS[1]!, subs);
    const total2 = [...want2.values()].reduce((a, b) => a + b, 0);
    expect(total2).toBeGreaterThan(10);
    await until(() => discord.messages().length >= total2, `${total2} messages for publication 2`);
    await until(async () => (await outbox.depth()).pending === 0, 'the outbox to empty');
    expect(perChannel()).toEqual(new Map([...want2].filter(([, n]) => n > 0)));

    // Exactly one process fetched each file.
    expect(fileUserAgents(first.participating!).size).toBe(1);
    expect(fileUserAgents(second.participating!)).toEqual(fileUserAgents(first.participating!));

    // SIGKILL the poller; another takes the lease within the lease time (plus one renewal tick).
    const holder = await coordination.leases.holder('poll-lease');
    expect(holder).not.toBeNull();
    const pid = Number(holder!.split(':').at(-2));
    const victim = children.get(pid);
    expect(victim).toBeDefined();
    victim!.child.kill('SIGKILL');
    const killedAt = Date.now();
    await until(
      async () => {
        const now = await coordination.leases.holder('poll-lease');
        return now !== null && now !== holder;
      },
      'another instance to take the poll lease',
      LEASE_SECONDS * 1000 * 4,
    );
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThanOrEqual(LEASE_SECONDS * 1000 + (LEASE_SECONDS * 1000) / 3 + 1_500);

    // Publication 3, polled by the new holder; its alerts all arrive, once.
    const third = site.publish({ participating: { file: fixturePath(PUBLICATIONS[2]!), form: 'doclib' } });
    const want3 = await expectedPerChannel(PUBLICATIONS[1]!, PUBLICATIONS[2]!, subs);
    const total3 = [...want3.values()].reduce((a, b) => a + b, 0);
    expect(total3).toBeGreaterThan(0);
    await until(() => discord.messages().length >= total2 + total3, `${total3} messages for publication 3`);
    await until(async () => (await outbox.depth()).pending === 0, 'the outbox to empty');
    const both = new Map([...want2].map(([c, n]) => [c, n + (want3.get(c) ?? 0)] as [string, number]).filter(([, n]) => n > 0));
    expect(perChannel()).toEqual(both);
    expect(fileUserAgents(third.participating!).size).toBe(1);
    expect(fileUserAgents(third.participating!)).not.toEqual(fileUserAgents(first.participating!));
    expect(await outbox.deadLetters(10)).toEqual([]);

    for (const [p, { child }] of children) if (p !== pid) child.kill('SIGTERM');
  });
});
