import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../logging/logger';

/** Slack tokens (bot, user, app, config) and the `token` field of request bodies, wherever they appear in a message. */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/\bxox[a-z]-[A-Za-z0-9-]+/g, '[redacted]'],
  [/\bxapp-[A-Za-z0-9-]+/g, '[redacted]'],
  [/("token"\s*:\s*")[^"]*(")/g, '$1[redacted]$2'],
];

/** Removes anything that looks like a Slack secret from a log message. */
export function redactSlackSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((t, [re, by]) => t.replace(re, by), text);
}

function messageOf(parts: unknown[]): { err?: unknown; msg: string } {
  const err = parts.find((p) => p instanceof Error);
  const msg = parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');
  return { err, msg: redactSlackSecrets(msg) };
}

/**
 * Bolt's logger interface over our one pino logger, so Bolt's own messages are structured
 * JSON lines with `component: "bolt"`. Bolt logs whole request bodies at debug level; those
 * carry Slack's verification token, which is redacted with any token-shaped text. The level
 * is LOG_LEVEL's: Bolt's `setLevel` is ignored.
 */
export function createBoltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'bolt' });
  const emit =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...parts: unknown[]) => {
      if (!log.isLevelEnabled(level)) return;
      const { err, msg } = messageOf(parts);
      if (err) log[level]({ err }, msg);
      else log[level](msg);
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    setLevel: () => undefined,
    getLevel: () => {
      if (log.isLevelEnabled('debug')) return LogLevel.DEBUG;
      if (log.isLevelEnabled('info')) return LogLevel.INFO;
      return log.isLevelEnabled('warn') ? LogLevel.WARN : LogLevel.ERROR;
    },
    setName: () => undefined,
  };
}
