import { commands } from '../../../commands';
import type { Command } from '../../../commands/command';
import {
  buildCommandPayloads,
  COMMAND_LIMITS,
  CommandPayloadError,
  registerCommands,
} from '../../../src/platforms/discord/command-payloads';
import { startDiscordApi, type DiscordApi } from '../../../stand-ins/discord-api';

const stub = (over: Partial<Command>): Command => ({
  name: 'probe',
  description: 'A probe command',
  permission: 'anyone',
  options: [],
  run: async () => ({ tone: 'info', title: 't', blocks: [] }),
  ...over,
});

/** Discord's count: names, descriptions, choice names and values of a command together. */
function characters(body: ReturnType<typeof buildCommandPayloads>[number]): number {
  let n = body.name.length + (body.description?.length ?? 0);
  for (const o of body.options ?? []) {
    n += o.name.length + o.description.length;
    for (const c of ('choices' in o ? o.choices : undefined) ?? []) n += c.name.length + String(c.value).length;
  }
  return n;
}

describe('buildCommandPayloads', () => {
  test('/agreements becomes exactly the body Discord expects: string options, state autocompletes, models are choices', () => {
    const [agreements] = buildCommandPayloads(commands.filter((c) => c.name === 'agreements'));
    expect(agreements).toEqual({
      type: 1,
      name: 'agreements',
      description: 'Active 287(g) agreements in a state (or all), newest first',
      options: [
        { type: 3, name: 'state', description: 'A state name or code, or "all"', required: true, autocomplete: true },
        {
          type: 3,
          name: 'model',
          description: 'Only one model: JEM, TFM or WSO',
          required: false,
          choices: [
            { name: 'Jail Enforcement Model', value: 'JEM' },
            { name: 'Task Force Model', value: 'TFM' },
            { name: 'Warrant Service Officer', value: 'WSO' },
          ],
        },
        { type: 3, name: 'county', description: 'Only agreements in this county', required: false },
        { type: 3, name: 'since', description: 'Only agreements signed on or after YYYY-MM-DD', required: false },
      ],
      default_member_permissions: null,
      dm_permission: false,
      contexts: [0],
      integration_types: [0],
    });
  });

  test('/webhook becomes exactly its body: an action of three choices, the rest text, preset a choice, Manage Channels by default', () => {
    const [webhook] = buildCommandPayloads(commands.filter((c) => c.name === 'webhook'));
    expect(webhook).toEqual({
      type: 1,
      name: 'webhook',
      description: "Webhook endpoints that get alerts as signed JSON (operators' channel only)",
      options: [
        {
          type: 3,
          name: 'action',
          description: 'add, remove or list',
          required: true,
          choices: [
            { name: 'add', value: 'add' },
            { name: 'remove', value: 'remove' },
            { name: 'list', value: 'list' },
          ],
        },
        { type: 3, name: 'target', description: 'The endpoint URL (add, remove) or id (remove)', required: false },
        { type: 3, name: 'states', description: 'States ("tx ok"), "all", or "totals" (add)', required: false },
        { type: 3, name: 'kinds', description: 'agreements, endings, pending, totals, corrections, facilities', required: false },
        { type: 3, name: 'models', description: 'Only these models, e.g. "tfm" (default: all)', required: false },
        {
          type: 3,
          name: 'preset',
          description: 'json (signed, default), slack or teams (their incoming webhooks)',
          required: false,
          choices: [
            { name: 'json', value: 'json' },
            { name: 'slack', value: 'slack' },
            { name: 'teams', value: 'teams' },
          ],
        },
      ],
      default_member_permissions: '16',
      dm_permission: false,
      contexts: [0],
      integration_types: [0],
    });
  });

  test('every command of the registry is within Discord limits, guild-only, and manage-channel ones need Manage Channels', () => {
    const bodies = buildCommandPayloads(commands);
    expect(bodies.map((b) => b.name)).toEqual(commands.map((c) => c.name));
    for (const [i, body] of bodies.entries()) {
      const command = commands[i];
      expect(body.name).toMatch(/^[-_\p{L}\p{N}]{1,32}$/u);
      expect(body.name).toBe(body.name.toLowerCase());
      expect(body.description!.length).toBeGreaterThan(0);
      expect(body.description!.length).toBeLessThanOrEqual(COMMAND_LIMITS.description);
      expect(body.options!.length).toBeLessThanOrEqual(COMMAND_LIMITS.options);
      expect(characters(body)).toBeLessThanOrEqual(COMMAND_LIMITS.totalCharacters);
      expect(body.contexts).toEqual([0]);
      expect(body.dm_permission).toBe(false);
      expect(body.default_member_permissions).toBe(command.permission === 'manage-channel' ? '16' : null);
      const required = body.options!.map((o) => Boolean(o.required));
      expect(required).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
      for (const o of body.options!) {
        expect(o.type).toBe(3);
        expect(o.name).toMatch(/^[-_\p{L}\p{N}]{1,32}$/u);
        expect(o.description.length).toBeLessThanOrEqual(COMMAND_LIMITS.description);
        const choices = 'choices' in o ? (o.choices ?? []) : [];
        expect(choices.length).toBeLessThanOrEqual(COMMAND_LIMITS.choices);
        if ('autocomplete' in o && o.autocomplete) expect(choices).toEqual([]);
      }
      expect(body.options!.map((o) => o.name)).toEqual(command.options.filter((o) => o.type !== 'page').map((o) => o.name));
    }
    expect(commands.some((c) => c.permission === 'manage-channel')).toBe(true);
  });

  test('mode options offer instant, daily and weekly; the internal page option is not declared', () => {
    const [body] = buildCommandPayloads([
      stub({
        options: [
          { name: 'mode', description: 'How often', type: 'mode', required: false },
          { name: 'page', description: 'Page', type: 'page', required: false },
        ],
      }),
    ]);
    expect(body.options).toEqual([
      {
        type: 3,
        name: 'mode',
        description: 'How often',
        required: false,
        choices: [
          { name: 'instant (as it happens)', value: 'instant' },
          { name: 'daily digest', value: 'daily' },
          { name: 'weekly digest', value: 'weekly' },
        ],
      },
    ]);
  });

  test.each([
    ['an upper-case name', stub({ name: 'Agreements' }), '/Agreements: name "Agreements" must be 1-32 lower-case'],
    ['a name with a space', stub({ name: 'my command' }), '/my command: name'],
    ['a 33-letter name', stub({ name: 'a'.repeat(33) }), `/${'a'.repeat(33)}: name`],
    ['an empty description', stub({ description: '' }), '/probe: description has 0 characters; Discord allows 1-100'],
    ['a 101-character description', stub({ description: 'd'.repeat(101) }), '/probe: description has 101 characters'],
    [
      'an option description over 100',
      stub({ options: [{ name: 'x', description: 'd'.repeat(101), type: 'text', required: false }] }),
      '/probe option "x": description has 101 characters',
    ],
    [
      'a required option after an optional one',
      stub({
        options: [
          { name: 'a', description: 'a', type: 'text', required: false },
          { name: 'b', description: 'b', type: 'text', required: true },
        ],
      }),
      '/probe option "b": required options must come before optional ones',
    ],
    [
      '26 options',
      stub({
        options: Array.from({ length: 26 }, (_, i) => ({ name: `o${i}`, description: 'd', type: 'text' as const, required: false })),
      }),
      '/probe: 26 options; Discord allows at most 25',
    ],
    [
      '26 choices',
      stub({
        options: [
          {
            name: 'c',
            description: 'd',
            type: 'text',
            required: false,
            choices: Array.from({ length: 26 }, (_, i) => ({ name: `n${i}`, value: `v${i}` })),
          },
        ],
      }),
      '/probe option "c": 26 choices; Discord allows at most 25',
    ],
    [
      'more than 4000 characters in all',
      stub({
        options: Array.from({ length: 25 }, (_, i) => ({
          name: `o${i}`,
          description: 'd'.repeat(100),
          type: 'text' as const,
          required: false,
          choices: Array.from({ length: 25 }, (_, j) => ({ name: `n${j}`.padEnd(50, 'n'), value: `v${j}` })),
        })),
      }),
      'characters in names, descriptions and choices; Discord allows 4000',
    ],
  ])('a command with %s is refused with an error naming it', (_what, command, message) => {
    expect(() => buildCommandPayloads([command])).toThrow(CommandPayloadError);
    expect(() => buildCommandPayloads([command])).toThrow(message);
  });

  test('the same command twice is refused', () => {
    expect(() => buildCommandPayloads([stub({}), stub({})])).toThrow('/probe is declared twice');
  });
});

