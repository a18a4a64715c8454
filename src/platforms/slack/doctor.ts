import type { DoctorCheck } from '../../doctor/doctor-report';

/**
 * Slack's side of `ice-watch doctor`, over the plain Web API (no SDK outside
 * src/platforms/slack): the bot token (`auth.test`) and, per channel, whether the bot is a
 * member of an unarchived channel (`conversations.info`), the same rule as subscribing.
 */
export interface SlackProbeOptions {
  token: string;
  /** SLACK_API_URL, e.g. `https://slack.com/api/`. */
  apiUrl: string;
  timeoutMs: number;
}

export function createSlackProbe(options: SlackProbeOptions) {
  const base = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;
  // biome-ignore lint/suspicious/noExplicitAny: the platform's JSON answer, read field by field with optional chaining and checked where it matters
  async function call(method: string, params: Record<string, string> = {}): Promise<Record<string, any>> {
    const res = await fetch(base + method, {
      method: 'POST',
      headers: { Authorization: `Bearer ${options.token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (!res.ok) return { ok: false, error: `HTTP ${res.status}` };
    // biome-ignore lint/suspicious/noExplicitAny: the platform's JSON answer, read field by field with optional chaining and checked where it matters
    return (await res.json()) as Record<string, any>;
  }
  let authorized = false;

  return {
    async checkToken(): Promise<DoctorCheck> {
      try {
        const a = await call('auth.test');
        if (a.ok) {
          authorized = true;
          return {
            name: 'Slack token',
            status: 'ok',
            detail: `accepted: bot user ${a.user ?? '?'} (${a.user_id ?? '?'}) in workspace ${a.team ?? '?'} (${a.team_id ?? '?'})`,
          };
        }
        const fix =
          a.error === 'invalid_auth' || a.error === 'token_revoked' || a.error === 'account_inactive'
            ? ': reinstall the app and copy its Bot User OAuth Token (xoxb-...) to SLACK_BOT_TOKEN'
            : '';
        return { name: 'Slack token', status: 'fail', detail: `auth.test answered ${a.error}${fix}` };
      } catch (err) {
        return { name: 'Slack token', status: 'fail', detail: `Slack did not answer: ${err instanceof Error ? err.message : String(err)}` };
      }
    },

    /** Null when the bot can post in the channel, else why not. */
    async cannotPost(channelId: string): Promise<string | null> {
      if (!authorized) return 'not checked: the token was not accepted';
      const a = await call('conversations.info', { channel: channelId });
      if (!a.ok) {
        if (a.error === 'channel_not_found' || a.error === 'not_in_channel')
          return 'the bot is not in this channel (or it is gone): /invite @ice-watch there';
        if (a.error === 'missing_scope')
          return `the app lacks a scope for conversations.info (${a.needed ?? 'channels:read, groups:read'}): reinstall it with the manifest that ice-watch slack-manifest prints`;
        return `conversations.info answered ${a.error}`;
      }
      if (a.channel?.is_archived) return 'the channel is archived';
      if (a.channel?.is_member === false) return 'the bot is not a member: /invite @ice-watch there';
      return null;
    },
  };
}
