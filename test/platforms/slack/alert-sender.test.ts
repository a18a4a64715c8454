import { Writable } from 'node:stream';
import { createAlertRouter } from '../../../src/delivery/alert-router';
import { createOutboxWorker } from '../../../src/delivery/outbox-worker';
import { buildStateAlerts, type StateAlert } from '../../../src/domain/alerts/alerts';
import type { PlannedDelivery } from '../../../src/domain/alerts/delivery-plan';
import { eventFields } from '../../../src/domain/agreements/events';
import { channelKey, type Subscription } from '../../../src/domain/alerts/subscriptions';
import type { Agreement } from '../../../src/domain/types';
import { createLogger } from '../../../src/logging/logger';
import {
  createSlackAlertSender,
  createSlackWebClient,
  notifyOperatorChannel,
  SLACK_RETRY_POLICY,
  SLACK_TIMEOUT_MS,
  slackWebClientOptions,
} from '../../../src/platforms/slack/alert-sender';
import { PERMANENT_SLACK_ERRORS } from '../../../src/platforms/slack/send-errors';
import { openDatabase } from '../../../src/store/db/database';
import { createOutboxStore } from '../../../src/store/outbox-store';
import { createSubscriptionStore } from '../../../src/store/subscription-store';
import { startSlackApi, type SlackStandIn } from '../../../stand-ins/slack-api';
import { BOT_TOKEN, HOSTILE_AGENCY, textsOf } from './harness';
import { expectWithinSlackLimits } from './slack-limits';

/** The production retry policy (2 retries) with its waits shrunk, so failing tests stay fast. */
const FAST_RETRIES = { ...SLACK_RETRY_POLICY, minTimeout: 5, maxTimeout: 10, randomize: false };
const TIMEOUT_MS = 200;

const FILE: StateAlert['file'] = {
  fileName: 'participatingAgencies10172025mid.xlsx',
  url: 'https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies10172025mid.xlsx',
  fetchedAt: '2025-10-17T14:05:09.000Z',
  sha256: 'ab'.repeat(32),
};

function row(agency: string, over: Partial<Agreement> = {}): Agreement {
  return {
    state: 'Texas',
    stateCode: 'TX',
    agency,
    agencyKey: agency.toLowerCase(),
    type: 'Municipality',
    county: null,
    model: 'TFM',
    signed: '2025-10-17',
    moaUrl: null,
    addendumUrl: null,
    ...over,
  };
}

/** Texas's alert when `signed` are new and `existing` were already there (no pending requests). */
function texasAlert(signed: Agreement[], existing: Agreement[] = []): StateAlert {
  const events = signed.map((r) => ({ type: 'agreement.signed' as const, ...eventFields(r) }));
  const [alert] = buildStateAlerts({ source: 'participating', events, participating: [...existing, ...signed], pending: [], file: FILE });
  return alert;
}

function delivery(alert: StateAlert, channelId: string): PlannedDelivery {
  const subscriptionKey = channelKey('slack', 'T0TEST', channelId);
  return {
    id: `${alert.id}:${subscriptionKey}`,
    subscriptionKey,
    platform: 'slack',
    workspaceId: 'T0TEST',
    channelId,
    mode: 'instant',
    alert,
  };
}

const HARRIS = row("Harris County Sheriff's Office", {
  type: 'County',
  county: 'Harris County',
  model: 'JEM',
  signed: '2025-10-16',
  moaUrl: 'https://www.ice.gov/doclib/287gMOA/HarrisCo_JEM.pdf',
});
const TOMBALL = row('Tomball Police Department');
const EXISTING = row('Texas Department of Public Safety', { type: 'State Agency', model: 'JEM', signed: '2025-02-20' });

