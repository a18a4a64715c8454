import { lineText, type Reply } from '../../src/messages/reply';
import subscribe from '../../commands/subscribe';
import subscriptions from '../../commands/subscriptions';
import unsubscribe from '../../commands/unsubscribe';
import { channelKey } from '../../src/domain/alerts/subscriptions';
import { commandWorld, type CommandWorld } from '../helpers/command-context';
import type { CommandContext } from '../../commands/command';
import { PLATFORMS } from '../../src/platforms';

const text = (reply: Reply) =>
  [
    reply.title,
    ...reply.blocks.flatMap((b) =>
      b.kind === 'text'
        ? b.lines.map(lineText)
        : b.kind === 'fields'
          ? b.fields.map((f) => `${f.name}: ${lineText(f.value)}`)
          : b.items.map(lineText),
    ),
  ].join('\n');

/** A context as its platform builds it: with the platform's own words for who may manage the channel. */
const onItsPlatform = (ctx: CommandContext): CommandContext => ({
  ...ctx,
  services: { ...ctx.services, whoMayManage: PLATFORMS[ctx.channel.platform].whoMayManage },
});

describe('/subscribe, /unsubscribe, /subscriptions', () => {
  let world: CommandWorld;
  const key = channelKey('discord', 'G1', 'C1');
  beforeEach(async () => {
    world = await commandWorld();
  });
  afterEach(() => world.close());

  test('subscribing confirms visibly, names who did it, gives current numbers, and is found by the state index', async () => {
    const reply = await subscribe.run(world.ctx(), { states: 'tx ok', models: 'tfm', mode: 'daily' });
    expect(reply).toMatchObject({ tone: 'success', announce: true });
    const t = text(reply);
    expect(t).toContain('Ana subscribed this channel to Texas, Oklahoma.');
    expect(t).toMatch(/Texas: \d+ active \(JEM \d+ · TFM \d+ · WSO \d+\), \d+ pending/);
    expect(t).toContain('Models: TFM');
    expect(t).toContain('Delivery: daily digest');
    const sub = await world.subscriptions.get(key);
    expect(sub).toMatchObject({
      states: ['TX', 'OK'],
      kinds: ['agreements', 'endings', 'pending'],
      models: ['TFM'],
      mode: 'daily',
      createdBy: { name: 'Ana' },
    });
    expect((await world.subscriptions.forState('TX')).map((s) => s.key)).toEqual([key]);
    expect(await world.subscriptions.forState('CA')).toEqual([]);
  });

  test('subscribing again updates: states are added, given settings replaced, the totals feed kept', async () => {
    await subscribe.run(world.ctx(), { states: 'texas', mode: 'weekly' });
    await subscribe.run(world.ctx(), { states: 'totals' });
    const reply = await subscribe.run(world.ctx({ user: 'Ben' }), { states: 'CA', kinds: 'endings' });
    expect(text(reply)).toContain('Ben updated: added California.');
    expect(await world.subscriptions.get(key)).toMatchObject({
      states: ['TX', 'CA'],
      kinds: ['endings', 'totals'],
      mode: 'weekly',
      createdBy: { name: 'Ana' },
      updatedBy: { name: 'Ben' },
    });
    expect((await world.subscriptions.forTotals()).map((s) => s.key)).toEqual([key]);
  });

  test('all states, and per-state lookups find it', async () => {
    await subscribe.run(world.ctx({ channelId: 'C2' }), { states: 'all' });
    await subscribe.run(world.ctx(), { states: 'tx' });
    expect((await world.subscriptions.forState('TX')).map((s) => s.channelId).sort()).toEqual(['C1', 'C2']);
    expect((await world.subscriptions.forState('GU')).map((s) => s.channelId)).toEqual(['C2']);
  });

  test('refusals: no permission, bot cannot post, unknown or near-miss state, bad kind or mode', async () => {
    await expect(subscribe.run(onItsPlatform(world.ctx({ canManage: false })), { states: 'tx' })).rejects.toThrow(
      'Only members with the Manage Channels permission',
    );
    await expect(subscribe.run(onItsPlatform(world.ctx({ platform: 'slack', canManage: false })), { states: 'tx' })).rejects.toThrow(
      'workspace admins',
    );
    await expect(subscribe.run(world.ctx({ canPost: 'The bot lacks Send Messages in #newsroom.' }), { states: 'tx' })).rejects.toThrow(
      'Send Messages',
    );
    await expect(subscribe.run(world.ctx(), { states: 'Texs' })).rejects.toThrow('Did you mean Texas?');
    await expect(subscribe.run(world.ctx(), { states: 'tx', kinds: 'everything' })).rejects.toThrow('Unknown kind');
    await expect(subscribe.run(world.ctx(), { states: 'tx', mode: 'hourly' })).rejects.toThrow('Unknown mode');
    expect(await world.subscriptions.get(key)).toBeNull();
  });

  test('a paused subscription resumes when someone subscribes again', async () => {
    await subscribe.run(world.ctx(), { states: 'tx' });
    const sub = (await world.subscriptions.get(key))!;
    await world.subscriptions.put({ ...sub, paused: { reason: 'the bot lost access to the channel', since: '2025-12-12T00:00:00Z' } });
    expect(text(await subscriptions.run(world.ctx()))).toContain('Paused: since 2025-12-12');
    const reply = await subscribe.run(world.ctx(), { states: 'tx' });
    expect(text(reply)).toContain('resumed');
    expect((await world.subscriptions.get(key))!.paused).toBeNull();
  });

  test('unsubscribing parts, then everything; what is not subscribed is said so', async () => {
    await expect(unsubscribe.run(world.ctx(), { what: 'tx' })).rejects.toThrow('This channel has no 287(g) subscription');
    await subscribe.run(world.ctx(), { states: 'tx ok nm' });
    await subscribe.run(world.ctx(), { states: 'totals' });
    expect(text(await unsubscribe.run(world.ctx(), { what: 'ok ca' }))).toContain('Ana removed Oklahoma (it did not follow California).');
    await expect(unsubscribe.run(world.ctx(), { what: 'ca' })).rejects.toThrow('This channel does not follow California.');
    await unsubscribe.run(world.ctx(), { what: 'totals' });
    await expect(unsubscribe.run(world.ctx(), { what: 'totals' })).rejects.toThrow('does not follow the national totals');
    expect(await world.subscriptions.forTotals()).toEqual([]);
    expect((await world.subscriptions.get(key))!.states).toEqual(['TX', 'NM']);
    const off = await unsubscribe.run(world.ctx(), { what: 'everything' });
    expect(off.title).toBe('287(g) alerts off for this channel');
    expect(await world.subscriptions.get(key)).toBeNull();
    expect(await world.subscriptions.forState('TX')).toEqual([]);
    expect(text(await subscriptions.run(world.ctx()))).toContain('This channel has no 287(g) subscription');
  });

  test('removing the last state of a states-only subscription deletes it', async () => {
    await subscribe.run(world.ctx(), { states: 'tx' });
    await unsubscribe.run(world.ctx(), { what: 'texas' });
    expect(await world.subscriptions.get(key)).toBeNull();
  });

  test('unsubscribing needs the same permission', async () => {
    await subscribe.run(world.ctx(), { states: 'tx' });
    await expect(unsubscribe.run(onItsPlatform(world.ctx({ canManage: false })), { what: 'everything' })).rejects.toThrow('Only members');
    expect(await world.subscriptions.get(key)).not.toBeNull();
  });
});
