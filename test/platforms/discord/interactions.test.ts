import type { Command } from '../../../commands/command';
import { UserError } from '../../../src/domain/user-error';
import { unexpectedErrorText } from '../../../commands/run-command';
import { GUILD_ONLY, MANAGE_CHANNEL_REFUSAL } from '../../../src/platforms/discord/interactions';
import { TONE_COLORS } from '../../../src/platforms/discord/render-reply';
import { loadSnapshot } from '../../helpers/fixtures';
import {
  APP_ID,
  BOT_CAN_POST,
  CHANNEL_ID,
  FIXTURE,
  GUILD_ID,
  MEMBER,
  MODERATOR,
  rawAutocomplete,
  rawButton,
  rawCommand,
  startHarness,
  type Harness,
} from './harness';

const ZWSP = '\u200b';
const CALLBACK = { CHANNEL_MESSAGE: 4, DEFERRED_MESSAGE: 5, DEFERRED_UPDATE: 6, UPDATE_MESSAGE: 7, AUTOCOMPLETE: 8 };
/** What discord.js adds to every message body it sends. */
const SENT = { tts: false, enforce_nonce: false };

type Body = {
  type: number;
  data: { embeds: Array<Record<string, any>>; components: any[]; flags?: number; allowed_mentions: unknown; choices?: unknown };
};

async function texasRows() {
  return (await loadSnapshot(FIXTURE, 'participating', '2025-12-12T21:00:00.000Z')).rows.filter((r) => r.stateCode === 'TX');
}

function errorBody(message: string) {
  return {
    type: CALLBACK.CHANNEL_MESSAGE,
    data: {
      ...SENT,
      embeds: [{ title: 'Sorry', color: TONE_COLORS.error, description: message }],
      components: [],
      allowed_mentions: { parse: [] },
      flags: 64,
    },
  };
}

