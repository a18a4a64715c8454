import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';

/**
 * Every setting, read once from the environment (and a `.env` file, which the real
 * environment overrides). The only module that reads process.env. `.env.example`
 * documents each key.
 */
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const url = (schemes: string[]) =>
  z
    .string()
    .trim()
    .refine((v) => schemes.some((s) => v.startsWith(s)), { message: `must start with ${schemes.join(' or ')}` });
const port = z.coerce.number().int().min(1).max(65535);
const cron = z
  .string()
  .trim()
  .refine((v) => v.split(/\s+/).length >= 5 && v.split(/\s+/).length <= 6, { message: 'must be a cron expression of 5 or 6 fields' });

const schema = z.object({
  STORE_URL: url(['sqlite://', 'memory://', 'postgres://', 'postgresql://', 'redis://', 'rediss://']).default(
    'sqlite://data/ice-watch.sqlite',
  ),
  // No longer used (the instances coordinate through STORE_URL's database): accepted, and the bot warns once at start.
  REDIS_URL: optionalText,
  // Put before every stored key, lease and queue name: several deployments (or test runs) can share one PostgreSQL or Redis.
  STORE_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.:-]*$/, 'letters, digits and _ . : - only')
    .default(''),
  // On PostgreSQL: how long the leader's lease lasts without renewal (another instance takes over after it).
  POLL_LEASE_SECONDS: z.coerce.number().int().min(3).max(3600).default(30),
  // No longer used: one leader sends per bot token and the SDKs keep the platforms' own limits. Accepted for old .env files.
  DISCORD_SEND_RATE: z.coerce.number().gt(0).max(50).default(40),
  SLACK_SEND_RATE: z.coerce.number().gt(0).max(100).default(20),
  DISCORD_TOKEN: optionalText,
  DISCORD_APP_ID: optionalText,
  DISCORD_API_URL: url(['http://', 'https://']).default('https://discord.com/api'),
  // Unset: one gateway connection in the main process. `auto` (Discord's recommended count) or a number: shard processes.
  DISCORD_SHARDS: z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => v === 'auto' || /^[1-9]\d*$/.test(v), { message: 'must be auto or a positive whole number' })
    .transform((v): 'auto' | number => (v === 'auto' ? 'auto' : Number(v)))
    .optional(),
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_PORT: port.default(3000),
  SLACK_API_URL: url(['http://', 'https://']).default('https://slack.com/api/'),
  // false: this instance sends Discord alerts through REST but opens no gateway connection (answers no commands):
  // with several instances, exactly one (or one sharded one) should open the gateway.
  DISCORD_GATEWAY: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  SLACK_ADMINS_ONLY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  ICE_287G_PAGE_URL: z.string().trim().min(1).default('https://www.ice.gov/identify-and-arrest/287g'),
  ICE_DETENTION_PAGE_URL: z.string().trim().min(1).default('https://www.ice.gov/detain/detention-management'),
  DAILY_TOTALS_URL: optionalText,
  POLL_287G_CRON: cron.default('*/15 * * * *'),
  POLL_TOTALS_CRON: cron.default('7 * * * *'),
  OPERATOR_DISCORD_CHANNEL: optionalText,
  OPERATOR_SLACK_CHANNEL: optionalText,
  // How long a source may be unreachable or erroring (network, 5xx, timeouts) before operators hear of it.
  SOURCE_ALERT_AFTER_MINUTES: z.coerce.number().min(0).default(60),
  HTTP_PORT: port.optional(),
  // true: webhook endpoints may be on loopback, private, link-local or CGNAT addresses (an internal receiver); else refused (SSRF).
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  // The public address of HTTP_PORT's server (behind a reverse proxy): the feeds' absolute links and the path the state
  // pages' links start with. Unset: the request's Host (and X-Forwarded-Proto) for the feeds, the root for the pages.
  PUBLIC_URL: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    url(['http://', 'https://'])
      .transform((v) => v.replace(/\/+$/, ''))
      .optional(),
  ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Where the terminal writes its pictures (console mode, the CLI); unset: <temp dir>/ice-watch-charts.
  CHARTS_DIR: optionalText,
  MASS_END_SHARE: z.coerce.number().gt(0).max(1).default(0.05),
  MASS_END_MIN_ROWS: z.coerce.number().int().min(0).default(10),
  HOLD_CONFIRM_MINUTES: z.coerce.number().min(0).default(60),
  // A publication that adds more than this share of the list AND more than this many agreements at once is held too.
  MASS_ADD_SHARE: z.coerce.number().gt(0).default(1),
  MASS_ADD_MIN_ROWS: z.coerce.number().int().min(0).default(100),
  // Unset: an ending is announced at once. Hours: an ending waits for a later, different publication that still lacks it, or this long.
  ENDING_CONFIRM_HOURS: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce
      .number()
      .gt(0)
      .max(24 * 30)
      .optional(),
  ),
  // A state's detention ADP moving by more than this percent between two releases of a fiscal year is a facilities alert.
  FACILITY_ADP_ALERT_PERCENT: z.coerce.number().gt(0).max(1000).default(10),
  FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  FETCH_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(20 * 1024 * 1024),
  FETCH_USER_AGENT: optionalText,
  // Parse caps (287(g) and detention workbooks): inflated XML of the parts read, and rows of the sheet read.
  WORKBOOK_MAX_INFLATED_BYTES: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .default(64 * 1024 * 1024),
  WORKBOOK_MAX_ROWS: z.coerce.number().int().min(100).default(50_000),
});

export type Config = z.infer<typeof schema>;

/** Every setting's name, for documentation checks. */
export const SETTING_NAMES = Object.keys(schema.shape) as Array<keyof Config>;

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads a `.env` file into a plain object; a missing file is an empty one. */
export function readEnvFile(path = '.env'): Record<string, string> {
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
}

/**
 * Validates the settings and lists every problem at once.
 * @param env the environment (defaults: `.env` overlaid by process.env)
 */
export function loadConfig(env: Record<string, string | undefined> = { ...readEnvFile(), ...process.env }): Config {
  // An empty value (`HTTP_PORT=` in .env) means unset, as it reads.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const config = result.data;
  const problems: string[] = [];
  if (config.SLACK_BOT_TOKEN && !config.SLACK_APP_TOKEN && !config.SLACK_SIGNING_SECRET) {
    problems.push('SLACK_BOT_TOKEN is set: also set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)');
  }
  if (config.DISCORD_TOKEN && !config.DISCORD_APP_ID) problems.push('DISCORD_TOKEN is set: also set DISCORD_APP_ID');
  if (config.DISCORD_SHARDS !== undefined && !config.DISCORD_TOKEN) problems.push('DISCORD_SHARDS is set: also set DISCORD_TOKEN');
  if (problems.length) throw new ConfigError(problems);
  return config;
}
