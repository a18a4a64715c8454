import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths of secrets that must never reach a log line, whatever object carries them. */
export const REDACT_PATHS = [
  '*.DISCORD_TOKEN', '*.SLACK_BOT_TOKEN', '*.SLACK_APP_TOKEN', '*.SLACK_SIGNING_SECRET',
  'DISCORD_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET',
  '*.token', '*.authorization', '*.headers.authorization',
];

/** The one logger: JSON lines on stderr (stdout stays for command output and `--json`). */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'ice-watch' } }, destination as pino.DestinationStream);
}