describe('Discord slash commands through discord.js and a REST stand-in', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.api.requests.splice(0));

  test('/agreements texas answers in the channel with the fixture count, model split, newest ten and paging buttons', async () => {
    await h.dispatch(rawCommand('agreements', { state: 'texas' }));
    const tx = await texasRows();
    const by = (m: string) => tx.filter((r) => r.model === m).length;
    const pages = Math.ceil(tx.length / 10);
    const [callback] = h.api.callbacks();
    expect(h.api.requests).toHaveLength(1);
    expect(callback.query).toEqual({ with_response: 'false' });
    const body = callback.body as Body;
    const embed = body.data.embeds[0];
    expect(body).toEqual({
      type: CALLBACK.CHANNEL_MESSAGE,
      data: {
        ...SENT,
        embeds: [
          {
            title: `Texas: ${tx.length} active 287(g) agreements`,
            color: TONE_COLORS.info,
            description: embed.description,
            fields: [{ name: 'By model', value: `JEM ${by('JEM')} · TFM ${by('TFM')} · WSO ${by('WSO')}`, inline: true }],
            footer: { text: `Source: ICE ${FIXTURE}, fetched 2025-12-12 21:00 UTC` },
            // The trend chart, sent as attachment 0 of the same multipart request (test/charts covers its pixels).
            image: { url: 'attachment://agreements-texas.png' },
          },
        ],
        attachments: [{ id: '0', description: expect.stringMatching(/^Chart: Texas: active 287\(g\) agreements by model\. 250 active/) }],
        components: [
          {
            type: 1,
            components: [
              { type: 2, style: 2, label: '◀ Previous', custom_id: 'p|agreements|1|state=texas', disabled: true },
              { type: 2, style: 2, label: `page 1/${pages}`, custom_id: `i|1|${pages}`, disabled: true },
              { type: 2, style: 2, label: 'Next ▶', custom_id: 'p|agreements|2|state=texas', disabled: false },
            ],
          },
        ],
        allowed_mentions: { parse: [] },
      },
    });
    expect(callback.files.map((f) => [f.field, f.name, f.contentType])).toEqual([['files[0]', 'agreements-texas.png', 'image/png']]);
    const lines = embed.description.split('\n');
    expect(lines[0]).toBe('**Newest signings**');
    const newest = [...tx].sort((a, b) => (b.signed ?? '').localeCompare(a.signed ?? ''))[0];
    expect(lines[1]).toMatch(new RegExp(`^• \\*\\*.+\\*\\* \\(.+, Texas\\) · (JEM|TFM|WSO) · signed ${newest.signed}`));
    expect(lines.filter((l: string) => l.startsWith('• '))).toHaveLength(10);
    expect(embed.description.length).toBeLessThanOrEqual(4096);
  });

  test('clicking Next re-runs the command for page 2 and updates the same message', async () => {
    await h.dispatch(rawCommand('agreements', { state: 'texas', model: 'TFM' }));
    const first = (h.api.callbacks()[0].body as Body).data;
    const next = first.components[0].components[2].custom_id;
    expect(next).toBe('p|agreements|2|state=texas&model=TFM');
    await h.dispatch(rawButton(next, first));
    const update = h.api.callbacks()[1].body as Body;
    expect(update.type).toBe(CALLBACK.UPDATE_MESSAGE);
    expect(update.data.flags).toBeUndefined();
    expect(update.data.allowed_mentions).toEqual({ parse: [] });
    expect(update.data.embeds[0].title).toBe(first.embeds[0].title);
    expect(update.data.embeds[0].description.split('\n')[0]).toBe('**Signings, page 2**');
    expect(update.data.embeds[0].description).not.toBe(first.embeds[0].description);
    const [previous, label] = update.data.components[0].components;
    expect(previous).toEqual({
      type: 2,
      style: 2,
      label: '◀ Previous',
      custom_id: 'p|agreements|1|state=texas&model=TFM',
      disabled: false,
    });
    expect(label.label).toMatch(/^page 2\/\d+$/);
  });

  test('/agreements texs is an ephemeral "Did you mean Texas?"', async () => {
    await h.dispatch(rawCommand('agreements', { state: 'texs' }));
    expect(h.api.callbacks().map((r) => r.body)).toEqual([errorBody('Unknown state "texs". Did you mean Texas?')]);
  });

  test('autocomplete of a state offers codes and name prefixes first, "All states" for /agreements, at most 25', async () => {
    const choicesFor = async (typed: string) => {
      h.api.requests.splice(0);
      await h.dispatch(rawAutocomplete('agreements', 'state', typed));
      const body = h.api.callbacks()[0].body as { type: number; data: { choices: Array<{ name: string; value: string }> } };
      expect(body.type).toBe(CALLBACK.AUTOCOMPLETE);
      return body.data.choices;
    };
    expect(await choicesFor('tex')).toEqual([{ name: 'Texas (TX)', value: 'TX' }]);
    expect(await choicesFor('TX')).toEqual([{ name: 'Texas (TX)', value: 'TX' }]);
    expect((await choicesFor('carolina')).map((c) => c.value)).toEqual(['NC', 'SC']);
    expect(await choicesFor('texs')).toEqual([{ name: 'Texas (TX)', value: 'TX' }]);
    const empty = await choicesFor('');
    expect(empty).toHaveLength(25);
    expect(empty[0]).toEqual({ name: 'All states', value: 'all' });
    expect((await choicesFor('new')).map((c) => c.value)).toEqual(['NH', 'NJ', 'NM', 'NY']);
  });

  test('a member without Manage Channels running /subscribe is refused, ephemerally, and nothing is saved', async () => {
    await h.dispatch(rawCommand('subscribe', { states: 'tx' }, { permissions: MEMBER }));
    expect(h.api.callbacks().map((r) => r.body)).toEqual([errorBody(MANAGE_CHANNEL_REFUSAL)]);
    expect(await h.subscriptions.inWorkspace('discord', GUILD_ID)).toEqual([]);
  });

  test('a moderator subscribing where the bot lacks Embed Links is told what is missing and where', async () => {
    const noEmbeds = (BigInt(BOT_CAN_POST) & ~16384n).toString();
    await h.dispatch(rawCommand('subscribe', { states: 'tx' }, { permissions: MODERATOR, appPermissions: noEmbeds }));
    const body = h.api.callbacks()[0].body as Body;
    expect(body.data.flags).toBe(64);
    expect(body.data.embeds[0].description).toBe(
      "the bot lacks the Embed Links permission in this channel; a server admin can grant it in the channel's settings",
    );
    expect(await h.subscriptions.inWorkspace('discord', GUILD_ID)).toEqual([]);
  });

  test('a moderator subscribes the channel: a visible confirmation naming them, and the subscription saved', async () => {
    await h.dispatch(rawCommand('subscribe', { states: 'tx ok', mode: 'daily' }, { permissions: MODERATOR }));
    const body = h.api.callbacks()[0].body as Body;
    expect(body.type).toBe(CALLBACK.CHANNEL_MESSAGE);
    expect(body.data.flags).toBeUndefined();
    expect(body.data.embeds[0].description.split('\n')[0]).toBe('**A Reporter** subscribed this channel to Texas, Oklahoma.');
    const sub = await h.subscriptions.get(`discord:${GUILD_ID}:${CHANNEL_ID}`);
    expect(sub).toMatchObject({
      states: ['TX', 'OK'],
      mode: 'daily',
      createdBy: { name: 'A Reporter' },
      platform: 'discord',
      workspaceId: GUILD_ID,
    });
  });

  test('a slash command outside a server is refused', async () => {
    await h.dispatch(rawCommand('agreements', { state: 'texas' }, { guildId: null }));
    expect(h.api.callbacks().map((r) => r.body)).toEqual([errorBody(GUILD_ONLY)]);
  });

  test('a button that is not a paging id gets an ephemeral note, not a crash', async () => {
    await h.dispatch(rawButton('p|nosuchcommand|2|', {}));
    await h.dispatch(rawButton('garbage', {}));
    expect(h.api.callbacks().map((r) => r.body)).toEqual([
      errorBody('This button no longer works. Run the command again.'),
      errorBody('This button no longer works. Run the command again.'),
    ]);
  });

  test('an expired interaction is logged and the handler still resolves', async () => {
    const raw = rawCommand('agreements', { state: 'texas' });
    await expect(h.dispatch({ ...raw, token: 'expired-token' })).resolves.toBeUndefined();
    expect(
      h.logs.some((l) => l.msg === 'interaction failed' && l.command === 'agreements' && l.guild === GUILD_ID && l.channel === CHANNEL_ID),
    ).toBe(true);
  });
});

