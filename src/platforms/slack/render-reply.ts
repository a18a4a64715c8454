import type { types } from '@slack/bolt';
import { lineText, type Line, type Reply, type ReplyBlock, type ReplyField } from '../../messages/reply';
import { clipMrkdwn, clipPlain, escapeMrkdwn, renderLine } from './mrkdwn';
import { encodePageValue, PAGE_NEXT_ACTION_ID, PAGE_PREV_ACTION_ID } from './paging';

/** Slack's limits (Block Kit reference), named so the renderer and its tests agree. */
export const MAX_BLOCKS = 50;
export const HEADER_MAX_CHARS = 150;
export const SECTION_TEXT_MAX_CHARS = 3000;
export const MAX_FIELDS_PER_SECTION = 10;
export const FIELD_TEXT_MAX_CHARS = 2000;
export const CONTEXT_TEXT_MAX_CHARS = 3000;
/** Our own limits: the notification text, and how many items of an unpaged list are shown before "… and N more". */
export const FALLBACK_TEXT_MAX_CHARS = 300;
export const MAX_LIST_ITEMS = 40;
export const MORE_HINT = '(narrow with model:, county:, since:)';

/** What a slash command's response_url (or a button's) is sent. */
export interface SlackMessage {
  response_type: 'ephemeral' | 'in_channel';
  /** Fallback for notifications and screen readers (mrkdwn, escaped like the blocks). */
  text: string;
  blocks: types.KnownBlock[];
}

/**
 * Who sees an answer. Errors are ephemeral: only the asker sees them. Subscription
 * confirmations (`announce`) are posted in the channel, as the SPEC asks. Lookups
 * (/agreements, /agency, /totals...) are also answered in the channel: the data is public,
 * the channel sees the question with the answer (Slack shows the command of an in_channel
 * response), and sharing the answer is why someone asks in a channel. A command that wants
 * privacy says `ephemeral`.
 */
export function responseTypeOf(reply: Reply): SlackMessage['response_type'] {
  if (reply.announce) return 'in_channel';
  return reply.ephemeral || reply.tone === 'error' ? 'ephemeral' : 'in_channel';
}

/** A picture uploaded to Slack (files.uploadV2), shown in an image block by its file id. */
export interface SlackImage {
  fileId: string;
  title: string;
  altText: string;
}

/** Slack's limits on an image block's texts. */
export const IMAGE_ALT_MAX_CHARS = 2000;
export const IMAGE_TITLE_MAX_CHARS = 2000;

/**
 * Renders a neutral Reply as Block Kit: a header with the title, sections for text, fields
 * and lists, the picture (an image block of an uploaded file) when one is given,
 * Previous/Next buttons when the reply is paged, and the footer as a context
 * block. Every limit of Slack is respected; an unpaged list longer than MAX_LIST_ITEMS, or
 * than the blocks left, ends with "… and N more" and its hint (or "narrow with model:, county:,
 * since:"), and no list is dropped for another (see bodyBlocks).
 */
export function renderReplyForSlack(reply: Reply, image?: SlackImage): SlackMessage {
  const title = clipPlain(reply.title, HEADER_MAX_CHARS);
  const head: types.KnownBlock[] = title ? [{ type: 'header', text: { type: 'plain_text', text: title, emoji: false } }] : [];
  const tail = tailBlocks(reply);
  const picture: types.KnownBlock[] = image
    ? [
        {
          type: 'image',
          slack_file: { id: image.fileId },
          alt_text: clipPlain(image.altText, IMAGE_ALT_MAX_CHARS),
          title: { type: 'plain_text', text: clipPlain(image.title, IMAGE_TITLE_MAX_CHARS), emoji: false },
        },
      ]
    : [];
  const body = bodyBlocks(reply.blocks, MAX_BLOCKS - head.length - tail.length - picture.length);
  return { response_type: responseTypeOf(reply), text: fallbackText(reply), blocks: [...head, ...body, ...picture, ...tail] };
}

function fallbackText(reply: Reply): string {
  const first = reply.blocks[0]?.kind === 'text' ? reply.blocks[0].lines[0] : undefined;
  const plain = first ? `${reply.title}: ${lineText(first)}` : reply.title;
  return escapeMrkdwn(clipPlain(plain, FALLBACK_TEXT_MAX_CHARS));
}

const mrkdwn = (text: string): types.MrkdwnElement => ({ type: 'mrkdwn', text, verbatim: true });
const section = (text: string): types.SectionBlock => ({ type: 'section', text: mrkdwn(text) });

/**
 * The reply's blocks within `budget` Slack blocks. Each block leaves room for the ones after
 * it (a list needs one section for its heading, first items and "… and N more"), so a long
 * first list can never push a later one out: every list, and so every kind of event of an
 * alert, appears.
 */
