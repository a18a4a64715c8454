import { webApi } from '@slack/bolt';
import { deliveryToReply } from '../../messages/alert-message';
import type { AlertSender, SendResult } from '../../delivery/sender';
import { createLogger, type Logger } from '../../logging/logger';
import { defaultChartRenderer, type ChartRenderer } from '../../charts/render-chart';
import { createBoltLogger } from './bolt-logger';
import { isBlocksRefusal, postWithPicture, uploadReplyChart } from './chart-upload';
import { clipMrkdwn, escapeEntities } from './mrkdwn';
import type { SlackMessage } from './render-reply';
import { sendResultFromSlackError } from './send-errors';

/**
 * How often the WebClient itself retries a failed call (5xx, network error, timeout, and a
 * 429 after waiting its Retry-After). Modest on purpose: Bolt's default
 * (tenRetriesInAboutThirtyMinutes) would hold a worker slot, and the drain behind it, for
 * half an hour on one broken call, while every other channel's alert waits. The outbox
 * already retries with backoff for hours and survives restarts, so the client only needs
 * to ride out a blip: 2 retries, 1-2 s then 3-6 s apart.
 */
export const SLACK_RETRY_POLICY: webApi.RetryOptions = { retries: 2, factor: 3, minTimeout: 1_000, maxTimeout: 10_000, randomize: true };

/** How long one HTTP attempt may take (the client's default, 0, waits forever). Worst case per send: 3 × 10 s plus backoff. */
export const SLACK_TIMEOUT_MS = 10_000;

/** Longest operator notice posted; Slack truncates messages over 40,000 characters and advises 4,000. */
export const OPERATOR_TEXT_MAX_CHARS = 4_000;

export interface SlackWebClientOptions {
  /** Our logger; the client's messages become JSON lines with `component: "bolt"`. Default: silent. */
  logger?: Logger;
  retryConfig?: webApi.RetryOptions;
  timeoutMs?: number;
  /** Fail at once on a 429 (a RateLimitedError) instead of waiting. Default false: the client waits. */
  rejectRateLimitedCalls?: boolean;
}

/**
 * The WebClient options ice-watch posts with: SLACK_API_URL, SLACK_RETRY_POLICY,
 * SLACK_TIMEOUT_MS, rate limits waited out by the client. Usable as Bolt's `clientOptions`
 * too, so that `app.client` behaves the same.
 */
export function slackWebClientOptions(apiUrl: string, opts: SlackWebClientOptions = {}): webApi.WebClientOptions {
  return {
    slackApiUrl: apiUrl,
    logger: createBoltLogger(opts.logger ?? createLogger('silent')),
    retryConfig: opts.retryConfig ?? SLACK_RETRY_POLICY,
    timeout: opts.timeoutMs ?? SLACK_TIMEOUT_MS,
    rejectRateLimitedCalls: opts.rejectRateLimitedCalls ?? false,
  };
}

/** A WebClient for `token` against `apiUrl` (https://slack.com/api/ or a stand-in), with slackWebClientOptions. */
export function createSlackWebClient(token: string, apiUrl: string, opts: SlackWebClientOptions = {}): webApi.WebClient {
  return new webApi.WebClient(token, slackWebClientOptions(apiUrl, opts));
}

export interface SlackAlertSenderDeps {
  /** Bolt's `app.client` (built with slackWebClientOptions) or createSlackWebClient(...). */
  client: webApi.WebClient;
  logger: Logger;
  /** Draws a weekly digest's picture (default: renderChartWithin, 1.5 s deadline); null: text only. */
  renderChart?: ChartRenderer | null;
}

