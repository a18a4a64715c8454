import { createHmac } from 'node:crypto';
import type { PlannedDelivery } from '../../../src/domain/alerts/delivery-plan';
import { alertToReply } from '../../../src/messages/alert-message';
import { renderAlertAsText } from '../../../src/platforms/console/render-reply';
import { buildWebhookBody } from '../../../src/platforms/webhook/payload';
import { buildSlackHookMessage, buildTeamsHookMessage, renderWebhookBody } from '../../../src/platforms/webhook/presets';
import { signWebhookBody, verifyWebhookSignature } from '../../../src/platforms/webhook/signature';
import { ev, floridaAlert } from '../../helpers/alert-events';

const alert = floridaAlert([ev.signed("Okaloosa County Sheriff's Office"), ev.signed('Walton *County* <!here> _Jail_')]);
const delivery: PlannedDelivery = {
  id: `${alert.id}:webhook:webhook:wh_0123456789ab`,
  subscriptionKey: 'webhook:webhook:wh_0123456789ab',
  platform: 'webhook',
  workspaceId: 'webhook',
  channelId: 'wh_0123456789ab',
  mode: 'instant',
  alert,
};

describe('the signature', () => {
  test('is sha256= and the hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret', () => {
    const body = '{"id":"x"}';
    const expected = createHmac('sha256', 'the-secret').update(`1767225600.${body}`).digest('hex');
    expect(signWebhookBody('the-secret', 1767225600, body)).toBe(`sha256=${expected}`);
  });

  test('verifies with the right secret, body and a recent timestamp only', () => {
    const body = JSON.stringify({ id: 'd1' });
    const signature = signWebhookBody('s3cret', 1000, body);
    const ok = (secret: string, b: string, nowSec: number) =>
      verifyWebhookSignature(secret, { timestamp: '1000', signature }, b, { nowSec });
    expect(ok('s3cret', body, 1000)).toBe(true);
    expect(ok('other', body, 1000)).toBe(false);
    expect(ok('s3cret', `${body} `, 1000)).toBe(false);
    expect(ok('s3cret', body, 1000 + 301)).toBe(false);
  });
});

describe('the json body', () => {
  test('carries the delivery id, type, state, the console text, the events and the publication', () => {
    const body = buildWebhookBody(delivery);
    expect(body).toEqual({
      id: delivery.id,
      type: 'alert.287g',
      state: 'FL',
      text: renderAlertAsText(alert),
      events: alert.events,
      publication: {
        fileName: 'participatingAgencies06032025pm.xlsx',
        url: 'https://www.ice.gov/doclib/about/offices/ero/pdf/participatingAgencies06032025pm.xlsx',
        sha256: 'abc123',
        fetchedAt: '2025-06-03T21:04:11.000Z',
      },
    });
    expect(body.text).toContain('2 new 287(g) agreements in Florida');
    expect(JSON.parse(renderWebhookBody(delivery, 'json'))).toEqual(body);
  });

  test('a digest is typed `digest` with every state’s events', () => {
    const digest = { mode: 'daily' as const, period: '2025-06-03', alerts: [alert], title: 'Daily 287(g) digest' };
    const body = buildWebhookBody({ ...delivery, digest });
    expect(body).toMatchObject({ type: 'digest', state: null, events: alert.events });
    expect(body.text).toContain('Daily 287(g) digest');
  });
});

describe('the presets', () => {
  test('slack: an incoming-webhook message with the title as text and inert mrkdwn sections', () => {
    const message = buildSlackHookMessage(alertToReply(alert));
    expect(message.text).toBe(alert.title);
    const texts = message.blocks.map((b) => (b as { text: { text: string; verbatim: boolean } }).text);
    expect(texts.every((t) => t.verbatim)).toBe(true);
    const all = texts.map((t) => t.text).join('\n');
    expect(all).toContain(`*${alert.title}*`);
    // ICE's text can neither mention nor format.
    expect(all).toContain('&lt;!here&gt;');
    expect(all).not.toContain('<!here>');
    expect(all).toContain('Walton ＊County＊');
    expect(all).toContain('＿Jail＿');
    // MOA links are Slack links.
    expect(all).toMatch(/<https:\/\/www\.ice\.gov\/doclib\/287gMOA\/[^|>]+\|[^>]+>/);
  });

  test('teams: one Adaptive Card whose text blocks carry the title and the alert, ICE’s markup made inert', () => {
    const message = buildTeamsHookMessage(alertToReply(alert)) as {
      type: string;
      attachments: Array<{ contentType: string; content: { type: string; body: Array<{ text: string }> } }>;
    };
    expect(message.type).toBe('message');
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = message.attachments[0].content;
    expect(card.type).toBe('AdaptiveCard');
    expect(card.body[0].text).toBe(alert.title);
    const all = card.body.map((b) => b.text).join('\n');
    expect(all).toContain('Walton ＊County＊ ＜!here＞ ＿Jail＿');
    expect(all).toMatch(/\[[^\]]+\]\(https:\/\/www\.ice\.gov\/doclib\/287gMOA\/[^)]+\)/);
  });
});
