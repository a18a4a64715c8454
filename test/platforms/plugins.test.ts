import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config';
import { PLATFORM_IDS } from '../../src/domain/platforms';
import { configuredPlatforms, enabledPlatforms, hostingServerOf, operatorChannelCheckOf, PLATFORMS } from '../../src/platforms';

const ROOT = join(__dirname, '..', '..');
const DISCORD = { DISCORD_TOKEN: 'discord-token', DISCORD_APP_ID: '4242' };
const SLACK_HTTP = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret', SLACK_PORT: '3100' };

describe('the list of platforms', () => {
  test('one plugin per platform id, each under its own id', () => {
    expect(Object.keys(PLATFORMS).sort()).toEqual([...PLATFORM_IDS].sort());
    for (const [id, plugin] of Object.entries(PLATFORMS)) expect(plugin.id).toBe(id);
  });

  test('the settings decide which run: the terminal and webhooks always, a chat platform when its token is set', () => {
    expect(configuredPlatforms(loadConfig({})).map((p) => p.id)).toEqual(['webhook', 'console']);
    // Webhooks only deliver: with no chat platform it is still console mode.
    expect(enabledPlatforms(loadConfig({}))).toEqual([]);
    expect(configuredPlatforms(loadConfig({ ...DISCORD, ...SLACK_HTTP })).map((p) => p.id)).toEqual([
      'discord',
      'slack',
      'webhook',
      'console',
    ]);
    expect(enabledPlatforms(loadConfig({ ...DISCORD, ...SLACK_HTTP }))).toEqual(['discord', 'slack']);
  });

  test('Slack in HTTP mode hosts /healthz and /metrics on its port; in Socket Mode nothing does', () => {
    expect(hostingServerOf(loadConfig(SLACK_HTTP))).toEqual({
      platform: 'slack',
      name: 'Slack',
      port: 3100,
      setting: 'SLACK_PORT',
      mode: 'Slack HTTP mode',
    });
    expect(hostingServerOf(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }))).toBeNull();
    expect(hostingServerOf(loadConfig({}))).toBeNull();
  });
});

describe("a platform's SDK", () => {
  /** Builds the bot in a fresh process with these settings; which SDKs did it load? */
  async function sdksLoaded(env: Record<string, string>): Promise<{ discord: boolean; slack: boolean }> {
    const keep = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin', 'run-ts.js'), join(__dirname, 'sdk-load-child.ts')], {
      cwd: ROOT,
      env: { ...keep, STORE_URL: 'memory://', LOG_LEVEL: 'silent', ...env },
      timeout: 60_000,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!);
  }

  test('loads only when its platform is configured (console mode loads neither)', async () => {
    expect(await sdksLoaded({})).toEqual({ discord: false, slack: false });
    expect(await sdksLoaded(DISCORD)).toEqual({ discord: true, slack: false });
    expect(await sdksLoaded({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })).toEqual({ discord: false, slack: true });
  }, 180_000);
});

describe("the operators' channel (operator-only commands such as /webhook)", () => {
  test('on Discord only its id counts: a channel anyone names after the id in another server is not it', () => {
    const isOps = operatorChannelCheckOf(PLATFORMS.discord, loadConfig({ OPERATOR_DISCORD_CHANNEL: '1400000000000000001' }));
    expect(isOps({ channelId: '1400000000000000001', channelName: 'ops' })).toBe(true);
    expect(isOps({ channelId: '1499999999999999999', channelName: '1400000000000000001' })).toBe(false);
    expect(operatorChannelCheckOf(PLATFORMS.discord, loadConfig({}))({ channelId: '1400000000000000001' })).toBe(false);
  });

  test("on Slack its id or its name (one workspace's names are unique); the terminal always", () => {
    const isOps = operatorChannelCheckOf(PLATFORMS.slack, loadConfig({ OPERATOR_SLACK_CHANNEL: '#ice-ops' }));
    expect(isOps({ channelId: 'C0OPS', channelName: 'ice-ops' })).toBe(true);
    expect(isOps({ channelId: 'C0NEWS', channelName: 'newsroom' })).toBe(false);
    expect(operatorChannelCheckOf(PLATFORMS.slack, loadConfig({ OPERATOR_SLACK_CHANNEL: 'C0OPS' }))({ channelId: 'C0OPS' })).toBe(true);
    expect(operatorChannelCheckOf(PLATFORMS.console, loadConfig({}))({ channelId: 'console' })).toBe(true);
  });
});
