import { createHash } from 'node:crypto';
import { REST, Routes, type RateLimitData, type RawFile } from 'discord.js';
import { defaultChartRenderer, type ChartRenderer, type RenderedChart } from '../../charts/render-chart';
import { deliveryToReply } from '../../messages/alert-message';
import type { AlertSender, SendResult } from '../../delivery/sender';
import type { PlannedDelivery } from '../../domain/alerts/delivery-plan';
import type { Logger } from '../../logging/logger';
import { clipPlain, escapeUntrusted } from './discord-text';
import { renderReplyForDiscord, type DiscordMessagePayload } from './render-reply';
import { sendResultOfError } from './send-errors';

/** Discord's limit on a message's `content`, in UTF-16 units. */
export const CONTENT_LIMIT = 2000;
/** Discord keeps a nonce of at most 25 characters; 18 bytes of base64url are 24. */
const NONCE_BYTES = 18;
/** A channel id is a snowflake; anything else cannot be posted to and must not become a Discord route. */
const SNOWFLAKE = /^\d{17,20}$/;
/** Rate-limit waits longer than this on message posts come back as transient results (see createDiscordRest). */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 30_000;

/** The body of `POST /channels/{id}/messages` for an alert: no interaction-only fields, never a mention. */
export interface AlertMessageBody {
  embeds: DiscordMessagePayload['embeds'];
  components?: DiscordMessagePayload['components'];
  allowed_mentions: { parse: [] };
  nonce: string;
  enforce_nonce: true;
  /** The picture sent with the message (a weekly digest's chart), shown in the embed. */
  attachments?: Array<{ id: number; filename: string; description: string }>;
}

/** A plain-text message body (operator notices, "alerts paused" notes). */
export interface PlainMessageBody {
  content: string;
  allowed_mentions: { parse: [] };
  nonce?: string;
  enforce_nonce?: true;
}

/**
 * A stable Discord nonce for a key: the same delivery id always gives the same 24 characters,
 * so with `enforce_nonce` Discord returns the first message instead of posting a second
 * (a resend after a timeout or a crash lands once). Discord remembers nonces for a few minutes.
 */
export function nonceFor(key: string): string {
  return createHash('sha256').update(key).digest().subarray(0, NONCE_BYTES).toString('base64url');
}

/**
 * The message for one planned delivery: its alert's (or digest's) embed (SPEC section 6),
 * deduplicated by nonce; with `chart`, the embed shows it as the message's attachment 0.
 */
export function alertMessageBody(delivery: PlannedDelivery, chart: RenderedChart | null = null): AlertMessageBody {
  const { embeds, components } = renderReplyForDiscord(deliveryToReply(delivery), chart?.fileName);
  return {
    embeds,
    ...(components.length ? { components } : {}),
    allowed_mentions: { parse: [] },
    nonce: nonceFor(delivery.id),
    enforce_nonce: true,
    ...(chart ? { attachments: [{ id: 0, filename: chart.fileName, description: chart.altText.slice(0, 1024) }] } : {}),
  };
}

/** Text as an inert plain message: each line escaped (no markdown, no mentions), cut to CONTENT_LIMIT. */
export function plainMessageBody(text: string, nonceKey?: string): PlainMessageBody {
  const content = clipPlain(
    text
      .split(/\r\n|\r|\n/)
      .map(escapeUntrusted)
      .join('\n'),
    CONTENT_LIMIT,
  );
  const body: PlainMessageBody = { content, allowed_mentions: { parse: [] } };
  return nonceKey ? { ...body, nonce: nonceFor(nonceKey), enforce_nonce: true } : body;
}

const invalidChannel = (channelId: string): SendResult => ({
  ok: false,
  permanent: true,
  code: 'invalid-channel-id',
  reason: `"${channelId.slice(0, 40)}" is not a Discord channel id`,
  fix: 'Run /subscribe again in the channel that should get the alerts.',
});

async function post(
  rest: REST,
  channelId: string,
  body: AlertMessageBody | PlainMessageBody,
  files?: RawFile[],
  signal?: AbortSignal,
): Promise<SendResult> {
  if (!SNOWFLAKE.test(channelId)) return invalidChannel(channelId);
  try {
    // With files, @discordjs/rest sends multipart/form-data: `payload_json` and `files[0]`.
    // The signal (the outbox's per-send timeout) drops the request from the REST queue or aborts it.
    await rest.post(Routes.channelMessages(channelId), { body, ...(files?.length ? { files } : {}), ...(signal ? { signal } : {}) });
    return { ok: true };
  } catch (err) {
    return sendResultOfError(err);
  }
}

