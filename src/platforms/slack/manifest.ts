import type { Command } from '../../../commands/command';

/**
 * The Slack app manifest, built from the command registry (`ice-watch slack-manifest` prints
 * it): a command added to commands/index.ts is declared to Slack with its description and
 * usage hint, and nothing is kept by hand beside the registry.
 */

/** The bot scopes the Slack code uses, and why. `chat:write.public` is deliberately absent (see the header). */
export const BOT_SCOPES: ReadonlyArray<[scope: string, why: string]> = [
  ['commands', 'the slash commands'],
  ['chat:write', 'alerts in channels that invited the bot'],
  ['channels:read', 'conversations.info: is the bot in this public channel?'],
  ['groups:read', 'the same for private channels'],
  ['users:read', 'users.info: is_admin / is_owner, when SLACK_ADMINS_ONLY=true'],
  ['files:write', 'charts: files.getUploadURLExternal + files.completeUploadExternal, shown in image blocks'],
];

export interface ManifestOptions {
  /**
   * HTTP mode: the public address of Bolt's endpoint (`https://bot.example.org/slack/events`),
   * given to every command and to interactivity; Socket Mode is then off. Absent: Socket Mode.
   */
  requestUrl?: string;
}

/** The manifest as Slack's "From an app manifest" takes it (JSON, or the same as YAML). */
export function buildSlackManifest(commands: readonly Command[], options: ManifestOptions = {}) {
  const url = options.requestUrl;
  return {
    display_information: {
      name: 'ice-watch',
      description: "Alerts on ICE's 287(g) agreements and detention statistics",
      long_description: [
        'ice-watch watches the lists of 287(g) agreements and the detention statistics that ICE publishes, and tells subscribed channels',
        'what changed, state by state, with the MOA links. Ask it with /agreements, /agency and /totals; subscribe a channel with /subscribe.',
      ].join(' '),
      background_color: '#1f3a5f',
    },
    features: {
      bot_user: { display_name: 'ice-watch', always_online: true },
      slash_commands: commands.map((c) => ({
        command: `/${c.name}`,
        ...(url ? { url } : {}),
        description: c.description,
        ...(c.usage ? { usage_hint: c.usage } : {}),
        should_escape: false,
      })),
    },
    oauth_config: { scopes: { bot: BOT_SCOPES.map(([scope]) => scope) } },
    settings: {
      interactivity: { is_enabled: true, ...(url ? { request_url: url } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: !url,
      token_rotation_enabled: false,
    },
  };
}

const HEADER = `# Slack app manifest for ice-watch, printed by \`ice-watch slack-manifest\` from the command
# registry (commands/index.ts): every command, with its description and usage hint.
#
# Create the app: https://api.slack.com/apps -> Create New App -> From an app manifest,
# pick the workspace, paste this. Then:
#   - Install to Workspace, and copy the Bot User OAuth Token (xoxb-...) to SLACK_BOT_TOKEN.
#   - Socket Mode (the default, no public URL needed): Basic Information -> App-Level
#     Tokens -> Generate, with the connections:write scope; copy it (xapp-...) to SLACK_APP_TOKEN.
#
# To receive commands over HTTP instead (a public HTTPS address in front of SLACK_PORT), print it
# with \`ice-watch slack-manifest --url https://bot.example.org/slack/events\` (Bolt's default path):
# every command and the Previous/Next buttons of paged answers then arrive there. Copy Basic
# Information -> Signing Secret to SLACK_SIGNING_SECRET and leave SLACK_APP_TOKEN unset.
#
# Scopes: \`chat:write.public\` is deliberately absent. Alerts are posted only in channels
# that invited the bot (/invite @ice-watch); /subscribe checks that and says so.
# Answers to commands use the command's response_url, which needs no membership.
${BOT_SCOPES.map(([scope, why]) => `#   ${scope}: ${why}`).join('\n')}
`;

/** The manifest as commented YAML, for pasting into Slack's manifest editor. */
export function slackManifestYaml(commands: readonly Command[], options: ManifestOptions = {}): string {
  return `${HEADER}\n${yamlLines(buildSlackManifest(commands, options)).join('\n')}\n`;
}

/**
 * YAML for the manifest's plain shapes (objects, lists, strings, booleans): block style, two
 * spaces per level. A string is written bare only when YAML cannot read it as anything else;
 * otherwise it is double-quoted (JSON's escapes are YAML's).
 */
function yamlLines(value: object, indent = ''): string[] {
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (Array.isArray(v)) {
      out.push(`${indent}${key}:`);
      for (const item of v) {
        if (item && typeof item === 'object') {
          const [first, ...rest] = yamlLines(item, `${indent}    `);
          out.push(`${indent}  - ${first.trimStart()}`, ...rest);
        } else out.push(`${indent}  - ${scalar(item)}`);
      }
    } else if (v && typeof v === 'object') out.push(`${indent}${key}:`, ...yamlLines(v, `${indent}  `));
    else out.push(`${indent}${key}: ${scalar(v)}`);
  }
  return out;
}

function scalar(v: unknown): string {
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  const s = String(v);
  const bare = /^[A-Za-z/][\w/.:-]*$/.test(s) && !/:$/.test(s) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(s);
  return bare ? s : JSON.stringify(s);
}
