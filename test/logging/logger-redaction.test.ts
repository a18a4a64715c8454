import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging/logger';
import { redactUrl, secretValuesOf } from '../../src/logging/redact';

const SECRETS = {
  DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.discord-secret-part',
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-slack-bot-secret',
  SLACK_APP_TOKEN: 'xapp-1-A111-slack-app-secret',
  SLACK_SIGNING_SECRET: '8f14e45fceea167a5a36dedd4bea2543',
  STORE_URL: 'postgres://ice:p%40ss-store-secret@db.internal:5432/ice',
  REDIS_URL: 'redis://:redis-secret-pw@cache.internal:6379/0',
};
const RAW = [
  'discord-secret-part',
  'slack-bot-secret',
  'slack-app-secret',
  '8f14e45fceea167a5a36dedd4bea2543',
  'p%40ss-store-secret',
  'p@ss-store-secret',
  'redis-secret-pw',
];

function capture(secrets?: readonly string[]) {
  let out = '';
  const sink = new Writable({ write: (chunk, _e, done) => ((out += String(chunk)), done()) });
  return { logger: createLogger('info', sink, { secrets }), text: () => out };
}

describe('logger redaction', () => {
  const config = loadConfig({ ...SECRETS, DISCORD_APP_ID: '42', SLACK_PORT: '3000' });

  test('secrets in known keys, top level and nested, are censored and URLs keep all but the password', () => {
    const { logger, text } = capture();
    logger.info(SECRETS, 'top level');
    logger.info({ config }, 'nested config');
    logger.info({ token: SECRETS.DISCORD_TOKEN, headers: { authorization: `Bot ${SECRETS.DISCORD_TOKEN}` } }, 'request');
    const out = text();
    for (const raw of RAW) expect(out).not.toContain(raw);
    expect(out).toContain('postgres://ice:[redacted]@db.internal:5432/ice');
    expect(out).toContain('redis://:[redacted]@cache.internal:6379/0');
    expect(out.split('\n').filter(Boolean)).toHaveLength(3);
  });

  test('a secret inside a message or an error (where no path matches) is scrubbed by value', () => {
    const { logger, text } = capture(secretValuesOf(config));
    const err = Object.assign(new Error(`connect to ${SECRETS.STORE_URL} failed`), {
      config: { headers: { Authorization: `Bearer ${SECRETS.SLACK_BOT_TOKEN}` } },
    });
    logger.error(
      { err, detail: { deeper: { signing: SECRETS.SLACK_SIGNING_SECRET, app: SECRETS.SLACK_APP_TOKEN } } },
      `token was ${SECRETS.DISCORD_TOKEN}`,
    );
    logger.warn({ url: SECRETS.REDIS_URL }, 'redis down');
    const out = text();
    for (const raw of RAW) expect(out).not.toContain(raw);
    expect(out).toContain('connect to postgres://ice:[redacted]@db.internal');
    expect(out).toContain('token was [redacted]');
  });

  test('without the secrets list, the same message would leak: the scrub is what protects it', () => {
    const { logger, text } = capture();
    logger.info(`token was ${SECRETS.DISCORD_TOKEN}`);
    expect(text()).toContain('discord-secret-part');
  });

  test('redactUrl hides passwords and token-like user parts only', () => {
    expect(redactUrl('postgres://u:pw@h/db')).toBe('postgres://u:[redacted]@h/db');
    expect(redactUrl('redis://tok@h:6379')).toBe('redis://[redacted]@h:6379');
    expect(redactUrl('sqlite://data/ice-watch.sqlite')).toBe('sqlite://data/ice-watch.sqlite');
    expect(secretValuesOf({ STORE_URL: 'sqlite://data/x.sqlite' })).toEqual([]);
  });
});
