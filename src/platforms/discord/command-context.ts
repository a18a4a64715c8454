import { PermissionFlagsBits, type ButtonInteraction, type ChatInputCommandInteraction, type PermissionsBitField } from 'discord.js';
import type { CommandContext } from '../../../commands/command';
import type { CommandServices } from '../../../commands/services';

/** An interaction that runs a command: a slash command, or a paging button that re-runs one. */
export type CommandInteraction = ChatInputCommandInteraction | ButtonInteraction;

/** What the bot needs in a channel to post alerts there, and the words Discord uses for each. */
export const POSTING_PERMISSIONS: ReadonlyArray<[bigint, string]> = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
];

/** The stores a command uses; the Discord handler adds its own `checkCanPost` per interaction. */
export type SharedServices = Omit<CommandServices, 'checkCanPost'>;

/** Discord's rule for changing a channel's subscriptions: the member has Manage Channels there. */
export function canManageChannel(interaction: CommandInteraction): boolean {
  return interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels) ?? false;
}

function channelNameOf(interaction: CommandInteraction): string | undefined {
  const channel = interaction.channel;
  return channel && 'name' in channel && typeof channel.name === 'string' ? channel.name : undefined;
}

function userNameOf(interaction: CommandInteraction): string {
  const member = interaction.member;
  if (member && 'displayName' in member) return member.displayName;
  return member?.nick ?? interaction.user.globalName ?? interaction.user.username;
}

/** "View Channel and Send Messages", or null when nothing is missing. */
export function missingPostingPermissions(permissions: Readonly<PermissionsBitField>): string | null {
  const missing = POSTING_PERMISSIONS.filter(([flag]) => !permissions.has(flag)).map(([, name]) => name);
  if (!missing.length) return null;
  return missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
}

/**
 * `checkCanPost` for one interaction. In the interaction's own channel Discord tells us the
 * bot's permissions (`app_permissions`); for another channel the guild cache answers when it
 * can. When nothing is known the answer is "can post": delivery pauses the subscription and
 * tells the channel if that turns out wrong (SPEC section 6).
 */
export function createCanPostCheck(interaction: CommandInteraction): CommandServices['checkCanPost'] {
  return async (channelId) => {
    let permissions: Readonly<PermissionsBitField> | null = null;
    let where: string;
    if (channelId === interaction.channelId) {
      permissions = interaction.appPermissions;
      const name = channelNameOf(interaction);
      where = name ? `#${name}` : 'this channel';
    } else {
      const channel = interaction.guild?.channels.cache.get(channelId);
      const me = interaction.guild?.members.me;
      if (channel && me && 'permissionsFor' in channel) permissions = channel.permissionsFor(me);
      where = channel ? `#${channel.name}` : 'that channel';
    }
    if (!permissions) return null;
    const missing = missingPostingPermissions(permissions);
    if (!missing) return null;
    const several = missing.includes(' and ');
    return `the bot lacks the ${missing} permission${several ? 's' : ''} in ${where}; a server admin can grant ${several ? 'them' : 'it'} in the channel's settings`;
  };
}

/** The neutral context of a command run from a Discord interaction in a guild channel. */
export function buildCommandContext(interaction: CommandInteraction, services: SharedServices, now: () => Date): CommandContext {
  return {
    channel: {
      platform: 'discord',
      workspaceId: interaction.guildId ?? '',
      channelId: interaction.channelId ?? '',
      channelName: channelNameOf(interaction),
    },
    user: { id: interaction.user.id, name: userNameOf(interaction), canManageChannel: canManageChannel(interaction) },
    services: { ...services, checkCanPost: createCanPostCheck(interaction) },
    now,
  };
}
