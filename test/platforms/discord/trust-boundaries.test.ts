/**
 * Trust boundaries of the Discord side (issue 7): a member without Manage Channels cannot
 * change a channel's subscriptions by any interaction a client can send: a slash command
 * whatever other permissions it carries, /unsubscribe, or a forged paging button naming a
 * manage-channel command. The interaction's own `member.permissions` (which Discord computes
 * for the channel) is all that counts; nothing the command's options say can widen it.
 *
 * Covered elsewhere: /subscribe from a MEMBER (interactions.test.ts), escaped hostile agency
 * names and `allowed_mentions` none in answers and alerts (interactions.test.ts,
 * render-reply.test.ts, alert-sender.test.ts), and, as properties, test/platforms/untrusted-text.property.test.ts.
 */
import fc from 'fast-check';
import { PermissionFlagsBits } from 'discord.js';
import { channelKey } from '../../../src/domain/alerts/subscriptions';
import { MANAGE_CHANNEL_REFUSAL } from '../../../src/platforms/discord/interactions';
import { CHANNEL_ID, GUILD_ID, MEMBER, MODERATOR, rawButton, rawCommand, startHarness, type Harness } from './harness';

type Body = { type: number; data: { embeds: Array<{ description?: string }>; flags?: number; allowed_mentions: unknown } };

const KEY = channelKey('discord', GUILD_ID, CHANNEL_ID);
/** Every permission bit Discord defines except the two that allow managing channels. */
const ALL_BITS = Object.values(PermissionFlagsBits).reduce((a, b) => a | b, 0n);
const NOT_MANAGING = ALL_BITS & ~PermissionFlagsBits.ManageChannels & ~PermissionFlagsBits.Administrator;

describe('Discord: only members with Manage Channels change subscriptions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    h.api.requests.splice(0);
    await h.subscriptions.delete(KEY);
  });

  /** The one answer Discord was sent, when it is the private refusal. */
  const refused = () => {
    const bodies = h.api.callbacks().map((c) => c.body as Body);
    expect(bodies).toHaveLength(1);
    expect(bodies[0].data.flags).toBe(64);
    expect(bodies[0].data.embeds[0].description).toBe(MANAGE_CHANNEL_REFUSAL);
    return true;
  };

  test('any permission set without Manage Channels (or Administrator) is refused /subscribe, and nothing is saved', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 0n, max: ALL_BITS }).map((bits) => bits & NOT_MANAGING),
        async (bits) => {
          h.api.requests.splice(0);
          await h.dispatch(rawCommand('subscribe', { states: 'tx', mode: 'daily' }, { permissions: bits.toString() }));
          expect(refused()).toBe(true);
          expect(await h.subscriptions.get(KEY)).toBeNull();
        },
      ),
      { numRuns: 25 },
    );
  });

  test('a raw interaction with no member permissions at all is refused', async () => {
    const raw = rawCommand('subscribe', { states: 'all' });
    const member = { ...(raw as { member: Record<string, unknown> }).member };
    delete member.permissions;
    await h.dispatch({ ...raw, member });
    expect(refused()).toBe(true);
    expect(await h.subscriptions.get(KEY)).toBeNull();
  });

  test('/unsubscribe from a member is refused and the channel keeps its subscription', async () => {
    await h.dispatch(rawCommand('subscribe', { states: 'tx ok' }, { permissions: MODERATOR }));
    const before = await h.subscriptions.get(KEY);
    expect(before).toMatchObject({ states: ['TX', 'OK'] });
    h.api.requests.splice(0);
    await h.dispatch(rawCommand('unsubscribe', { states: 'everything' }, { permissions: MEMBER }));
    expect(refused()).toBe(true);
    expect(await h.subscriptions.get(KEY)).toEqual(before);
  });

  test('a forged paging button that names /subscribe or /unsubscribe is refused like the command', async () => {
    await h.dispatch(rawButton('p|subscribe|1|states=all&kinds=totals', {}, { permissions: MEMBER }));
    expect(refused()).toBe(true);
    expect(await h.subscriptions.get(KEY)).toBeNull();

    await h.dispatch(rawCommand('subscribe', { states: 'fl' }, { permissions: MODERATOR }));
    const saved = await h.subscriptions.get(KEY);
    h.api.requests.splice(0);
    await h.dispatch(rawButton('p|unsubscribe|1|states=everything', {}, { permissions: MEMBER }));
    expect(refused()).toBe(true);
    expect(await h.subscriptions.get(KEY)).toEqual(saved);
  });

  test('the same forged button from a moderator runs (the refusal is the permission, not the button)', async () => {
    await h.dispatch(rawButton('p|subscribe|1|states=tx', {}, { permissions: MODERATOR }));
    expect(await h.subscriptions.get(KEY)).toMatchObject({ states: ['TX'] });
  });
});
