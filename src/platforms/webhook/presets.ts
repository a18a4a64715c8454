import type { PlannedDelivery } from '../../domain/alerts/delivery-plan';
import { stripBidiControls } from '../../domain/text';
import { deliveryToReply } from '../../messages/alert-message';
import { cutList, moreLine, packLines } from '../../messages/list-cut';
import type { Line, Reply, Span } from '../../messages/reply';
import { clipMrkdwn, escapeMrkdwn, renderLine as slackLine } from '../../messages/slack-mrkdwn';
import type { WebhookPreset } from '../../store/webhook-store';
import { buildWebhookBody } from './payload';

/**
 * Slack's limits for one incoming-webhook message: 50 blocks, 3,000 characters a section's
 * text; and, as the Slack platform shows an unpaged list, at most 40 items of a list.
 */
export const SLACK_HOOK_LIMITS = { blocks: 50, sectionChars: 3_000, listItems: 40 } as const;
/** Teams: Adaptive Card messages over ~28 KB are refused; the card's text is kept well below. */
export const TEAMS_CARD_MAX_CHARS = 20_000;
/** The least room a Teams card keeps for each list after the first (so every list, and so every kind of event, appears). */
const TEAMS_LIST_LEAST_CHARS = 1_000;

/** One markup's way of writing a Reply's parts, each result a line of that markup. */
interface Markup {
  /** A heading or field name: escaped and bold. */
  heading(text: string): string;
  line(line: Line): string;
  /** Untrusted plain text (the footer, a list's hint), escaped. */
  text(text: string): string;
  /** Cuts rendered markup to `max` characters with "…", never inside a link, an entity or a bold run. */
  clip(text: string, max: number): string;
}

const SLACK: Markup = {
  heading: (text) => {
    const inner = escapeMrkdwn(text).trim();
    return inner ? `*${inner}*` : '';
  },
  line: slackLine,
  text: escapeMrkdwn,
  clip: clipMrkdwn,
};

