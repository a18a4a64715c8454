import type { DoctorCheck } from '../../doctor/doctor-report';

/**
 * Discord's side of `ice-watch doctor`, over plain REST (no gateway, no SDK: only
 * src/platforms/discord imports discord.js): the token (`GET /users/@me`) and, per channel,
 * whether the bot may post there, computed as Discord does from the guild's roles, the bot
 * member's roles and the channel's overwrites.
 */
export interface DiscordProbeOptions {
  token: string;
  /** DISCORD_API_URL, without the version. */
  apiUrl: string;
  timeoutMs: number;
}

/** Permission bits (Discord's "Permissions" topic). */
const ADMINISTRATOR = 1n << 3n;
const NEEDED: Array<[bigint, string]> = [
  [1n << 10n, 'View Channel'],
  [1n << 11n, 'Send Messages'],
  [1n << 14n, 'Embed Links'],
];

interface Overwrite {
  id: string;
  type: number;
  allow: string;
  deny: string;
}
// biome-ignore lint/suspicious/noExplicitAny: the platform's JSON answer, read field by field with optional chaining and checked where it matters
type Answer = { status: number; body: any };

export function createDiscordProbe(options: DiscordProbeOptions) {
  const base = `${options.apiUrl.replace(/\/+$/, '')}/v10`;
  async function get(path: string): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(base + path, {
        headers: { Authorization: `Bot ${options.token}`, 'User-Agent': 'DiscordBot (ice-watch doctor, 1)' },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      // biome-ignore lint/suspicious/noExplicitAny: the platform's JSON answer, read field by field with optional chaining and checked where it matters
      const body: any = await res.json().catch(() => null);
      const wait = Number(body?.retry_after ?? 0);
      // One polite retry on a short rate limit; the doctor is no reason to wait long.
      if (res.status === 429 && attempt === 0 && wait <= 5) await new Promise((r) => setTimeout(r, wait * 1000));
      else return { status: res.status, body };
    }
  }
  const guilds = new Map<string, Promise<{ guild: Answer; member: Answer }>>();
  let me: { id: string; name: string } | null = null;

  return {
    /** The token: who the bot is, or why Discord refuses it. */
    async checkToken(): Promise<DoctorCheck> {
      try {
        const { status, body } = await get('/users/@me');
        if (status === 200) {
          me = { id: String(body.id), name: String(body.username) };
          return { name: 'Discord token', status: 'ok', detail: `accepted: the bot is ${me.name} (${me.id})` };
        }
        if (status === 401)
          return {
            name: 'Discord token',
            status: 'fail',
            detail: 'Discord refuses DISCORD_TOKEN (401): copy the bot token again from the Developer Portal (Bot > Reset Token)',
          };
        return {
          name: 'Discord token',
          status: 'fail',
          detail: `GET /users/@me answered ${status}${body?.message ? `: ${body.message}` : ''}`,
        };
      } catch (err) {
        return {
          name: 'Discord token',
          status: 'fail',
          detail: `Discord did not answer: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
    },

    /** Null when the bot can post in the channel, else why not (in words an operator can act on). */
    async cannotPost(channelId: string): Promise<string | null> {
      if (!me) return 'not checked: the token was not accepted';
      const channel = await get(`/channels/${channelId}`);
      if (channel.status === 404) return 'the channel no longer exists (or the bot left its server)';
      if (channel.status === 403) return 'the bot cannot see this channel (Missing Access): give it View Channel';
      if (channel.status !== 200) return `GET /channels/${channelId} answered ${channel.status}`;
      const guildId: string | undefined = channel.body.guild_id;
      if (!guildId) return null; // not a server channel: nothing more to compute
      let pair = guilds.get(guildId);
      if (!pair)
        guilds.set(
          guildId,
          (pair = Promise.all([get(`/guilds/${guildId}`), get(`/guilds/${guildId}/members/${me.id}`)]).then(([guild, member]) => ({
            guild,
            member,
          }))),
        );
      const { guild, member } = await pair;
      if (guild.status !== 200 || member.status !== 200)
        return `could not read the server's roles (GET /guilds/${guildId} answered ${guild.status}, its member ${member.status})`;
      const perms = channelPermissions(guild.body, member.body, me.id, channel.body.permission_overwrites ?? []);
      const missing = NEEDED.filter(([bit]) => (perms & bit) === 0n).map(([, name]) => name);
      return missing.length
        ? `the bot lacks ${missing.join(', ')} in #${channel.body.name ?? channelId}: a server admin can grant it in the channel's settings`
        : null;
    },
  };
}

/**
 * A member's permissions in a channel, as Discord computes them: the owner has all; else the
 * @everyone role and the member's roles OR-ed (Administrator: all), then the channel's
 * @everyone overwrite, the member's roles' overwrites together, and the member's own overwrite.
 */
export function channelPermissions(
  guild: { id: string; owner_id: string; roles: Array<{ id: string; permissions: string }> },
  member: { roles: string[] },
  userId: string,
  overwrites: Overwrite[],
): bigint {
  const ALL = (1n << 64n) - 1n;
  if (guild.owner_id === userId) return ALL;
  const roleIds = new Set(member.roles);
  let perms = 0n;
  for (const role of guild.roles) if (role.id === guild.id || roleIds.has(role.id)) perms |= BigInt(role.permissions);
  if (perms & ADMINISTRATOR) return ALL;
  const apply = (o: { allow: bigint; deny: bigint } | undefined) => {
    if (o) perms = (perms & ~o.deny) | o.allow;
  };
  const parsed = overwrites.map((o) => ({ ...o, allow: BigInt(o.allow), deny: BigInt(o.deny) }));
  apply(parsed.find((o) => o.id === guild.id));
  const roles = parsed.filter((o) => o.type === 0 && roleIds.has(o.id));
  apply({ allow: roles.reduce((a, o) => a | o.allow, 0n), deny: roles.reduce((d, o) => d | o.deny, 0n) });
  apply(parsed.find((o) => o.type === 1 && o.id === userId));
  return perms;
}
