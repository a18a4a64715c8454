import type { webApi } from '@slack/bolt';

/**
 * What ice-watch asks Slack before acting for someone: can the bot post in this channel
 * (conversations.info), and is this user a workspace admin or owner (users.info).
 */

/** Told to the user when the bot cannot post in the channel (it needs no chat:write.public: members invite it). */
export const INVITE_SENTENCE =
  'ice-watch is not a member of this channel, so it could not post alerts here. Invite it with /invite @ice-watch, then try again.';
export const ARCHIVED_SENTENCE = 'This channel is archived, so ice-watch cannot post here.';
export const DIRECT_MESSAGE_SENTENCE =
  'Alerts go to channels, not direct messages: run this in the channel that should get them (and invite @ice-watch there).';

/** The `error` of a Slack Web API answer (`channel_not_found`, `not_in_channel`...), or null for any other failure. */
export function slackErrorCode(err: unknown): string | null {
  if (!err || typeof err !== 'object') return null;
  const { code, data } = err as { code?: unknown; data?: { error?: unknown } };
  return code === 'slack_webapi_platform_error' && typeof data?.error === 'string' ? data.error : null;
}

/**
 * Null when the bot can post in the channel, else a sentence for the user. Private channels
 * the bot is not in answer `channel_not_found`; public ones answer `is_member: false`.
 * Direct messages (ids starting with D) are not subscribable channels. Other failures
 * (network, a missing scope) are thrown: they are the operator's to see, not the user's.
 */
export async function checkCanPostInSlack(client: webApi.WebClient, channelId: string): Promise<string | null> {
  if (channelId.startsWith('D')) return DIRECT_MESSAGE_SENTENCE;
  try {
    const { channel } = await client.conversations.info({ channel: channelId });
    if (!channel) return INVITE_SENTENCE;
    if (channel.is_archived) return ARCHIVED_SENTENCE;
    if (channel.is_im) return DIRECT_MESSAGE_SENTENCE;
    return channel.is_member ? null : INVITE_SENTENCE;
  } catch (err) {
    const code = slackErrorCode(err);
    if (code === 'channel_not_found' || code === 'not_in_channel') return INVITE_SENTENCE;
    if (code === 'is_archived') return ARCHIVED_SENTENCE;
    throw err;
  }
}

/** Whether a user is a workspace admin or owner (for SLACK_ADMINS_ONLY). Failures are thrown, never read as "no". */
export async function isWorkspaceAdmin(client: webApi.WebClient, userId: string): Promise<boolean> {
  const { user } = await client.users.info({ user: userId });
  return Boolean(user && (user.is_admin || user.is_owner || user.is_primary_owner));
}