function bodyBlocks(blocks: readonly ReplyBlock[], budget: number): types.KnownBlock[] {
  const out: types.KnownBlock[] = [];
  const least = blocks.map(leastSections);
  for (const [i, block] of blocks.entries()) {
    const later = least.slice(i + 1).reduce((a, b) => a + b, 0);
    const remaining = Math.max(Math.min(1, budget - out.length), budget - out.length - later);
    if (remaining <= 0) break;
    const rendered =
      block.kind === 'list'
        ? listSections(block.heading, block.items, remaining, block.moreHint)
        : block.kind === 'text'
          ? textSections(block.lines)
          : fieldSections(block.fields);
    if (rendered.length <= remaining) out.push(...rendered);
    else out.push(...rendered.slice(0, remaining - 1), section('… the rest did not fit in one message.'));
  }
  return out;
}

/** The fewest sections a block can take: a list one (or none when empty), text and fields what they need. */
function leastSections(block: ReplyBlock): number {
  if (block.kind === 'list') return block.heading || block.items.length ? 1 : 0;
  return block.kind === 'text' ? textSections(block.lines).length : fieldSections(block.fields).length;
}

const textSections = (lines: readonly Line[]) =>
  packLines(lines.map((l) => clipMrkdwn(renderLine(l), SECTION_TEXT_MAX_CHARS))).map(section);

/** Joins lines into as few texts of at most SECTION_TEXT_MAX_CHARS as keep the lines whole; blank texts are dropped. */
function packLines(lines: readonly string[]): string[] {
  const chunks: string[] = [];
  let current: string | null = null;
  for (const line of lines) {
    if (current !== null && current.length + 1 + line.length <= SECTION_TEXT_MAX_CHARS) current += `\n${line}`;
    else {
      if (current !== null) chunks.push(current);
      current = line;
    }
  }
  if (current !== null) chunks.push(current);
  return chunks.filter((c) => c.trim() !== '');
}

/** A list in at most `maxSections` sections: as many items as fit (and at most MAX_LIST_ITEMS), then "… and N more". */
function listSections(heading: string | undefined, items: readonly Line[], maxSections: number, moreHint?: string): types.SectionBlock[] {
  const lines = items.map((item) => clipMrkdwn(`• ${renderLine(item)}`, SECTION_TEXT_MAX_CHARS));
  const head = heading ? [`*${escapeMrkdwn(heading)}*`] : [];
  for (let shown = Math.min(lines.length, MAX_LIST_ITEMS); ; shown--) {
    const hidden = lines.length - shown;
    const chunks = packLines([
      ...head,
      ...lines.slice(0, shown),
      ...(hidden ? [`… and ${hidden} more ${moreHint ? escapeMrkdwn(moreHint) : MORE_HINT}`] : []),
    ]);
    if (chunks.length <= maxSections || shown === 0) return chunks.slice(0, maxSections).map(section);
  }
}

function fieldSections(fields: readonly ReplyField[]): types.SectionBlock[] {
  const texts = fields
    .map((f) =>
      clipMrkdwn([f.name.trim() ? `*${escapeMrkdwn(f.name)}*` : '', renderLine(f.value)].filter(Boolean).join('\n'), FIELD_TEXT_MAX_CHARS),
    )
    .filter((t) => t.trim() !== '');
  const out: types.SectionBlock[] = [];
  for (let i = 0; i < texts.length; i += MAX_FIELDS_PER_SECTION) {
    out.push({ type: 'section', fields: texts.slice(i, i + MAX_FIELDS_PER_SECTION).map(mrkdwn) });
  }
  return out;
}

/** Previous/Next buttons (when paged) and the footer with the page number, as a context block. */
function tailBlocks(reply: Reply): types.KnownBlock[] {
  const out: types.KnownBlock[] = [];
  const notes: string[] = reply.footer ? [escapeMrkdwn(reply.footer)] : [];
  const paging = reply.paging;
  if (paging && paging.pages > 1) {
    const target = (page: number) => encodePageValue({ command: paging.command, args: paging.args, page });
    const prev = paging.page > 1 ? target(paging.page - 1) : null;
    const next = paging.page < paging.pages ? target(paging.page + 1) : null;
    const buttons: types.Button[] = [];
    if (prev) buttons.push(button(PAGE_PREV_ACTION_ID, '◀ Previous', prev));
    if (next) buttons.push(button(PAGE_NEXT_ACTION_ID, 'Next ▶', next));
    if (buttons.length) out.push({ type: 'actions', elements: buttons });
    const tooLong = (paging.page > 1 && !prev) || (paging.page < paging.pages && !next);
    notes.push(`Page ${paging.page} of ${paging.pages}${tooLong ? ' (add page:N to the command for another page)' : ''}`);
  }
  if (notes.length) out.push({ type: 'context', elements: notes.map((n) => mrkdwn(clipMrkdwn(n, CONTEXT_TEXT_MAX_CHARS))) });
  return out;
}

function button(actionId: string, label: string, value: string): types.Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text: label, emoji: false }, value };
}
