import { commands } from '../commands/index';
import { cli } from './helpers/cli';
import { startDiscordApi, type DiscordApi } from '../stand-ins/discord-api';

describe('ice-watch register-commands', () => {
  let api: DiscordApi;
  const saved = { ...process.env };
  beforeEach(async () => {
    api = await startDiscordApi();
    Object.assign(process.env, { DISCORD_TOKEN: 'test-token', DISCORD_APP_ID: '4242', DISCORD_API_URL: api.apiUrl });
  });
  afterEach(async () => {
    for (const key of ['DISCORD_TOKEN', 'DISCORD_APP_ID', 'DISCORD_API_URL']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await api.close();
  });

  test('registers every command globally, or in one guild, and says where', async () => {
    const global = await cli('register-commands');
    expect(global.stdout).toMatch(new RegExp(`^Registered ${commands.length} slash commands globally`));
    expect((api.registered('4242') as Array<{ name: string }>).map((c) => c.name)).toEqual(commands.map((c) => c.name));
    const guild = await cli('register-commands', '--guild', '777', '--json');
    expect(guild.json()).toEqual({ registered: commands.length, guild: '777' });
    expect(api.registered('4242', '777')).toHaveLength(commands.length);
  });

  test('without credentials it says which settings are missing', async () => {
    delete process.env.DISCORD_TOKEN;
    const r = await cli('register-commands');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Set DISCORD_TOKEN and DISCORD_APP_ID/);
  });
});