describe('registerCommands against a Discord stand-in', () => {
  let api: DiscordApi;
  beforeEach(async () => {
    api = await startDiscordApi();
  });
  afterEach(() => api.close());

  test('globally: one bulk overwrite PUT of every command with the bot token, returning the count', async () => {
    const count = await registerCommands({ token: 'bot-token', appId: '42', apiUrl: api.apiUrl });
    expect(count).toBe(commands.length);
    const [put] = api.requestsTo('PUT', '/applications/42/commands');
    expect(api.requests).toHaveLength(1);
    expect(put.headers.authorization).toBe('Bot bot-token');
    expect(put.body).toEqual(buildCommandPayloads(commands));
    expect(api.registered('42')).toHaveLength(commands.length);
  });

  test('in one guild: the guild route, and nothing global', async () => {
    const count = await registerCommands({ token: 'bot-token', appId: '42', apiUrl: api.apiUrl, guildId: '7' });
    expect(count).toBe(commands.length);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /applications/42/guilds/7/commands']);
    expect(api.requests[0].body).toEqual(buildCommandPayloads(commands));
    expect(api.registered('42')).toBeUndefined();
  });

  test('an invalid definition fails before any request', async () => {
    await expect(registerCommands({ token: 't', appId: '42', apiUrl: api.apiUrl, commands: [stub({ name: 'Bad' })] })).rejects.toThrow(
      '/Bad',
    );
    expect(api.requests).toEqual([]);
  });
});
