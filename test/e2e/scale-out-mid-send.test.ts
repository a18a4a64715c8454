/**
 * The leader SIGKILLed mid-send (issue 16): three instances share PostgreSQL, the Discord
 * stand-in holds every message post for a while (as a slow Discord would), and the leader is
 * killed while its first batch of claimed alerts is in flight. The others must deliver every
 * one of its claimed alerts within the claim (its send timeout plus margin, on the database's
 * clock) plus the lease, and none twice on Discord: the next leader finds the dead one's
 * "sending" records, sends them again with the same nonce, and Discord (the stand-in's
 * enforce_nonce) answers with the message it already created.
 *
 * Before: 13 of 174 messages never arrived and the dead instance's claims were never taken
 * over (the survivor logged "claimed by another instance" for 12 minutes).
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
const SEND_TIMEOUT_MS = 5_000;
const CLAIM_MARGIN_MS = 2_000;
/** How long a claim lasts: a dead sender's claims lapse after it. */
const CLAIM_MS = SEND_TIMEOUT_MS + CLAIM_MARGIN_MS;
/** How long the stand-in holds each message post before it answers (and creates the message). */
const DISCORD_DELAY_MS = 2_000;
const BASELINE = 'participatingAgencies05162025am.xlsx';
const NEXT = 'participatingAgencies05192025pm.xlsx';
const STATES = ['FL', 'TX', 'NC', 'GA', 'LA', 'OK', 'AL', 'AZ'];
const FAR_FUTURE = new Date(8.64e15);
const prefix = `midsend${process.pid}x${Date.now().toString(36)}:`;

const until = (check: () => Promise<boolean> | boolean, what: string, ms = 60_000) => waitUntil(check, what, ms, 50);
const nonceOf = (body: unknown) => String((body as { nonce?: string }).nonce);
const isPost = (r: { method: string; path: string }) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path);

describeWith(['postgres'])('the leader SIGKILLed mid-send, on PostgreSQL alone', () => {
  let site: IceSite;
  let discord: DiscordApi;
  let stores: Stores;
  const bots = instances(() => ({
    STORE_URL: TEST_POSTGRES_URL,
    STORE_PREFIX: prefix,
    POLL_LEASE_SECONDS: String(LEASE_SECONDS),
    ICE_287G_PAGE_URL: site.pageUrl,
    ICE_DETENTION_PAGE_URL: site.detentionPageUrl,
    DISCORD_TOKEN: 'mid-send-token',
    DISCORD_APP_ID: '4242',
    DISCORD_API_URL: discord.apiUrl,
    SCALE_OUT_SEND_TIMEOUT_MS: String(SEND_TIMEOUT_MS),
    SCALE_OUT_CLAIM_MARGIN_MS: String(CLAIM_MARGIN_MS),
  }));

  beforeAll(async () => {
    site = await startIceSite();
    // No channel buckets: what is measured is the takeover, not Discord's 5-per-5-s pacing.
    discord = await startDiscordApi({ channelBucket: null });
    stores = openStores({ url: TEST_POSTGRES_URL, prefix });
    await stores.db.ready();
  });
  afterAll(async () => {
    if (process.env.SCALE_OUT_DEBUG) process.stderr.write(`${bots.logs()}\n`);
    bots.killAll();
    await Promise.all([stores?.close(), site?.close(), discord?.close()]);
    await dropSchemaOfPrefix(TEST_POSTGRES_URL, prefix);
  });

  test('the others deliver every alert the dead leader had claimed, within the claim and the lease, none twice on Discord', async () => {
    const channel = (i: number) => `14100000000000001${String(i).padStart(2, '0')}`;
    const subs = [
      ...STATES.map((s, i) => subscription(channel(i), [s])),
      subscription(channel(90), 'all'),
      subscription(channel(91), 'all'),
    ];
    for (const s of subs) await stores.subscriptions.put(s);
    const leases = createDbLeases(stores.db);

    site.publish({ participating: { file: fixturePath(BASELINE), form: 'doclib' } });
    await Promise.all([0, 1, 2].map((n) => bots.start(n)));
    await until(async () => (await stores.snapshots.getState('participating')) !== null, 'the baseline');

    // Every post is held DISCORD_DELAY_MS: the leader's first batch is in flight when it is killed.
    for (const s of subs) discord.faultChannel(s.channelId, { kind: 'delay', ms: DISCORD_DELAY_MS });
    site.publish({ participating: { file: fixturePath(NEXT), form: 'doclib' } });
    const want = await expectedPerChannel(BASELINE, NEXT, subs);
    const total = [...want.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(10);

    await until(() => discord.requests.some(isPost), 'the first alert post');
    await new Promise((r) => setTimeout(r, 200)); // the rest of its batch
    const leader = bots.byId(await leases.holder(POLL_LEASE));
    expect(leader).toBeDefined();
    leader!.child.kill('SIGKILL');
    const killedAt = Date.now();
    const inFlight = discord.requests.filter(isPost).map((r) => nonceOf(r.body));
    expect(inFlight.length).toBeGreaterThan(0);
    // What the dead leader had claimed and begun to send, as the database says (record before send).
    const begun = (await stores.outbox.due(FAR_FUTURE, 1000)).filter((e) => e.sendingSince);
    expect(begun.length).toBeGreaterThan(0);
    discord.clearFaults(); // the next leader's posts are answered at once

    // Within the claim (it lapses on the database's clock) plus the lease (another instance leads), plus a margin for a loaded machine.
    const bound = CLAIM_MS + LEASE_SECONDS * 1000 + 10_000;
    await until(
      async () => {
        const now = await Promise.all(begun.map((e) => stores.outbox.get(e.id)));
        return now.every((e) => e?.status === 'sent');
      },
      'every alert the dead leader had begun to send, recorded sent',
      bound,
    );
    const tookMs = Date.now() - killedAt;
    await until(() => discord.messages().length >= total, `${total} messages`, bound);
    await until(async () => (await stores.outbox.depth()).pending === 0, 'the outbox to empty');

    const messages = discord.messages();
    const nonces = messages.map((m) => nonceOf(m.body));
    // None twice: one message per nonce, each channel exactly its alerts.
    expect(new Set(nonces).size).toBe(nonces.length);
    const perChannel = new Map<string, number>();
    for (const m of messages) perChannel.set(m.channelId, (perChannel.get(m.channelId) ?? 0) + 1);
    expect(perChannel).toEqual(new Map([...want].filter(([, n]) => n > 0)));
    // Every post in flight at the kill became exactly one message...
    for (const n of inFlight) expect(nonces.filter((x) => x === n)).toHaveLength(1);
    // ...and the next leader did send some of them again (the window was exercised), which Discord dropped by nonce.
    expect(discord.duplicates.map((r) => nonceOf(r.body)).some((n) => inFlight.includes(n))).toBe(true);
    expect(await stores.outbox.deadLetters(10)).toEqual([]);
    expect(tookMs).toBeLessThanOrEqual(bound);
    if (process.env.SCALE_OUT_DEBUG)
      process.stderr.write(`in flight at the kill: ${inFlight.length}; all recorded sent ${tookMs} ms after it\n`);

    for (const { child } of bots.all.values()) if (child !== leader!.child) child.kill('SIGTERM');
  });
});
