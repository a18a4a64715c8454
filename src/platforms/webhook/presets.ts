import type { PlannedDelivery } from '../../domain/alerts/delivery-plan';
import { stripBidiControls } from '../../domain/text';
import { deliveryToReply } from '../../messages/alert-message';
import type { Line, Reply, Span } from '../../messages/reply';
import type { WebhookPreset } from '../../store/webhook-store';
import { buildWebhookBody } from './payload';

/**
 * Slack's limits for one incoming-webhook message: 50 blocks, 3,000 characters a section's
 * text; `text` (the notification's fallback) is kept short.
 */
export const SLACK_HOOK_LIMITS = { blocks: 50, sectionChars: 3_000, textChars: 3_000 } as const;
/** Teams: Adaptive Card messages over ~28 KB are refused; the card is cut well below. */
export const TEAMS_CARD_MAX_CHARS = 20_000;

/** Look-alikes for characters a chat's markup would read as formatting (Slack and Teams have no escape for them). */
const LOOK_ALIKES: Record<string, string> = { '*': '\uFF0A', _: '\uFF3F', '~': '\uFF5E', '`': '\uFF40', '[': '\uFF3B', ']': '\uFF3D' };
const isWebUrl = (url: string) => /^https?:\/\/[^\s]+$/i.test(url);
/** Untrusted text (ICE's cells) as inert markup: no formatting, no line breaks, no bidirectional controls. */
const inert = (text: string) =>
  stripBidiControls(text)
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(/[*_~`[\]]/g, (c) => LOOK_ALIKES[c]);

interface Markup {
  /** Escapes what the platform parses as control characters (Slack: `&`, `<`, `>`). */
  escape(text: string): string;
  bold(inner: string): string;
  link(url: string, text: string): string;
}

const SLACK: Markup = {
  // Entities defuse <!here>, <@U123> and links: Slack's own rule for incoming text.
  escape: (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  bold: (inner) => `*${inner}*`,
  link: (url, text) => `<${SLACK.escape(url).replace(/\|/g, '%7C')}|${text}>`,
};
const TEAMS: Markup = {
  escape: (text) => text.replace(/</g, '\uFF1C').replace(/>/g, '\uFF1E'),
  bold: (inner) => `**${inner}**`,
  link: (url, text) => `[${text}](${url.replace(/\)/g, '%29').replace(/ /g, '%20')})`,
};

function renderSpan(span: Span, m: Markup): string {
  if (typeof span === 'string') return m.escape(inert(span));
  if ('bold' in span) {
    const inner = m.escape(inert(span.bold)).trim();
    return inner ? m.bold(inner) : '';
  }
  if ('code' in span) return m.escape(inert(span.code));
  const text = m.escape(inert(span.text)).trim() || m.escape(inert(span.link));
  return isWebUrl(span.link) ? m.link(span.link, text) : text;
}
const renderLine = (line: Line, m: Markup) => line.map((s) => renderSpan(s, m)).join('');

/** A Reply as paragraphs of markup: each block one paragraph (its heading bold, its items bulleted), then the footer. */
function paragraphs(reply: Reply, m: Markup): string[] {
  const out: string[] = [];
  for (const block of reply.blocks) {
    if (block.kind === 'text') out.push(block.lines.map((l) => renderLine(l, m)).join('\n'));
    else if (block.kind === 'fields')
      out.push(block.fields.map((f) => `${m.bold(m.escape(inert(f.name)))}: ${renderLine(f.value, m)}`).join('\n'));
    else
      out.push(
        [...(block.heading ? [m.bold(m.escape(inert(block.heading)))] : []), ...block.items.map((i) => `• ${renderLine(i, m)}`)].join('\n'),
      );
  }
  if (reply.footer) out.push(m.escape(inert(reply.footer)));
  return out.filter((p) => p.trim());
}

/** Cuts text to `max` characters at a line break where it can, ending with "…". */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const nl = cut.lastIndexOf('\n');
  return `${nl > max / 2 ? cut.slice(0, nl) : cut}…`;
}

/**
 * A Slack incoming-webhook message: `text` (the plain title, for notifications) and mrkdwn
 * sections. ICE's text is made inert as the Slack platform does it (entities for `&`, `<`,
 * `>`; look-alikes for formatting marks), and `verbatim` stops Slack from linking bare names.
 */
export function buildSlackHookMessage(reply: Reply): { text: string; blocks: object[] } {
  const sections = paragraphs(reply, SLACK).map((p) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: clip(p, SLACK_HOOK_LIMITS.sectionChars), verbatim: true },
  }));
  const title = { type: 'section', text: { type: 'mrkdwn', text: SLACK.bold(SLACK.escape(inert(reply.title))), verbatim: true } };
  const blocks = [title, ...sections].slice(0, SLACK_HOOK_LIMITS.blocks);
  return { text: clip(SLACK.escape(inert(reply.title)), SLACK_HOOK_LIMITS.textChars), blocks };
}

/**
 * A Teams incoming-webhook message (the Workflows "post to a channel when a webhook request is
 * received" format): one Adaptive Card whose text blocks carry the alert in Teams' markdown,
 * ICE's text made inert (look-alikes for `*`, `_`, `[`, `]`, `<`, `>`).
 */
export function buildTeamsHookMessage(reply: Reply): object {
  let budget = TEAMS_CARD_MAX_CHARS;
  const body: object[] = [{ type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: TEAMS.escape(inert(reply.title)) }];
  for (const p of paragraphs(reply, TEAMS)) {
    if (budget <= 0) break;
    const text = clip(p, budget);
    budget -= text.length;
    body.push({ type: 'TextBlock', wrap: true, text });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body },
      },
    ],
  };
}

/** The body an endpoint of this preset is sent for a delivery, as JSON text (the exact bytes that are signed). */
export function renderWebhookBody(delivery: PlannedDelivery, preset: WebhookPreset): string {
  if (preset === 'slack') return JSON.stringify(buildSlackHookMessage(deliveryToReply(delivery)));
  if (preset === 'teams') return JSON.stringify(buildTeamsHookMessage(deliveryToReply(delivery)));
  return JSON.stringify(buildWebhookBody(delivery));
}