let slack: SlackStandIn;
let rawLogs: string[];
const logger = () =>
  createLogger(
    'debug',
    new Writable({
      write(chunk, _enc, done) {
        rawLogs.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    }),
  );
const client = (opts: Parameters<typeof createSlackWebClient>[2] = {}) =>
  createSlackWebClient(BOT_TOKEN, slack.apiUrl, { retryConfig: FAST_RETRIES, timeoutMs: TIMEOUT_MS, ...opts });
const sender = (opts: Parameters<typeof createSlackWebClient>[2] = {}) =>
  createSlackAlertSender({ client: client(opts), logger: logger() });

beforeAll(async () => {
  slack = await startSlackApi();
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => {
  slack.calls.length = 0;
  slack.posts.length = 0;
  rawLogs = [];
});

describe('createSlackAlertSender', () => {
  test('send posts the alert as Block Kit: header, a line per agreement, totals, source footer, fallback text, unfurls off', async () => {
    const result = await sender().send(delivery(texasAlert([HARRIS, TOMBALL], [EXISTING]), 'C0TEXAS'));
    expect(result).toEqual({ ok: true });
    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0].body).toEqual({
      channel: 'C0TEXAS',
      text: '2 new 287(g) agreements in Texas',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '2 new 287(g) agreements in Texas', emoji: false } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            verbatim: true,
            text: [
              '*New agreements*',
              "• *Harris County Sheriff's Office* (Harris County) · Jail Enforcement Model (JEM), signed 2025-10-16 · <https://www.ice.gov/doclib/287gMOA/HarrisCo_JEM.pdf|MOA>",
              '• *Tomball Police Department* · Task Force Model (TFM), signed 2025-10-17',
            ].join('\n'),
          },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', verbatim: true, text: '*Texas now*\n3 active (JEM 2 · TFM 1 · WSO 0)' },
            { type: 'mrkdwn', verbatim: true, text: '*Pending requests*\n0' },
          ],
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              verbatim: true,
              text: 'Source: ICE participating list, participatingAgencies10172025mid.xlsx, fetched 2025-10-17 14:05 UTC',
            },
          ],
        },
      ],
      unfurl_links: 'false',
      unfurl_media: 'false',
    });
    // The token travels in the header only; nothing asks Slack to turn names into mentions.
    expect(slack.callsTo('chat.postMessage')[0].headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(slack.posts[0].body).not.toHaveProperty('link_names');
    expect(slack.posts[0].body).not.toHaveProperty('token');
  });

  test('a hostile agency name is posted as inert text: no formatting, no @everyone, no user mention, no tag', async () => {
    await sender().send(delivery(texasAlert([row(HOSTILE_AGENCY)]), 'C0TEXAS'));
    const { body } = slack.posts[0];
    const texts = textsOf(body.blocks as any[]);
    expect(texts).toContain(
      '*New agreements*\n• *＊bold＊ &lt;!everyone&gt; &lt;@U123&gt; &amp; &lt;script&gt;* · Task Force Model (TFM), signed 2025-10-17',
    );
    const wire = JSON.stringify(body);
    for (const raw of ['<!everyone>', '<@U123>', '<script>', '*bold*', ' & ']) expect(wire).not.toContain(raw);
  });

  test('a 429 with Retry-After: 1 is waited out by the client, then the alert is posted once', async () => {
    slack.scriptPosts('C0BUSY', { status: 429, retryAfter: 1 }, { ok: true });
    const started = Date.now();
    const result = await sender().send(delivery(texasAlert([TOMBALL]), 'C0BUSY'));
    expect(result).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(slack.posts.map((p) => p.answer)).toEqual(['HTTP 429', 'ok']);
    expect(slack.delivered('C0BUSY')).toHaveLength(1);
  });

  test('a rate limit the client gives up on is transient with the retry delay, for the outbox to wait', async () => {
    // rejectRateLimitedCalls: the client throws its RateLimitedError at once.
    slack.scriptPosts('C0BUSY', { status: 429, retryAfter: 7 });
    expect(await sender({ rejectRateLimitedCalls: true }).send(delivery(texasAlert([TOMBALL]), 'C0BUSY'))).toEqual({
      ok: false,
      permanent: false,
      reason: 'Slack rate limit: retry after 7 s',
      retryAfterMs: 7000,
    });
    expect(slack.posts).toHaveLength(1);
    // Retries spent (none allowed here): the client waited the Retry-After once, then gave up.
    slack.posts.length = 0;
    slack.scriptPosts('C0BUSY', { status: 429, retryAfter: 1 });
    expect(await sender({ retryConfig: { ...FAST_RETRIES, retries: 0 } }).send(delivery(texasAlert([TOMBALL]), 'C0BUSY'))).toEqual({
      ok: false,
      permanent: false,
      reason: 'Slack rate limit: retry after 1 s',
      retryAfterMs: 1000,
    });
    expect(slack.posts).toHaveLength(1);
    slack.scriptPosts('C0BUSY');
  });

  test('HTTP 500 on every attempt is transient after the configured 2 retries (3 attempts)', async () => {
    slack.scriptPosts('C0DOWN', { status: 500 });
    const result = await sender().send(delivery(texasAlert([TOMBALL]), 'C0DOWN'));
    expect(result).toEqual({ ok: false, permanent: false, reason: 'Slack answered HTTP 500 Internal Server Error' });
    expect(slack.posts).toHaveLength(SLACK_RETRY_POLICY.retries! + 1);
    expect(slack.delivered()).toEqual([]);
  });

  test('an answer later than the client timeout is transient; each attempt is cut at the timeout', async () => {
    slack.scriptPosts('C0SLOW', { delayMs: 2_000 });
    const started = Date.now();
    const result = await sender().send(delivery(texasAlert([TOMBALL]), 'C0SLOW'));
    expect(result).toEqual({ ok: false, permanent: false, reason: 'Slack did not answer in time' });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(slack.posts).toHaveLength(3);
  });

  test.each(Object.keys(PERMANENT_SLACK_ERRORS))(
    'platform error %s is permanent with that code, a reason and a fix; the client does not retry it',
    async (code) => {
      slack.scriptPosts('C0GONE', { error: code });
      const result = await sender().send(delivery(texasAlert([TOMBALL]), 'C0GONE'));
      expect(result).toEqual({
        ok: false,
        permanent: true,
        code,
        reason: PERMANENT_SLACK_ERRORS[code].reason,
        fix: PERMANENT_SLACK_ERRORS[code].fix,
      });
      expect(slack.posts).toHaveLength(1);
      slack.scriptPosts('C0GONE');
    },
  );

  test('the fixes say what a person must do', () => {
    expect(PERMANENT_SLACK_ERRORS.not_in_channel.fix).toBe('Invite the bot with /invite @ice-watch.');
    expect(PERMANENT_SLACK_ERRORS.is_archived.fix).toMatch(/^The channel was archived/);
    expect(PERMANENT_SLACK_ERRORS.token_revoked.fix).toMatch(/^The app was uninstalled or its token revoked: reinstall it/);
    expect(PERMANENT_SLACK_ERRORS.missing_scope.fix).toContain('chat:write');
  });

  test('missing_scope names the scope Slack says is needed', async () => {
    slack.scriptPosts('C0SCOPE', { error: 'missing_scope', extra: { needed: 'chat:write', provided: 'commands' } });
    const result = await sender().send(delivery(texasAlert([TOMBALL]), 'C0SCOPE'));
    expect(result).toMatchObject({
      permanent: true,
      code: 'missing_scope',
      reason: 'the app lacks the permission to post (needs chat:write)',
    });
  });

  test('another platform error (invalid_blocks, our bug) is transient: the channel is not paused for it', async () => {
    slack.scriptPosts('C0ODD', { error: 'invalid_blocks' });
    expect(await sender().send(delivery(texasAlert([TOMBALL]), 'C0ODD'))).toEqual({
      ok: false,
      permanent: false,
      reason: 'Slack refused the message: invalid_blocks',
    });
    expect(slack.posts).toHaveLength(1);
  });

  test('an alert of 300 signings stays within Slack limits and says how many more, naming /agreements', async () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      row(`Agency number ${i + 1} with a fairly long police department name`, {
        county: `County ${i + 1}`,
        moaUrl: `https://www.ice.gov/doclib/287gMOA/agency${i + 1}_TFM.pdf`,
      }),
    );
    await sender().send(delivery(texasAlert(many), 'C0TEXAS'));
    const blocks = slack.posts[0].body.blocks as any[];
    expectWithinSlackLimits(blocks);
    const texts = textsOf(blocks);
    const listed = texts
      .join('\n')
      .split('\n')
      .filter((l) => l.startsWith('• '));
    expect(listed.length).toBeGreaterThan(0);
    expect(texts.join('\n')).toContain(`… and ${300 - listed.length} more (/agreements tx lists them all)`);
    expect(texts).toContain('*Texas now*\n300 active (JEM 0 · TFM 300 · WSO 0)');
    expect(blocks[0].text.text).toBe('300 new 287(g) agreements in Texas');
    expect(blocks.at(-1).type).toBe('context');
  });

  test('tellChannel posts plain text (escaped, mrkdwn off); where it cannot, it logs and does not throw', async () => {
    const s = sender();
    const d = delivery(texasAlert([TOMBALL]), 'C0TEXAS');
    await s.tellChannel!(d, 'ice-watch paused alerts: <!here> & *this*. Invite the bot with /invite @ice-watch');
    expect(slack.posts[0].body).toEqual({
      channel: 'C0TEXAS',
      text: 'ice-watch paused alerts: &lt;!here&gt; &amp; *this*. Invite the bot with /invite @ice-watch',
      mrkdwn: 'false',
      unfurl_links: 'false',
      unfurl_media: 'false',
    });
    slack.scriptPosts('C0GONE', { error: 'channel_not_found' });
    await expect(s.tellChannel!(delivery(d.alert!, 'C0GONE'), 'paused')).resolves.toBeUndefined();
    expect(rawLogs.map((l) => JSON.parse(l))).toContainEqual(
      expect.objectContaining({ level: 40, channel: 'C0GONE', msg: 'slack: could not tell the channel why its alerts stopped' }),
    );
    slack.scriptPosts('C0GONE');
  });

  test('notifyOperatorChannel posts escaped plain text with line breaks kept, and reports a failure instead of throwing', async () => {
    const c = client();
    expect(await notifyOperatorChannel(c, 'C0OPS', 'Rejected participating_agencies.xlsx:\n<@U1> has no SIGNED column')).toEqual({
      ok: true,
    });
    expect(slack.posts[0].body).toMatchObject({
      channel: 'C0OPS',
      text: 'Rejected participating_agencies.xlsx:\n&lt;@U1&gt; has no SIGNED column',
      mrkdwn: 'false',
    });
    slack.scriptPosts('C0OPSGONE', { error: 'not_in_channel' });
    await expect(notifyOperatorChannel(c, 'C0OPSGONE', 'x', logger())).resolves.toMatchObject({
      ok: false,
      permanent: true,
      code: 'not_in_channel',
    });
    expect(rawLogs.map((l) => JSON.parse(l))).toContainEqual(
      expect.objectContaining({ level: 40, channel: 'C0OPSGONE', msg: 'slack: operator notice not posted' }),
    );
    slack.scriptPosts('C0OPSGONE');
  });

  test('the client posts with modest retries, a timeout, and waits out rate limits itself', () => {
    const options = slackWebClientOptions('https://slack.com/api/');
    expect(options).toMatchObject({
      slackApiUrl: 'https://slack.com/api/',
      retryConfig: { retries: 2 },
      timeout: SLACK_TIMEOUT_MS,
      rejectRateLimitedCalls: false,
    });
    expect(SLACK_TIMEOUT_MS).toBeGreaterThan(0);
  });

  test('through the outbox worker: a channel the bot left is paused, operators get the fix, other channels get their alert', async () => {
    const keyv = openDatabase('memory://');
    try {
      const outbox = createOutboxStore(keyv);
      const subscriptions = createSubscriptionStore(keyv);
      const who = { id: 'U0ASKER', name: 'reporter' };
      const sub = (channelId: string): Subscription => ({
        key: channelKey('slack', 'T0TEST', channelId),
        platform: 'slack',
        workspaceId: 'T0TEST',
        channelId,
        channelName: channelId,
        states: ['TX'],
        kinds: ['agreements', 'endings', 'pending'],
        models: null,
        mode: 'instant',
        createdBy: who,
        createdAt: FILE.fetchedAt,
        updatedBy: who,
        updatedAt: FILE.fetchedAt,
        paused: null,
      });
      await subscriptions.put(sub('C0TEXAS'));
      await subscriptions.put(sub('C0LEFT'));
      slack.scriptPosts('C0LEFT', { error: 'not_in_channel' });
      const c = client();
      await createAlertRouter({ subscriptions, outbox }).route([texasAlert([TOMBALL])], new Date(FILE.fetchedAt));
      const worker = createOutboxWorker({
        outbox,
        subscriptions,
        senders: [createSlackAlertSender({ client: c, logger: logger() })],
        logger: createLogger('silent'),
        notifyOperators: async (notices) => {
          for (const n of notices) await notifyOperatorChannel(c, 'C0OPS', n.text);
        },
      });
      await worker.drain();
      expect(slack.delivered('C0TEXAS')).toHaveLength(1);
      expect((await subscriptions.get(channelKey('slack', 'T0TEST', 'C0LEFT')))?.paused?.reason).toBe(
        'the bot is not a member of the channel',
      );
      expect(slack.delivered('C0OPS').map((p) => p.body.text)).toEqual([
        'Paused alerts for slack channel C0LEFT: the bot is not a member of the channel (not_in_channel). Invite the bot with /invite @ice-watch. 1 alert was kept for it, not sent; once it is fixed, /subscribe in that channel resumes its alerts.',
      ]);
      // The channel was told too, as far as Slack let the bot (here it cannot: not in the channel).
      expect(slack.posts.filter((p) => p.channel === 'C0LEFT').map((p) => p.answer)).toEqual(['not_in_channel', 'not_in_channel']);
      await worker.drain();
      expect(slack.posts.filter((p) => p.channel === 'C0TEXAS')).toHaveLength(1);
    } finally {
      slack.scriptPosts('C0LEFT');
      await keyv.close();
    }
  });
});
