import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { MessageFlags } from 'discord.js';
import { MALFORMED_INTERACTION_REFUSAL } from '../../../src/platforms/discord/packet-guard';
import { startDiscordApi, type DiscordApi } from '../../../stand-ins/discord-api';
import { startDiscordGateway, type DiscordGateway } from '../../../stand-ins/discord-gateway';
import { startIceSite, type IceSite } from '../../helpers/ice-site';
import { waitUntil } from '../../helpers/wait';
import { APP_ID, GUILD_ID, rawAutocomplete, rawCommand } from './harness';

const ROOT = join(__dirname, '..', '..', '..');
const TOKEN = 'malformed-packet-token';

/**
 * One malformed gateway interaction must not kill the bot (issue 13, item 4: an interaction
 * whose `member.permissions` is "abc" threw inside discord.js's packet handler and the
 * process exited). The real bot runs as a child process (`ice-watch start`, from the TypeScript
 * sources: bin/ice-watch-ts.js) logged in to the gateway stand-in; the bad packet arrives the
 * way Discord would send it, then a good command must still be answered by the same process.
 */
describe('a malformed interaction from the gateway', () => {
  let gateway: DiscordGateway;
  let api: DiscordApi;
  let site: IceSite;
  let child: ChildProcess;
  let log = '';
  let exited: number | string | null = null;

  beforeAll(async () => {
    [gateway, site] = await Promise.all([
      startDiscordGateway({ appId: APP_ID, acceptTokens: [TOKEN], guilds: [{ id: GUILD_ID, name: 'Newsroom' }] }),
      startIceSite(),
    ]);
    api = await startDiscordApi({ acceptTokens: [TOKEN], gateway: { url: gateway.url } });
    child = spawn(process.execPath, [join(ROOT, 'bin', 'ice-watch-ts.js'), 'start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        STORE_URL: 'memory://',
        LOG_LEVEL: 'info',
        DISCORD_TOKEN: TOKEN,
        DISCORD_APP_ID: APP_ID,
        DISCORD_API_URL: api.apiUrl,
        ICE_287G_PAGE_URL: site.pageUrl,
        ICE_DETENTION_PAGE_URL: site.detentionPageUrl,
        // Only the start-up polls run (on a page with no files yet).
        POLL_287G_CRON: '0 0 1 1 *',
        POLL_TOTALS_CRON: '0 0 1 1 *',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => void (log += String(c)));
    child.stderr!.on('data', (c: Buffer) => void (log += String(c)));
    child.on('exit', (code, signal) => void (exited = code ?? signal));
    await gateway.waitForReady(1, 60_000);
    // discord.js handles interactions once its client is ready (after the guilds arrived).
    await waitUntil(() => log.includes('"discord ready"') || exited !== null, 'the bot to say discord ready', 30_000);
  }, 90_000);

  afterAll(async () => {
    if (exited === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    await Promise.all([gateway.close(), api.close(), site.close()]);
  }, 30_000);

  async function callbackTo(raw: { id: string; token: string }) {
    const [callback] = await api.waitFor('POST', `/interactions/${raw.id}/${raw.token}/callback`, 1, 20_000);
    return callback.body as {
      type: number;
      data: { content?: string; flags?: number; embeds?: Array<{ title?: string }>; choices?: unknown[] };
    };
  }

  test('is refused with an ephemeral answer, and the same process answers the next command', async () => {
    expect(exited).toBeNull();
    const bad = rawCommand('status', {}, { permissions: 'abc' });
    gateway.dispatchInteraction(bad);
    const refusal = await callbackTo(bad);
    expect(refusal).toEqual({
      type: 4,
      data: { content: MALFORMED_INTERACTION_REFUSAL, flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } },
    });

    const good = rawCommand('status', {});
    gateway.dispatchInteraction(good);
    const answer = await callbackTo(good);
    expect(JSON.stringify(answer)).toMatch(/participating/i);
    expect(exited).toBeNull();
    // The same connection served both: no restart, no re-identify.
    expect(gateway.connections).toHaveLength(1);
    expect(log).toMatch(/a gateway packet discord.js could not read was dropped/);
    expect(log).toMatch(/Invalid bitfield flag or number: abc/);
  }, 60_000);

  test('a malformed autocomplete gets an empty list; the bot still answers afterwards', async () => {
    const bad = rawAutocomplete('agreements', 'state', 'tex', { permissions: '-1x' });
    gateway.dispatchInteraction(bad);
    expect(await callbackTo(bad)).toEqual({ type: 8, data: { choices: [] } });
    const good = rawAutocomplete('agreements', 'state', 'tex');
    gateway.dispatchInteraction(good);
    expect(JSON.stringify(await callbackTo(good))).toMatch(/Texas/);
    expect(exited).toBeNull();
  }, 60_000);
});