describe('Discord answers: untrusted ICE text, slow commands and failures', () => {
  let h: Harness;
  afterEach(() => h.close());

  test('an agency named "**bold** @everyone <@123>" is shown escaped and mentions nobody', async () => {
    h = await startHarness({
      seed: (rows) => {
        const tx = rows.find((r) => r.stateCode === 'TX')!;
        return [
          ...rows,
          {
            ...tx,
            agency: '**bold** @everyone <@123> Sheriff',
            agencyKey: 'bold everyone 123 sheriff',
            signed: '2025-12-31',
            county: 'Harris County',
          },
        ];
      },
    });
    await h.dispatch(rawCommand('agreements', { state: 'texas' }));
    const data = (h.api.callbacks()[0].body as Body).data;
    expect(data.allowed_mentions).toEqual({ parse: [] });
    const line = data.embeds[0].description.split('\n')[1];
    expect(line.startsWith(`• **\\*\\*bold\\*\\* @${ZWSP}everyone <${ZWSP}@${ZWSP}123> Sheriff** (Harris County, Texas) · `)).toBe(true);
    expect(data.embeds[0].description).not.toMatch(/@everyone|<@\d/);
  });

  const slow = (name: string, run: Command['run']): Command => ({ name, description: 'slow', permission: 'anyone', options: [], run });
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  test('a command slower than the defer threshold is deferred, then the original response is edited', async () => {
    h = await startHarness({
      deferAfterMs: 20,
      commands: [
        slow('slow', async () => (await wait(150), { tone: 'info', title: 'Done', blocks: [{ kind: 'text', lines: [['at last']] }] })),
      ],
    });
    const raw = rawCommand('slow', {});
    await h.dispatch(raw);
    expect(h.api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /interactions/${raw.id}/${raw.token}/callback`,
      `PATCH /webhooks/${APP_ID}/${raw.token}/messages/@original`,
    ]);
    expect(h.api.requests[0].body).toEqual({ type: CALLBACK.DEFERRED_MESSAGE, data: { flags: 0 } });
    expect(h.api.requests[1].body).toEqual({
      ...SENT,
      embeds: [{ title: 'Done', color: TONE_COLORS.info, description: 'at last' }],
      components: [],
      allowed_mentions: { parse: [] },
    });
  });

  test('a slow command that ends in a UserError replaces the public "thinking" with an ephemeral follow-up', async () => {
    h = await startHarness({
      deferAfterMs: 20,
      commands: [slow('slow', async () => (await wait(150), Promise.reject(new UserError('Nothing matches "x".'))))],
    });
    const raw = rawCommand('slow', {});
    await h.dispatch(raw);
    expect(h.api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /interactions/${raw.id}/${raw.token}/callback`,
      `DELETE /webhooks/${APP_ID}/${raw.token}/messages/@original`,
      `POST /webhooks/${APP_ID}/${raw.token}`,
    ]);
    expect(h.api.requests[2].body).toEqual({ ...SENT, ...errorBody('Nothing matches "x".').data });
  });

  test('a bug is logged with command, guild and channel; the user gets an ephemeral generic message', async () => {
    h = await startHarness({ commands: [slow('broken', async () => Promise.reject(new TypeError('x is undefined')))] });
    await h.dispatch(rawCommand('broken', {}));
    expect(h.api.callbacks().map((r) => r.body)).toEqual([errorBody(unexpectedErrorText('broken'))]);
    const entry = h.logs.find((l) => l.msg === 'command failed');
    expect(entry).toMatchObject({
      level: 50,
      command: 'broken',
      guild: GUILD_ID,
      channel: CHANNEL_ID,
      platform: 'discord',
      err: { message: 'x is undefined' },
    });
  });
});
