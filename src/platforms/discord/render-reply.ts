import { MessageFlags } from 'discord.js';
import type { Reply, ReplyField } from '../../messages/reply';
import { renderDescription } from './description';
import { clipPlain, fitEscaped, renderLineWithin } from './discord-text';
import { buildPagingRow, type ActionRowBody } from './paging-id';

/** Discord's embed limits (characters are UTF-16 units, as Discord counts them). */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** Title, description, field names and values and footer together. */
  total: 6000,
} as const;

/** Embed colours by tone: Discord's blurple, green and red. */
export const TONE_COLORS: Record<Reply['tone'], number> = { info: 0x5865f2, success: 0x57f287, error: 0xed4245 };

/** Room fields must leave the description: a few lines and a "… and N more". */
const DESCRIPTION_MIN_ROOM = 200;
const EMPTY_FIELD = '—';

/** One embed as Discord's REST API takes it (the parts this bot uses). */
export interface EmbedBody {
  title?: string;
  color: number;
  description?: string;
  fields?: Array<{ name: string; value: string; inline?: boolean }>;
  footer?: { text: string };
  /** The reply's picture, sent with the message as an attachment: `attachment://<file name>`. */
  image?: { url: string };
}

/** A Discord message body (REST shape): one embed, paging buttons, and never a mention. */
export interface DiscordMessagePayload {
  embeds: EmbedBody[];
  components: ActionRowBody[];
  flags?: MessageFlags.Ephemeral;
  allowed_mentions: { parse: [] };
}

/**
 * Renders a neutral Reply as one Discord message: title, description from text and list
 * blocks, fields, footer, colour by tone, Previous/Next buttons for paging, the ephemeral
 * flag for private answers. Every limit of EMBED_LIMITS is kept by cutting, never by failing:
 * a cut list ends with "… and N more" and how to see them, and lists share the room so that
 * none is dropped for another (see renderDescription). With `imageName`, the embed shows
 * the attachment of that name (the sender attaches the PNG to the same message).
 */
export function renderReplyForDiscord(reply: Reply, imageName?: string): DiscordMessagePayload {
  const title = fitEscaped(reply.title, EMBED_LIMITS.title);
  const row = reply.paging ? buildPagingRow(reply.paging) : null;
  const pageNote = reply.paging && !row ? `page ${reply.paging.page}/${reply.paging.pages}` : '';
  // Footers show no markdown and no mentions: plain text, only cut.
  const footerText = [reply.footer, pageNote].filter(Boolean).join(' · ');
  const footer = footerText ? clipPlain(footerText, EMBED_LIMITS.footer) : '';

  let room = EMBED_LIMITS.total - title.length - footer.length;
  const fields: NonNullable<EmbedBody['fields']> = [];
  for (const field of reply.blocks.flatMap((b) => (b.kind === 'fields' ? b.fields : []))) {
    if (fields.length === EMBED_LIMITS.fields) break;
    const rendered = renderField(field);
    const size = rendered.name.length + rendered.value.length;
    // Fields give way to the description: they must leave it room for at least a few lines.
    if (room - size < DESCRIPTION_MIN_ROOM) break;
    fields.push(rendered);
    room -= size;
  }
  const description = renderDescription(reply, Math.min(EMBED_LIMITS.description, room), Boolean(row));

  const embed: EmbedBody = title ? { title, color: TONE_COLORS[reply.tone] } : { color: TONE_COLORS[reply.tone] };
  if (description) embed.description = description;
  if (fields.length) embed.fields = fields;
  if (footer) embed.footer = { text: footer };
  if (imageName) embed.image = { url: `attachment://${imageName}` };
  const payload: DiscordMessagePayload = { embeds: [embed], components: row ? [row] : [], allowed_mentions: { parse: [] } };
  if (reply.ephemeral) payload.flags = MessageFlags.Ephemeral;
  return payload;
}

function renderField(field: ReplyField): { name: string; value: string; inline?: boolean } {
  const name = fitEscaped(field.name, EMBED_LIMITS.fieldName) || EMPTY_FIELD;
  const value = renderLineWithin(field.value, EMBED_LIMITS.fieldValue) || EMPTY_FIELD;
  return field.inline === undefined ? { name, value } : { name, value, inline: field.inline };
}
