import { MessageFlags } from 'discord.js';
import { errorReply, type Reply } from '../../../commands/reply';
import { UserError } from '../../domain/user-error';
import type { Logger } from '../../logger';
import type { CommandInteraction } from './command-context';
import { renderReplyForDiscord } from './render-reply';

/** Discord voids an interaction not answered within 3 s; after this long we defer first. */
export const DEFER_AFTER_MS = 2000;

/** What the asker sees when something broke on our side (the details go to the log). */
export const GENERIC_ERROR = 'Something went wrong on our side. It has been logged; please try again in a while.';

/** The Reply for a failed run: a UserError's own words, else the generic message (and a log line). */
export function replyForError(err: unknown, log: Logger): Reply {
  if (err instanceof UserError) return errorReply(err.message);
  log.error({ err }, 'command failed');
  return errorReply(GENERIC_ERROR);
}

/** Runs a command to a Reply that is always there: errors become error replies. */
export async function settleReply(run: () => Promise<Reply>, log: Logger): Promise<Reply> {
  try {
    return await run();
  } catch (err) {
    return replyForError(err, log);
  }
}

/** discord.js message options for a rendered Reply; mentions are never parsed. */
export function messageOptions(reply: Reply): MessageOptions {
  const payload = renderReplyForDiscord(reply);
  const options: MessageOptions = { embeds: payload.embeds, components: payload.components, allowedMentions: { parse: [] } };
  return payload.flags ? { ...options, flags: MessageFlags.Ephemeral } : options;
}

interface MessageOptions {
  embeds: ReturnType<typeof renderReplyForDiscord>['embeds'];
  components: ReturnType<typeof renderReplyForDiscord>['components'];
  allowedMentions: { parse: [] };
  flags?: MessageFlags.Ephemeral;
}

/** The same without flags, for edits and updates (a message cannot become ephemeral later). */
function editOptions(reply: Reply): Omit<MessageOptions, 'flags'> {
  const { flags: _flags, ...rest } = messageOptions(reply);
  return rest;
}

/**
 * Answers an interaction with the Reply that `work` settles to, within Discord's 3 s:
 * directly when it is ready in DEFER_AFTER_MS, else after deferring.
 *
 * `reply` mode (a slash command) posts a new message; `update` mode (a paging button) replaces
 * the message the button is on. An ephemeral Reply (an error) never replaces a public message:
 * it goes to the asker alone, as the reply, or as a follow-up once a public "thinking…" was
 * shown (which is then removed).
 */
export async function answer(interaction: CommandInteraction, work: Promise<Reply>, mode: 'reply' | 'update', deferAfterMs = DEFER_AFTER_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), deferAfterMs);
  });
  const early = await Promise.race([work, late]);
  clearTimeout(timer);
  if (early) {
    if (mode === 'update' && !early.ephemeral && interaction.isButton()) await interaction.update(editOptions(early));
    else await interaction.reply(messageOptions(early));
    return;
  }
  if (mode === 'update' && interaction.isButton()) await interaction.deferUpdate();
  else await interaction.deferReply();
  const reply = await work;
  if (!reply.ephemeral) {
    await interaction.editReply(editOptions(reply));
    return;
  }
  if (mode === 'reply') await interaction.deleteReply();
  await interaction.followUp(messageOptions(reply));
}
