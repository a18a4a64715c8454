import type { Platform } from '../src/domain/platforms';
import { UserError } from '../src/domain/user-error';
import type { Reply } from '../src/messages/reply';
import type { CommandServices } from './services';

/** Declared once, with the other platform ids, in src/domain/platforms.ts. */
export type { Platform };

/** Where a command was run: one channel of one workspace (Discord guild, Slack team) on one platform. */
export interface ChannelRef {
  platform: Platform;
  /** Discord guild id, Slack team id, `local` for the console. */
  workspaceId: string;
  channelId: string;
  channelName?: string;
}

export interface CommandUser {
  id: string;
  name: string;
  /**
   * Whether this user may change the channel's subscriptions, as the platform decided
   * (Discord: Manage Channels; Slack: a channel member, or an admin when the operator requires it).
   */
  canManageChannel: boolean;
}

export interface CommandContext {
  channel: ChannelRef;
  user: CommandUser;
  services: CommandServices;
  now: () => Date;
}

/** One option; every platform declares it from this. Values arrive as raw text and the command parses them. */
export interface CommandOption {
  name: string;
  description: string;
  /** `state` autocompletes a state; `states` takes several ("tx ok", "TX,OK", "all"); `model` is one model, `models` several ("tfm,wso"). */
  type: 'text' | 'state' | 'states' | 'model' | 'models' | 'date' | 'kinds' | 'mode' | 'page';
  required: boolean;
  /** Fixed choices, shown as such where the platform supports them (at most 25). */
  choices?: Array<{ name: string; value: string }>;
  /** Suggested as the user types where the platform can (Discord), from the command's `suggest`. */
  autocomplete?: boolean;
}

export type CommandArgs = Record<string, string | undefined>;

/**
 * A slash command is data plus one function (STYLE.md rule 1): its options and a `run`
 * that returns a neutral Reply. It never talks to a platform; it throws UserError for the
 * asker's mistakes (shown to them) and anything else is a bug (logged, generic message).
 */
export interface Command {
  name: string;
  description: string;
  options: CommandOption[];
  /**
   * An example of the arguments as typed after the command ("texas [jem|tfm|wso] [since:2025-03-01]"):
   * Slack's usage hint and the terminal's help. Absent: the options' names say it.
   */
  usage?: string;
  /** `manage-channel`: only users allowed to change the channel's subscriptions. */
  permission: 'anyone' | 'manage-channel';
  run(ctx: CommandContext, args: CommandArgs): Promise<Reply>;
  /** Suggestions for an `autocomplete` option from what was typed so far (at most 25; name shown, value sent). */
  suggest?(services: Omit<CommandServices, 'checkCanPost'>, option: string, typed: string): Promise<Array<{ name: string; value: string }>>;
}

/**
 * The store holds nothing to answer from yet (before the first poll): a UserError whose
 * message every platform shows; the terminal adds how to get data there (`start`, `--file`).
 */
export class NothingStoredError extends UserError {
  override name = 'NothingStoredError';
}