/** Look-alikes for characters Teams' markdown would read as formatting (it has no escape for them), and for `<` `>`. */
const TEAMS_LOOK_ALIKES: Record<string, string> = {
  '*': '\uFF0A',
  _: '\uFF3F',
  '~': '\uFF5E',
  '`': '\uFF40',
  '[': '\uFF3B',
  ']': '\uFF3D',
  '<': '\uFF1C',
  '>': '\uFF1E',
};
const isWebUrl = (url: string) => /^https?:\/\/[^\s]+$/i.test(url);
/** Untrusted text (ICE's cells) as inert Teams markdown: no formatting, no line breaks, no bidirectional controls. */
const teamsText = (text: string) =>
  stripBidiControls(text)
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(/[*_~`[\]<>]/g, (c) => TEAMS_LOOK_ALIKES[c]);
/** A URL inside `[text](url)`: what could end it or open markup percent-encoded. */
const teamsUrl = (url: string) => url.replace(/[()[\]* ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const teamsBold = (inner: string) => (inner ? `**${inner}**` : '');

function teamsSpan(span: Span): string {
  if (typeof span === 'string') return teamsText(span);
  if ('bold' in span) return teamsBold(teamsText(span.bold).trim());
  if ('code' in span) return teamsText(span.code);
  const text = teamsText(span.text).trim() || teamsText(span.link);
  return isWebUrl(span.link) ? `[${text}](${teamsUrl(span.link)})` : text;
}

/**
 * Teams markdown cut to `max` characters with "…": a link cut short (`[text](https://…`) or a bold
 * run left open is dropped whole. Text's own `[`, `]` and `*` are look-alikes and a link's URL has
 * no `)`, so the last `[` opens the only link that can be open.
 */
export function clipTeams(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const open = cut.lastIndexOf('[');
  if (open >= 0 && !/^\[[^\]]*\]\([^)]*\)/.test(cut.slice(open))) cut = cut.slice(0, open);
  if ((cut.match(/\*\*/g) ?? []).length % 2) cut = cut.slice(0, cut.lastIndexOf('**'));
  return `${cut}…`;
}

const TEAMS: Markup = {
  heading: (text) => teamsBold(teamsText(text).trim()),
  line: (line) => line.map(teamsSpan).join(''),
  text: teamsText,
  clip: clipTeams,
};

/** A Reply's parts as lines of markup: fixed ones (text, fields, footer) and lists, which can be cut. */
type Part =
  | { kind: 'fixed'; lines: string[] }
  | { kind: 'list'; head: string[]; items: string[]; more: (hidden: number) => string; maxItems: number };

function partsOf(reply: Reply, m: Markup, lineMax: number, maxItems: number): Part[] {
  const parts: Part[] = reply.blocks.map((block): Part => {
    if (block.kind === 'text') return { kind: 'fixed', lines: block.lines.map((l) => m.clip(m.line(l), lineMax)) };
    if (block.kind === 'fields')
      return { kind: 'fixed', lines: block.fields.map((f) => m.clip(`${m.heading(f.name)}: ${m.line(f.value)}`, lineMax)) };
    return {
      kind: 'list',
      head: block.heading ? [m.heading(block.heading)] : [],
      items: block.items.map((i) => m.clip(`• ${m.line(i)}`, lineMax)),
      more: (hidden) => m.text(moreLine(hidden, block.moreHint)),
      maxItems,
    };
  });
  if (reply.footer) parts.push({ kind: 'fixed', lines: [m.text(reply.footer)] });
  return parts.filter((p) => (p.kind === 'fixed' ? p.lines.some((l) => l.trim()) : p.head.length || p.items.length));
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/**
 * The parts in at most `budget` Slack sections. Each part leaves room for the ones after it (a
 * list needs one section), so a long first list never pushes a later one out; a list that does not
 * fit shows its first items and "… and N more" with its hint.
 */
function slackSections(parts: readonly Part[], budget: number): string[] {
  const max = SLACK_HOOK_LIMITS.sectionChars;
  const least = parts.map((p) => (p.kind === 'list' ? 1 : packLines(p.lines, max).length));
  const out: string[] = [];
  parts.forEach((p, i) => {
    const room = budget - out.length - sum(least.slice(i + 1));
    if (room <= 0) return;
    const lines =
      p.kind === 'fixed'
        ? p.lines
        : [...p.head, ...cutList(p.items, (ls) => packLines([...p.head, ...ls], max).length <= room, p.more, p.maxItems)];
    out.push(...packLines(lines, max).slice(0, room));
  });
  return out;
}

/** The parts as Teams text blocks within `budget` characters, each list cut at its items as slackSections does. */
function teamsTexts(parts: readonly Part[], budget: number): string[] {
  const full = (p: Part) => (p.kind === 'fixed' ? p.lines : [...p.head, ...p.items]).join('\n').length;
  const least = parts.map((p) => (p.kind === 'list' ? Math.min(full(p), TEAMS_LIST_LEAST_CHARS) : full(p)));
  const out: string[] = [];
  let used = 0;
  parts.forEach((p, i) => {
    const room = budget - used - sum(least.slice(i + 1));
    if (room <= 0) return;
    const lines =
      p.kind === 'fixed'
        ? p.lines
        : [...p.head, ...cutList(p.items, (ls) => [...p.head, ...ls].join('\n').length <= room, p.more, p.maxItems)];
    const text = clipTeams(lines.join('\n'), room);
    used += text.length;
    out.push(text);
  });
  return out;
}

/**
 * A Slack incoming-webhook message: `text` (the title, for notifications) and mrkdwn sections,
 * written as the Slack platform writes them (src/messages/slack-mrkdwn.ts: entities for `&`, `<`,
 * `>`, look-alikes for formatting marks; `verbatim` stops Slack from linking bare names). A list
 * too long for the message is cut at its items and ends "… and N more" with its hint.
 */
export function buildSlackHookMessage(reply: Reply): { text: string; blocks: object[] } {
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } });
  const title = SLACK.clip(SLACK.heading(reply.title), SLACK_HOOK_LIMITS.sectionChars);
  const parts = partsOf(reply, SLACK, SLACK_HOOK_LIMITS.sectionChars, SLACK_HOOK_LIMITS.listItems);
  const body = slackSections(parts, SLACK_HOOK_LIMITS.blocks - 1).map(section);
  return { text: clipMrkdwn(escapeMrkdwn(reply.title), SLACK_HOOK_LIMITS.sectionChars), blocks: [section(title), ...body] };
}

/**
 * A Teams incoming-webhook message (the Workflows "post to a channel when a webhook request is
 * received" format): one Adaptive Card whose text blocks carry the alert in Teams' markdown,
 * ICE's text made inert (look-alikes for `*`, `_`, `[`, `]`, `<`, `>`), a long list cut at its
 * items with "… and N more".
 */
export function buildTeamsHookMessage(reply: Reply): object {
  const title = teamsText(reply.title);
  const parts = partsOf(reply, TEAMS, TEAMS_CARD_MAX_CHARS, SLACK_HOOK_LIMITS.listItems);
  const body: object[] = [
    { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: title },
    ...teamsTexts(parts, TEAMS_CARD_MAX_CHARS - title.length).map((text) => ({ type: 'TextBlock', wrap: true, text })),
  ];
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
