/**
 * Scale-out, end to end: three bot processes share PostgreSQL (STORE_URL, nothing else: no
 * Redis) with the ICE site and Discord stand-ins on loopback. Each publication must be polled
 * by one process only (the leader: the holder of the lease row), each planned alert must land
 * on the Discord stand-in exactly once (the leader sends), and when the leader is SIGKILLed
 * another process takes over within the lease time and the next publication's alerts all
 * arrive, nothing lost.
 */
import { POLL_LEASE } from '../../src/coordination/poll-lease';
import { createDbLeases } from '../../src/store/leases';
import { openStores, type Stores } from '../../src/store/open-stores';
import { startDiscordApi, type DiscordApi } from '../../stand-ins/discord-api';
import { dropSchemaOfPrefix, TEST_POSTGRES_URL } from '../../stand-ins/store-servers';
import { fixturePath } from '../helpers/fixtures';
import { startIceSite, type IceSite } from '../helpers/ice-site';
import { describeWith } from '../helpers/services';
import { waitUntil } from '../helpers/wait';
import { discordSubscription as subscription, expectedPerChannel, instances } from './scale-out-instances';

jest.setTimeout(180_000);

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

describeWith(['postgres'])('three instances on PostgreSQL alone', () => {
  let site: IceSite;
  let discord: DiscordApi;
  let stores: Stores;
  const bots = instances(() => ({
    STORE_URL: TEST_POSTGRES_URL,
    STORE_PREFIX: prefix,
    POLL_LEASE_SECONDS: String(LEASE_SECONDS),
    ICE_287G_PAGE_URL: site.pageUrl,
    ICE_DETENTION_PAGE_URL: site.detentionPageUrl,
    DISCORD_TOKEN: 'scale-out-token',
    DISCORD_APP_ID: '4242',
    DISCORD_API_URL: discord.apiUrl,
  }));

  beforeAll(async () => {
    site = await startIceSite();
    discord = await startDiscordApi();
    stores = openStores({ url: TEST_POSTGRES_URL, prefix });
    await stores.db.ready();
  });
  afterAll(async () => {
    if (process.env.SCALE_OUT_DEBUG) {
      process.stderr.write(`${bots.logs()}
messages: ${discord.messages().length}, requests: ${discord.requests?.length}\n`);
    }
    bots.killAll();
    await Promise.all([stores?.close(), site?.close(), discord?.close()]);
    await dropSchemaOfPrefix(TEST_POSTGRES_URL, prefix);
  });

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
    for (const s of subs) await stores.subscriptions.put(s);
    const { snapshots, outbox } = stores;
    const leases = createDbLeases(stores.db);

    const first = site.publish({ participating: { file: fixturePath(PUBLICATIONS[0]!), form: 'doclib' } });
    await Promise.all([0, 1, 2].map((n) => bots.start(n)));
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
    const holder = await leases.holder(POLL_LEASE);
    const victim = bots.byId(holder);
    expect(victim).toBeDefined();
    victim!.child.kill('SIGKILL');
    const killedAt = Date.now();
    await until(
      async () => {
        const now = await leases.holder(POLL_LEASE);
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

    for (const { child } of bots.all.values()) if (child !== victim!.child) child.kill('SIGTERM');
  });
});