/**
 * Posts alerts to Slack channels with chat.postMessage: the alert's neutral Reply rendered
 * as Block Kit (renderReplyForSlack keeps it within Slack's limits and escapes ICE's text,
 * so `<`, `>` and `&` are entities and no mention can form), with a fallback `text` for
 * notifications, link and media unfurls off (an MOA link must not grow a preview), and no
 * `link_names` (which would turn a bare @name or #channel into a mention).
 *
 * Rate limits: the bot builds this client with `rejectRateLimitedCalls`, so a 429 comes back
 * at once as a transient result with the Retry-After, and the outbox pauses Slack's lane (and
 * only Slack's) for that long; with a client that waits out 429s (the default), it pauses all
 * its calls for Retry-After seconds, then retries (SLACK_RETRY_POLICY). This sender never
 * retries by itself. Failures become SendResults (see sendResultFromSlackError): permanent
 * ones pause the subscription.
 *
 * Delivery is at least once, and Slack can show an alert twice: chat.postMessage has no
 * idempotency key (Discord has `nonce` + `enforce_nonce`; Slack has nothing like it), so
 * Slack cannot tell a repeat from a new message.
 * - If the process dies between Slack's answer and the outbox marking the entry sent,
 *   the next run resumes the outbox and posts that alert again.
 * - Likewise when Slack stored the message but its answer was lost (a timeout, a 5xx from
 *   a proxy after the post): to us it failed, and the retry (the client's or the outbox's)
 *   posts again. Keeping SLACK_TIMEOUT_MS well above Slack's usual answer time keeps this rare.
 * We accept both: rare, visible, and better than a lost alert. Checking
 * conversations.history before each retry would need the channels:history scope and a
 * call per send.
 */
export function createSlackAlertSender({ client, logger, renderChart = defaultChartRenderer }: SlackAlertSenderDeps): AlertSender {
  const log = logger.child({ platform: 'slack' });
  return {
    platform: 'slack',
    async send(delivery) {
      const reply = deliveryToReply(delivery);
      // A digest's picture is uploaded first (private to the bot) and shown by the message's image block.
      const image = delivery.digest ? await uploadReplyChart(client, reply, renderChart, log.child({ delivery: delivery.id })) : null;
      try {
        const post = async ({ text, blocks }: SlackMessage) => {
          await client.chat.postMessage({ channel: delivery.channelId, text, blocks, unfurl_links: false, unfurl_media: false });
        };
        await postWithPicture(reply, image, post, log, isBlocksRefusal);
        return { ok: true };
      } catch (err) {
        const result = sendResultFromSlackError(err);
        log.debug({ channel: delivery.channelId, delivery: delivery.id, result }, 'slack: alert not posted');
        return result;
      }
    },
    async tellChannel(delivery, text) {
      const result = await postPlainText(client, delivery.channelId, text);
      if (!result.ok)
        log.warn({ channel: delivery.channelId, reason: result.reason }, 'slack: could not tell the channel why its alerts stopped');
    },
  };
}

/**
 * Posts an operator notice (a rejected file, a paused channel...) to OPERATOR_SLACK_CHANNEL
 * as plain text: entities escaped, mrkdwn off, unfurls off. Never throws (the outbox worker
 * calls its notifier while handling a failure); the result says whether it was posted, and
 * a failure is logged when a logger is given.
 */
export async function notifyOperatorChannel(
  client: webApi.WebClient,
  channelId: string,
  text: string,
  logger?: Logger,
): Promise<SendResult> {
  const result = await postPlainText(client, channelId, text);
  if (!result.ok) logger?.warn({ platform: 'slack', channel: channelId, reason: result.reason }, 'slack: operator notice not posted');
  return result;
}

/**
 * Text as Slack shows it literally: `&`, `<`, `>` as entities (Slack decodes them, and no
 * `<!here>` or `<@U...>` can form), `mrkdwn: false` so `*` and `_` in file names stay as
 * they are, and line breaks kept.
 */
async function postPlainText(client: webApi.WebClient, channel: string, text: string): Promise<SendResult> {
  try {
    await client.chat.postMessage({
      channel,
      text: clipMrkdwn(escapeEntities(text), OPERATOR_TEXT_MAX_CHARS),
      mrkdwn: false,
      unfurl_links: false,
      unfurl_media: false,
    });
    return { ok: true };
  } catch (err) {
    return sendResultFromSlackError(err);
  }
}