export interface DiscordAlertSenderDeps {
  /** The bot's REST (`bot.client.rest`), so alerts share its rate-limit state and token. */
  rest: REST;
  logger: Logger;
  /** Draws a digest's picture (default: renderChartWithin, 1.5 s deadline); null: text only. */
  renderChart?: ChartRenderer | null;
}

/**
 * Posts alerts to Discord channels through discord.js's REST, which queues per channel,
 * waits out 429s (retry_after, X-RateLimit-* headers) and keeps the global limit
 * (`globalRequestsPerSecond`); this sender never retries by itself. Errors become
 * SendResults (see sendResultOfError): lost access or a deleted channel are permanent,
 * so the outbox pauses that subscription instead of retrying forever.
 */
export function createDiscordAlertSender({ rest, logger, renderChart = defaultChartRenderer }: DiscordAlertSenderDeps): AlertSender {
  const log = logger.child({ platform: 'discord' });
  return {
    platform: 'discord',
    async send(delivery, options) {
      const spec = renderChart && delivery.digest ? deliveryToReply(delivery).chart : undefined;
      const chart = spec && renderChart ? await renderChart(spec, log.child({ delivery: delivery.id })) : null;
      const files = chart ? [{ name: chart.fileName, data: chart.png, contentType: 'image/png' }] : undefined;
      const result = await post(rest, delivery.channelId, alertMessageBody(delivery, chart), files, options?.signal);
      if (!result.ok) log.debug({ channel: delivery.channelId, delivery: delivery.id, result }, 'discord alert not posted');
      return result;
    },
    async tellChannel(delivery, text) {
      const result = await post(rest, delivery.channelId, plainMessageBody(text, `${delivery.id}:paused`));
      // Expected to fail often: the bot usually lost the very permission it would need.
      if (!result.ok) log.info({ channel: delivery.channelId, reason: result.reason }, 'could not tell the channel its alerts are paused');
    },
  };
}

/**
 * Posts an operator notice (OPERATOR_DISCORD_CHANNEL) as plain, escaped text that mentions
 * nobody. Never throws: the result says whether it was posted, for the caller to log.
 */
export function notifyOperatorChannel(rest: REST, channelId: string, text: string): Promise<SendResult> {
  return post(rest, channelId, plainMessageBody(text));
}

export interface DiscordRestOptions {
  token: string;
  /** Discord's REST base without the version (DISCORD_API_URL). */
  apiUrl: string;
  /** The token's global limit (Discord's default 50/s; larger bots are granted more). */
  globalRequestsPerSecond?: number;
  /** How long one request may take before it is aborted (discord.js default 15 s). */
  timeoutMs?: number;
  /** Immediate retries of a 5xx or an aborted request inside discord.js (default 3). */
  retries?: number;
  /** Longer rate-limit waits on message posts are not waited out in place (default 30 s). */
  maxRateLimitWaitMs?: number;
}

/**
 * Surfaces (as RateLimitError, a transient result with retryAfterMs) rate-limit waits on
 * message posts longer than `maxWaitMs`, so that a channel under a long limit goes back to
 * the outbox instead of holding a send slot; shorter waits discord.js sits out itself.
 * Pass it as `rest.rejectOnRateLimit` of the bot's client too.
 */
export function rejectLongMessageRateLimits(maxWaitMs = DEFAULT_MAX_RATE_LIMIT_WAIT_MS): (data: RateLimitData) => boolean {
  return (data) => data.route === '/channels/:id/messages' && Math.max(data.retryAfter, data.timeToReset) > maxWaitMs;
}

/**
 * A REST client for a bot token without the gateway: for operator notices from the CLI,
 * for the bench and for tests. The running bot should use its client's REST instead
 * (one rate-limit state per token).
 */
export function createDiscordRest(options: DiscordRestOptions): REST {
  return new REST({
    api: options.apiUrl,
    ...(options.globalRequestsPerSecond === undefined ? {} : { globalRequestsPerSecond: options.globalRequestsPerSecond }),
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    rejectOnRateLimit: rejectLongMessageRateLimits(options.maxRateLimitWaitMs),
  }).setToken(options.token);
}
