import type { Command, CommandContext } from '../../../commands/command';
import { ARCHIVED_SENTENCE, DIRECT_MESSAGE_SENTENCE, INVITE_SENTENCE } from '../../../src/platforms/slack/slack-access';
import { startHarness, textsOf, type Harness } from './harness';

/** A channel-changing command like /subscribe: asks whether the bot can post, then confirms for the channel. */
const contexts: CommandContext[] = [];
const guard: Command = {
  name: 'guard',
  description: 'changes the channel',
  permission: 'manage-channel',
  options: [],
  async run(ctx) {
    contexts.push(ctx);
    const problem = await ctx.services.checkCanPost(ctx.channel.channelId);
    if (problem) return { tone: 'error', title: 'Cannot subscribe', blocks: [{ kind: 'text', lines: [[problem]] }], ephemeral: true };
    return {
      tone: 'success',
      title: 'Subscribed',
      blocks: [{ kind: 'text', lines: [[`#${ctx.channel.channelName} follows Texas, set by ${ctx.user.name}`]] }],
      announce: true,
    };
  },
};
const boom: Command = {
  name: 'boom',
  description: 'fails',
  permission: 'anyone',
  options: [],
  async run() {
    throw new Error('kaboom');
  },
};

beforeEach(() => {
  contexts.length = 0;
});

describe('Slack commands that change a channel, by default (any member may)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ extraCommands: [guard, boom] });
  });
  afterAll(async () => {
    await h.close();
  });

  test('a member runs it; the context names the Slack team, channel and user; the confirmation is posted in the channel', async () => {
    const body = await (await h.slash('/guard', '')).answer();
    expect(body.response_type).toBe('in_channel');
    expect(textsOf(body.blocks)).toContain('#alerts follows Texas, set by reporter');
    expect(contexts[0].channel).toEqual({ platform: 'slack', workspaceId: 'T0TEST', channelId: 'C0ALERTS', channelName: 'alerts' });
    expect(contexts[0].user).toEqual({ id: 'U0ASKER', name: 'reporter', canManageChannel: true });
    expect(h.slack.callsTo('users.info')).toEqual([]);
    expect(h.slack.callsTo('conversations.info').at(-1)!.params).toMatchObject({ channel: 'C0ALERTS' });
  });

  test.each([
    ['the bot is not a member', () => ({ ok: true, channel: { id: 'C0ALERTS', is_member: false, is_archived: false } }), INVITE_SENTENCE],
    ['the channel is private and the bot is not in it', () => ({ ok: false, error: 'channel_not_found' }), INVITE_SENTENCE],
    ['the channel is archived', () => ({ ok: true, channel: { id: 'C0ALERTS', is_member: true, is_archived: true } }), ARCHIVED_SENTENCE],
  ])('when %s, checkCanPost tells the user what to do', async (_name, answer, sentence) => {
    h.slack.on('conversations.info', answer);
    try {
      const body = await (await h.slash('/guard', '')).answer();
      expect(body.response_type).toBe('ephemeral');
      expect(textsOf(body.blocks)).toContain(sentence);
    } finally {
      h.slack.on('conversations.info', (p) => ({ ok: true, channel: { id: p.channel, is_member: true, is_archived: false } }));
    }
  });

  test('a direct message is no channel to subscribe, and Slack is not asked about it', async () => {
    const asked = h.slack.callsTo('conversations.info').length;
    const body = await (await h.slash('/guard', '', { channel_id: 'D0DM', channel_name: 'directmessage' })).answer();
    expect(textsOf(body.blocks)).toContain(DIRECT_MESSAGE_SENTENCE);
    expect(h.slack.callsTo('conversations.info')).toHaveLength(asked);
  });

  test("/subscribe tx ok models:tfm daily saves the channel's subscription and confirms it in the channel, naming who", async () => {
    const body = await (await h.slash('/subscribe', 'tx ok models:tfm daily')).answer();
    expect(body.response_type).toBe('in_channel');
    expect(textsOf(body.blocks)[1]).toMatch(/^\*reporter\* subscribed this channel to Texas, Oklahoma\.$/);
    const sub = await h.services.subscriptions.get('slack:T0TEST:C0ALERTS');
    expect(sub).toMatchObject({
      platform: 'slack',
      workspaceId: 'T0TEST',
      channelId: 'C0ALERTS',
      channelName: 'alerts',
      states: ['TX', 'OK'],
      models: ['TFM'],
      mode: 'daily',
      createdBy: { id: 'U0ASKER', name: 'reporter' },
    });
  });

  test('/subscribe where the bot was not invited says how to invite it and saves nothing', async () => {
    h.slack.on('conversations.info', () => ({ ok: false, error: 'channel_not_found' }));
    try {
      const body = await (await h.slash('/subscribe', 'fl', { channel_id: 'C0PRIVATE', channel_name: 'privategroup' })).answer();
      expect(body.response_type).toBe('ephemeral');
      expect(textsOf(body.blocks)).toContain(INVITE_SENTENCE);
      expect(await h.services.subscriptions.get('slack:T0TEST:C0PRIVATE')).toBeNull();
    } finally {
      h.slack.on('conversations.info', (p) => ({ ok: true, channel: { id: p.channel, is_member: true, is_archived: false } }));
    }
  });

  test('an unexpected error is logged with its context and the user gets a short generic message', async () => {
    const body = await (await h.slash('/boom', '')).answer();
    expect(body.response_type).toBe('ephemeral');
    expect(textsOf(body.blocks)).toContain('Something went wrong answering /boom. It has been logged; please try again later.');
    const line = h.logs.find((l) => l.msg === 'command failed');
    expect(line).toMatchObject({
      level: 50,
      platform: 'slack',
      command: 'boom',
      team: 'T0TEST',
      channel: 'C0ALERTS',
      user: 'U0ASKER',
      err: { message: 'kaboom' },
    });
  });

  test('a button that is not ours (or from an old version) gets a private note, not an error', async () => {
    const { res, answer } = await h.click('page_next', '{"command":"gone","args":{},"page":2}');
    expect(res.status).toBe(200);
    expect(await answer()).toEqual({
      response_type: 'ephemeral',
      replace_original: false,
      text: 'This button no longer works. Run the command again.',
    });
  });
});

