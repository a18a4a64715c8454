import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, loadConfig, SETTING_NAMES } from '../src/config';
import { enabledPlatforms } from '../src/platforms';

describe('loadConfig', () => {
  test('no settings at all: console mode with the embedded SQLite store and the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      STORE_URL: 'sqlite://data/ice-watch.sqlite',
      ICE_287G_PAGE_URL: 'https://www.ice.gov/identify-and-arrest/287g',
      POLL_287G_CRON: '*/15 * * * *',
      POLL_TOTALS_CRON: '7 * * * *',
      SLACK_PORT: 3000,
      LOG_LEVEL: 'info',
      MASS_END_SHARE: 0.05,
      MASS_END_MIN_ROWS: 10,
    });
    expect(config.HTTP_PORT).toBeUndefined();
    expect(enabledPlatforms(config)).toEqual([]);
  });

  test('every problem is listed at once', () => {
    let error: unknown;
    try {
      loadConfig({ STORE_URL: 'mysql://x', SLACK_PORT: 'abc', LOG_LEVEL: 'loud', POLL_287G_CRON: 'often', MASS_END_SHARE: '2' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const key of ['STORE_URL', 'SLACK_PORT', 'LOG_LEVEL', 'POLL_287G_CRON', 'MASS_END_SHARE']) expect(problems).toContain(key);
  });

  test('a half-configured platform is a problem, and tokens never appear in the message', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-secret-123' })).toThrow(/SLACK_APP_TOKEN.*SLACK_SIGNING_SECRET/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-secret-123' })).not.toThrow(/xoxb-secret-123/);
    expect(() => loadConfig({ DISCORD_TOKEN: 'abc.def.ghi' })).toThrow(/DISCORD_APP_ID/);
    expect(enabledPlatforms(loadConfig({ DISCORD_TOKEN: 't', DISCORD_APP_ID: '1', SLACK_BOT_TOKEN: 'x', SLACK_APP_TOKEN: 'y' }))).toEqual([
      'discord',
      'slack',
    ]);
  });

  test('.env.example documents every setting, with a comment, and loads as it is', () => {
    const text = readFileSync(join(__dirname, '..', '.env.example'), 'utf8');
    const env = parseEnv(text) as Record<string, string>;
    expect(Object.keys(env).sort()).toEqual([...SETTING_NAMES].sort());
    expect(() => loadConfig(env)).not.toThrow();
    const lines = text.split('\n');
    for (const key of SETTING_NAMES) {
      const i = lines.findIndex((l) => l.startsWith(`${key}=`));
      expect(lines.slice(Math.max(0, i - 4), i).some((l) => l.startsWith('#'))).toBe(true);
    }
  });
});
