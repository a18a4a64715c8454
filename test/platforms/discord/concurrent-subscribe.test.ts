/**
 * Concurrent /subscribe through the Discord path (issue 13, item 1): raw interactions through
 * discord.js and the interaction handler, on SQLite and PostgreSQL. Before subscriptions
 * changed under a per-channel lock, 40 at once in one channel kept one state and all 40
 * replies said it worked; a `tx` and an `ok` at once kept one of the two in every channel.
 */
import { STATES } from '../../../src/domain/states';
import { channelKey } from '../../../src/domain/alerts/subscriptions';
import { DATABASES, type DatabaseUnderTest, describeEachDatabase } from '../../helpers/databases';
import { CHANNEL_ID, GUILD_ID, MODERATOR, rawCommand, startHarness, type Harness } from './harness';

const ENGINES = DATABASES.filter(([name]) => name === 'sqlite file' || name === 'postgres');
const FORTY = STATES.slice(0, 40);

type Body = {
  type: number;
  data: { embeds: Array<{ title: string; description: string; fields?: Array<{ name: string; value: string }> }>; flags?: number };
};

describeEachDatabase(ENGINES)('concurrent Discord /subscribe on %s', (_name, backend) => {
  let store: DatabaseUnderTest;
  let h: Harness;
  beforeEach(async () => {
    store = await backend();
    // Never deferred: every answer is the interaction callback itself (the stand-in has no 3 s limit).
    h = await startHarness({ db: store.db, deferAfterMs: 60_000 });
  });
  afterEach(async () => {
    await h.close();
    await store.cleanup();
  });

  test('40 moderators subscribing one channel to 40 states at once: all 40 stored, indexed, and each reply lists only stored states', async () => {
    await Promise.all(FORTY.map((s) => h.dispatch(rawCommand('subscribe', { states: s.code }, { permissions: MODERATOR }))));

    const sub = await h.subscriptions.get(channelKey('discord', GUILD_ID, CHANNEL_ID));
    expect([...(sub!.states as string[])].sort()).toEqual(FORTY.map((s) => s.code).sort());
    for (const s of FORTY) expect((await h.subscriptions.forState(s.code)).map((x) => x.channelId)).toEqual([CHANNEL_ID]);

    const bodies = h.api.callbacks().map((c) => c.body as Body);
    expect(bodies).toHaveLength(40);
    // Exactly one reply turned alerts on; the others each found the channel subscribed and added to it.
    expect(bodies.filter((b) => b.data.embeds[0]!.title === '287(g) alerts on for this channel')).toHaveLength(1);
    expect(bodies.filter((b) => b.data.embeds[0]!.title === '287(g) alerts updated for this channel')).toHaveLength(39);
    // Each reply's States field is what was stored when it ran: its own state is in it, and the
    // lists grow one state at a time (1, 2, ..., 40), as 40 changes in a row do.
    const listed = bodies.map((b) => b.data.embeds[0]!.fields!.find((f) => f.name === 'States')!.value.split(', '));
    expect(listed.map((l) => l.length).sort((a, b) => a - b)).toEqual(FORTY.map((_, i) => i + 1));
    bodies.forEach((b, i) => {
      const own = FORTY.find((s) => b.data.embeds[0]!.description.includes(` ${s.name}.`));
      expect(own).toBeDefined();
      expect(listed[i]).toContain(own!.name);
    });
  }, 60_000);

  test('a /subscribe tx and a /subscribe ok at once in each of 20 channels: every channel keeps both', async () => {
    const channels = Array.from({ length: 20 }, (_, i) => String(1_300_000_000_000_000_000n + BigInt(i)));
    await Promise.all(
      channels.flatMap((channelId) =>
        ['tx', 'ok'].map((states) => h.dispatch(rawCommand('subscribe', { states }, { permissions: MODERATOR, channelId }))),
      ),
    );
    for (const channelId of channels) {
      expect((await h.subscriptions.get(channelKey('discord', GUILD_ID, channelId)))?.states).toEqual(expect.arrayContaining(['TX', 'OK']));
    }
    expect((await h.subscriptions.forState('TX')).map((s) => s.channelId).sort()).toEqual([...channels].sort());
    expect((await h.subscriptions.forState('OK')).map((s) => s.channelId).sort()).toEqual([...channels].sort());
  }, 60_000);

  test('subscribe and unsubscribe sent in quick succession end in the state of the last command', async () => {
    const sequence: Array<[string, Record<string, string>]> = [
      ['subscribe', { states: 'tx' }],
      ['unsubscribe', { what: 'tx' }],
      ['subscribe', { states: 'tx ok' }],
      ['unsubscribe', { what: 'ok' }],
      ['subscribe', { states: 'fl' }],
      ['unsubscribe', { what: 'everything' }],
      ['subscribe', { states: 'ca' }],
    ];
    // Sent without waiting for one another, in this order, as a quick hand would.
    await Promise.all(sequence.map(([name, options]) => h.dispatch(rawCommand(name, options, { permissions: MODERATOR }))));
    expect((await h.subscriptions.get(channelKey('discord', GUILD_ID, CHANNEL_ID)))?.states).toEqual(['CA']);
    expect(h.api.callbacks().map((c) => (c.body as Body).data.flags)).toEqual(Array(sequence.length).fill(undefined)); // no command was refused
    for (const code of ['TX', 'OK', 'FL']) expect(await h.subscriptions.forState(code)).toEqual([]);
  }, 60_000);
});
