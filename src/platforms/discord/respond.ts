import { MessageFlags } from 'discord.js';
import type { Reply } from '../../messages/reply';
import type { ChartRenderer, RenderedChart } from '../../charts/render-chart';
import type { Logger } from '../../logging/logger';
import type { CommandInteraction } from './command-context';
import { renderReplyForDiscord } from './render-reply';

/** Discord voids an interaction not answered within 3 s; after this long we defer first. */
export const DEFER_AFTER_MS = 2000;

/** discord.js message options for a rendered Reply (with its picture, when one was drawn in time); mentions are never parsed. */
export function messageOptions(reply: Reply, chart: RenderedChart | null = null): MessageOptions {
  const payload = renderReplyForDiscord(reply, chart?.fileName);
  const options: MessageOptions = { embeds: payload.embeds, components: payload.components, allowedMentions: { parse: [] } };
  // discord.js sends files as multipart/form-data and lists them in `attachments`; the embed shows `attachment://<name>`.
  if (chart) options.files = [{ attachment: chart.png, name: chart.fileName, description: chart.altText.slice(0, 1024) }];
  return payload.flags ? { ...options, flags: MessageFlags.Ephemeral } : options;
}

interface MessageOptions {
  embeds: ReturnType<typeof renderReplyForDiscord>['embeds'];
  components: ReturnType<typeof renderReplyForDiscord>['components'];
  allowedMentions: { parse: [] };
  files?: Array<{ attachment: Buffer; name: string; description: string }>;
  flags?: MessageFlags.Ephemeral;
}

/** The same without flags, for edits and updates (a message cannot become ephemeral later). */
function editOptions(reply: Reply, chart: RenderedChart | null = null): Omit<MessageOptions, 'flags'> {
  const { flags: _flags, ...rest } = messageOptions(reply, chart);
  return rest;
}

/** How answers get their pictures: a renderer (renderChartWithin in production) and where it logs. */
export interface AnswerCharts {
  render: ChartRenderer;
  log: Logger;
}

/** A Reply and its picture: drawn for public answers that carry a chart; null when there is none, or it failed or was late. */
async function withChart(work: Promise<Reply>, charts: AnswerCharts | undefined): Promise<{ reply: Reply; chart: RenderedChart | null }> {
  const reply = await work;
  if (!charts || !reply.chart || reply.ephemeral || reply.tone === 'error') return { reply, chart: null };
  return { reply, chart: await charts.render(reply.chart, charts.log) };
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
export async function answer(
  interaction: CommandInteraction,
  work: Promise<Reply>,
  mode: 'reply' | 'update',
  deferAfterMs = DEFER_AFTER_MS,
  charts?: AnswerCharts,
): Promise<void> {
  // The picture is part of the work: a slow one makes the answer deferred, never late.
  const ready = withChart(work, charts);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), deferAfterMs);
  });
  const early = await Promise.race([ready, late]);
  clearTimeout(timer);
  if (early) {
    const { reply, chart } = early;
    if (mode === 'update' && !reply.ephemeral && interaction.isButton()) await interaction.update(editOptions(reply, chart));
    else await interaction.reply(messageOptions(reply, chart));
    return;
  }
  if (mode === 'update' && interaction.isButton()) await interaction.deferUpdate();
  else await interaction.deferReply();
  const { reply, chart } = await ready;
  if (!reply.ephemeral) {
    await interaction.editReply(editOptions(reply, chart));
    return;
  }
  if (mode === 'reply') await interaction.deleteReply();
  await interaction.followUp(messageOptions(reply));
}
