/** Who may change a channel's subscriptions on Discord, in refusals: Discord's rule is Manage Channels (command-context.ts). */
export const DISCORD_WHO_MAY_MANAGE = 'members with the Manage Channels permission';
