import pino, { type Logger } from 'pino';
import { redactUrl, REDACTED, scrubSecrets } from './redact';

export type { Logger };

/** Keys whose values are secrets, at the top of a log object or one level down (`{ config: { SLACK_BOT_TOKEN } }`). */
const SECRET_KEYS = [
  'DISCORD_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'password',
  'authorization',
  'Authorization',
];
/** Keys holding URLs that may carry a password: only the password is hidden, the rest stays useful. */
const URL_KEYS = ['STORE_URL', 'REDIS_URL', 'storeUrl', 'redisUrl'];

/** Paths of secrets that must never reach a log line, whatever object carries them. */
export const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`]),
  ...URL_KEYS.flatMap((k) => [k, `*.${k}`]),
  '*.headers.authorization',
  '*.headers.Authorization',
  // axios errors carry their request config (pino's err serializer copies it): the bearer token is in there.
  'err.config.headers.Authorization',
  'err.config.headers.authorization',
  'err.response.config.headers.Authorization',
];

export interface LoggerOptions {
  /**
   * Secret values (src/logging/redact.ts `secretValuesOf(config)`) scrubbed from every line as it is
   * written: the backstop for a secret that arrives inside a message or a nested error, where
   * no path matches.
   */
  secrets?: readonly string[];
}

/** The one logger: JSON lines on stderr (stdout stays for command output and `--json`). */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr, options: LoggerOptions = {}): Logger {
  // In a JSON line a secret appears JSON-escaped: scrub both forms.
  const secrets = [...new Set((options.secrets ?? []).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  return pino(
    {
      level,
      redact: {
        paths: REDACT_PATHS,
        censor: (value, path) => (URL_KEYS.includes(path[path.length - 1]) && typeof value === 'string' ? redactUrl(value) : REDACTED),
      },
      base: { app: 'ice-watch' },
      ...(secrets.length ? { hooks: { streamWrite: (line: string) => scrubSecrets(line, secrets) } } : {}),
    },
    destination as pino.DestinationStream,
  );
}
