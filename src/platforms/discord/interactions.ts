import type { AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction, Interaction } from 'discord.js';
import { DISCORD_WHO_MAY_MANAGE } from './wording';
import type { Command, CommandArgs } from '../../../commands/command';
import { commands as registry } from '../../../commands';
import { errorReply } from '../../messages/reply';
import type { Logger } from '../../logging/logger';
import type { Metrics } from '../../observability/metrics';
import { runCommand, unexpectedErrorText } from '../../../commands/run-command';
import { MAX_AUTOCOMPLETE_CHOICES, optionTakesAll, suggestStates } from './autocomplete';
import { buildCommandContext, type CommandInteraction, type SharedServices } from './command-context';
import { decodePagingId } from './paging-id';
import { defaultChartRenderer, type ChartRenderer } from '../../charts/render-chart';
import { answer, DEFER_AFTER_MS, messageOptions } from './respond';

/** What the interaction handler needs; `commands` and `deferAfterMs` are for tests. */
export interface InteractionHandlerDeps {
  /** The stores; `checkCanPost` is supplied per interaction from Discord's permissions. */
  services: SharedServices;
  logger: Logger;
  now?: () => Date;
  /** Defaults to the registry of commands/index.ts. */
  commands?: readonly Command[];
  /** How long a command may take before the answer is deferred (default 2 s of Discord's 3). */
  deferAfterMs?: number;
  /** Draws the pictures of replies (default: renderChartWithin, 1.5 s deadline); null: text only. */
  renderChart?: ChartRenderer | null;
  /** Command latency (ice_watch_command_duration_seconds); absent: not measured. */
  metrics?: Pick<Metrics, 'commandFinished'>;
}

/** The answer to a member without Manage Channels who runs a manage-channel command. */
export const MANAGE_CHANNEL_REFUSAL = `Only ${DISCORD_WHO_MAY_MANAGE} can change this channel's subscriptions.`;
/** The answer outside a server (commands are declared guild-only; this covers stale clients). */
export const GUILD_ONLY = "ice-watch's commands work in a server channel, not in direct messages.";

/**
 * The handler for the client's `interactionCreate`: slash commands (answered within
 * Discord's 3 s, deferred when slower), `state` autocomplete, and paging buttons (which
 * re-run the command for another page and update the message). It never throws: anything
 * unexpected is logged with its context and the asker gets a short ephemeral message.
 */
export function createInteractionHandler(deps: InteractionHandlerDeps): (interaction: Interaction) => Promise<void> {
  const list = deps.commands ?? registry;
  const find = (name: string) => list.find((c) => c.name === name);
  const now = deps.now ?? (() => new Date());
  const deferAfterMs = deps.deferAfterMs ?? DEFER_AFTER_MS;
  const base = deps.logger.child({ platform: 'discord' });
  const charts = deps.renderChart === undefined ? defaultChartRenderer : deps.renderChart;

  /**
   * Runs the command through the one command path (commands/run-command.ts: permission,
   * errors, timing) and answers with its Reply. Discord hides manage-channel commands from
   * other members by default, but a server can change that and a raw interaction can claim
   * anything: the run checks the permission again. Outside a server nothing runs.
   */
  async function run(interaction: CommandInteraction, command: Command, args: CommandArgs, mode: 'reply' | 'update', log: Logger) {
    if (!interaction.inGuild()) {
      await interaction.reply(messageOptions(errorReply(GUILD_ONLY)));
      return;
    }
    const work = runCommand({
      command,
      context: buildCommandContext(interaction, deps.services, now),
      args,
      log,
      refusal: MANAGE_CHANNEL_REFUSAL,
      metrics: deps.metrics,
    }).then((outcome) => outcome.reply);
    await answer(interaction, work, mode, deferAfterMs, charts ? { render: charts, log } : undefined);
  }

  async function onChatInput(interaction: ChatInputCommandInteraction, log: Logger) {
    const command = find(interaction.commandName);
    if (!command) {
      log.warn('slash command not in the registry (registration out of date?)');
      await interaction.reply(messageOptions(errorReply(`/${interaction.commandName} is not a command of this bot any more.`)));
      return;
    }
    const declared = new Set(command.options.filter((o) => o.type !== 'page').map((o) => o.name));
    const args: CommandArgs = {};
    for (const option of interaction.options.data) {
      if (declared.has(option.name) && option.value !== undefined && option.value !== null) args[option.name] = String(option.value);
    }
    await run(interaction, command, args, 'reply', log);
  }

  async function onButton(interaction: ButtonInteraction, log: Logger) {
    const request = decodePagingId(interaction.customId);
    const command = request && find(request.command);
    if (!request || !command) {
      log.warn({ customId: interaction.customId }, 'button not understood');
      await interaction.reply(messageOptions(errorReply('This button no longer works. Run the command again.')));
      return;
    }
    await run(interaction, command, { ...request.args, page: String(request.page) }, 'update', log.child({ command: command.name }));
  }

  async function onAutocomplete(interaction: AutocompleteInteraction) {
    const focused = interaction.options.getFocused(true);
    const command = find(interaction.commandName);
    const option = command?.options.find((o) => o.name === focused.name);
    const choices =
      option?.type === 'state'
        ? suggestStates(String(focused.value), optionTakesAll(option))
        : option?.autocomplete && command?.suggest
          ? (await command.suggest(deps.services, option.name, String(focused.value))).slice(0, MAX_AUTOCOMPLETE_CHOICES)
          : [];
    await interaction.respond(choices);
  }

  return async function handleInteraction(interaction: Interaction): Promise<void> {
    const log = base.child({
      interaction: interaction.id,
      guild: interaction.guildId,
      channel: interaction.channelId,
      user: interaction.user?.id,
      ...(interaction.isCommand() || interaction.isAutocomplete() ? { command: interaction.commandName } : {}),
    });
    try {
      if (interaction.isChatInputCommand()) await onChatInput(interaction, log);
      else if (interaction.isAutocomplete()) await onAutocomplete(interaction);
      else if (interaction.isButton()) await onButton(interaction, log);
    } catch (err) {
      log.error({ err }, 'interaction failed');
      await rescue(interaction, log);
    }
  };
}

/** After a failure, tell the asker if Discord still lets us; log (never throw) if not. */
async function rescue(interaction: Interaction, log: Logger): Promise<void> {
  try {
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) await interaction.respond([]);
      return;
    }
    if (!interaction.isRepliable()) return;
    const options = messageOptions(errorReply(unexpectedErrorText(interaction.isCommand() ? interaction.commandName : undefined)));
    if (interaction.replied || interaction.deferred) await interaction.followUp(options);
    else await interaction.reply(options);
  } catch (err) {
    log.warn({ err }, 'could not tell the user about the failure');
  }
}