describe('Slack commands that change a channel, with SLACK_ADMINS_ONLY', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ adminsOnly: true, extraCommands: [guard] });
    h.slack.on('users.info', (p) => ({
      ok: true,
      user: { id: p.user, name: String(p.user), is_admin: p.user === 'U0ADMIN', is_owner: false },
    }));
  });
  afterAll(async () => {
    await h.close();
  });

  test('a member who is no admin is refused privately and the command does not run', async () => {
    const body = await (await h.slash('/guard', '')).answer();
    expect(body.response_type).toBe('ephemeral');
    expect(textsOf(body.blocks)).toContain('Only workspace admins and owners may use /guard in this workspace.');
    expect(contexts).toEqual([]);
    expect(h.slack.callsTo('users.info').at(-1)!.params).toMatchObject({ user: 'U0ASKER' });
  });

  test('an admin may', async () => {
    const body = await (await h.slash('/guard', '', { user_id: 'U0ADMIN', user_name: 'editor' })).answer();
    expect(body.response_type).toBe('in_channel');
    expect(contexts[0].user).toEqual({ id: 'U0ADMIN', name: 'editor', canManageChannel: true });
  });

  test('/subscribe from a member who is no admin is refused and saves nothing', async () => {
    const body = await (await h.slash('/subscribe', 'tx')).answer();
    expect(body.response_type).toBe('ephemeral');
    expect(textsOf(body.blocks)).toContain('Only workspace admins and owners may use /subscribe in this workspace.');
    expect(await h.services.subscriptions.get('slack:T0TEST:C0ALERTS')).toBeNull();
  });

  test('lookups stay open to everyone', async () => {
    const body = await (await h.slash('/agreements', 'tx')).answer();
    expect(body.response_type).toBe('in_channel');
    expect(body.blocks[0].text.text).toMatch(/^Texas: \d+ active 287\(g\) agreements$/);
  });
});
