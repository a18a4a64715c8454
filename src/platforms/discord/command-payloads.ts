import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  REST,
  Routes,
  type APIApplicationCommandStringOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { commands as registry } from '../../../commands';
import type { Command, CommandOption } from '../../../commands/command';
import { MODELS, MODEL_NAMES } from '../../domain/types';

/** Discord's documented limits for application commands (chat input). */
export const COMMAND_LIMITS = {
  commands: 100,
  name: 32,
  description: 100,
  options: 25,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  /** Names, descriptions and choice names/values of one command, all together. */
  totalCharacters: 4000,
} as const;

/** Discord's rule for command and option names (lower case where a letter has one). */
const NAME_PATTERN = /^[-_\p{L}\p{N}]{1,32}$/u;

/** One slash command as Discord's bulk-overwrite endpoint takes it. */
export type CommandBody = RESTPostAPIChatInputApplicationCommandsJSONBody;
type OptionBody = APIApplicationCommandStringOption;

/** A command definition that Discord would refuse; the message names the command and the rule. */
export class CommandPayloadError extends Error {
  override name = 'CommandPayloadError';
}

const FIXED_CHOICES: Partial<Record<CommandOption['type'], Array<{ name: string; value: string }>>> = {
  model: MODELS.map((m) => ({ name: MODEL_NAMES[m], value: m })),
  mode: [
    { name: 'instant (as it happens)', value: 'instant' },
    { name: 'daily digest', value: 'daily' },
    { name: 'weekly digest', value: 'weekly' },
  ],
};

function optionBody(option: CommandOption): OptionBody {
  const base = {
    type: ApplicationCommandOptionType.String as const,
    name: option.name,
    description: option.description,
    required: option.required,
  };
  const choices = option.choices ?? FIXED_CHOICES[option.type];
  // Autocomplete and fixed choices exclude each other on Discord; states are too many for choices.
  if ((option.type === 'state' || option.autocomplete) && !option.choices) return { ...base, autocomplete: true };
  if (choices) return { ...base, choices: choices.map((c) => ({ name: c.name, value: c.value })) };
  return base;
}

/**
 * The JSON bodies for Discord's bulk-overwrite endpoint, one per command of the registry.
 * Every option is a STRING (commands parse raw text); `state` autocompletes, `model` and
 * `mode` offer fixed choices, `page` is internal (buttons set it) and is not declared.
 * Commands are guild-only; `manage-channel` commands default to members with Manage Channels
 * (Discord hides them from others; the handler checks again at run time).
 *
 * @throws CommandPayloadError naming the command when a definition breaks Discord's limits.
 */
export function buildCommandPayloads(commands: readonly Command[]): CommandBody[] {
  if (commands.length > COMMAND_LIMITS.commands) {
    throw new CommandPayloadError(`${commands.length} commands: Discord allows at most ${COMMAND_LIMITS.commands}`);
  }
  const seen = new Set<string>();
  return commands.map((command) => {
    if (seen.has(command.name)) throw new CommandPayloadError(`/${command.name} is declared twice`);
    seen.add(command.name);
    const options = command.options.filter((o) => o.type !== 'page').map(optionBody);
    const body: CommandBody = {
      type: ApplicationCommandType.ChatInput,
      name: command.name,
      description: command.description,
      options,
      default_member_permissions: command.permission === 'manage-channel' ? PermissionFlagsBits.ManageChannels.toString() : null,
      dm_permission: false,
      contexts: [InteractionContextType.Guild],
      integration_types: [ApplicationIntegrationType.GuildInstall],
    };
    validateCommand(command.name, command.description, options);
    return body;
  });
}

function checkName(where: string, name: string): void {
  if (!NAME_PATTERN.test(name) || name !== name.toLowerCase()) {
    throw new CommandPayloadError(`${where}: name "${name}" must be 1-${COMMAND_LIMITS.name} lower-case letters, digits, "-" or "_"`);
  }
}

function checkLength(where: string, what: string, value: string, max: number): void {
  if (value.length < 1 || value.length > max) {
    throw new CommandPayloadError(`${where}: ${what} has ${value.length} characters; Discord allows 1-${max}`);
  }
}

function validateCommand(name: string, description: string, options: OptionBody[]): void {
  const where = `/${name}`;
  checkName(where, name);
  checkLength(where, 'description', description, COMMAND_LIMITS.description);
  if (options.length > COMMAND_LIMITS.options) {
    throw new CommandPayloadError(`${where}: ${options.length} options; Discord allows at most ${COMMAND_LIMITS.options}`);
  }
  let total = name.length + description.length;
  let optionalSeen = false;
  const names = new Set<string>();
  for (const o of options) {
    const at = `${where} option "${o.name}"`;
    checkName(at, o.name);
    if (names.has(o.name)) throw new CommandPayloadError(`${at}: declared twice`);
    names.add(o.name);
    checkLength(at, 'description', o.description, COMMAND_LIMITS.description);
    if (o.required && optionalSeen) throw new CommandPayloadError(`${at}: required options must come before optional ones`);
    optionalSeen ||= !o.required;
    total += o.name.length + o.description.length;
    const choices = o.choices ?? [];
    if (choices.length > COMMAND_LIMITS.choices) {
      throw new CommandPayloadError(`${at}: ${choices.length} choices; Discord allows at most ${COMMAND_LIMITS.choices}`);
    }
    for (const c of choices) {
      checkLength(at, `choice "${c.value}" name`, c.name, COMMAND_LIMITS.choiceName);
      checkLength(at, `choice "${c.name}" value`, c.value, COMMAND_LIMITS.choiceValue);
      total += c.name.length + c.value.length;
    }
  }
  if (total > COMMAND_LIMITS.totalCharacters) {
    throw new CommandPayloadError(
      `${where}: ${total} characters in names, descriptions and choices; Discord allows ${COMMAND_LIMITS.totalCharacters}`,
    );
  }
}

/** Where and what to register: the bot's token and application, Discord's REST base, one guild or all. */
export interface RegisterOptions {
  token: string;
  appId: string;
  /** Discord's REST base without the version (`https://discord.com/api`); a stand-in in tests. */
  apiUrl: string;
  /** Register in one guild (instant, for testing a bot) instead of globally. */
  guildId?: string;
  /** Defaults to the registry of commands/index.ts. */
  commands?: readonly Command[];
}

/**
 * Replaces the application's slash commands (globally, or in one guild) with the
 * registry's, through Discord's bulk-overwrite endpoint. Returns how many Discord now has.
 */
export async function registerCommands(options: RegisterOptions): Promise<number> {
  const body = buildCommandPayloads(options.commands ?? registry);
  const rest = new REST({ api: options.apiUrl }).setToken(options.token);
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.appId, options.guildId)
    : Routes.applicationCommands(options.appId);
  const result = await rest.put(route, { body });
  return Array.isArray(result) ? result.length : body.length;
}
