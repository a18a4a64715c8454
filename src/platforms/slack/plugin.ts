import type { Config } from '../../config';
import type { PlatformPlugin } from '../plugin';
import type * as SlackApp from './app';
import { createSlackProbe } from './doctor';

/** Bolt (some 30 MB) loads here, on first use: only when SLACK_BOT_TOKEN is set, never for console mode, the CLI or the doctor. */
const loadApp = (): typeof SlackApp => require('./app');

/** HTTP mode: a bot token and a signing secret, no app token (Socket Mode needs no port of its own). */
const servesHttp = (config: Config) => Boolean(config.SLACK_BOT_TOKEN && !config.SLACK_APP_TOKEN && config.SLACK_SIGNING_SECRET);

/** Slack: slash commands over Socket Mode or HTTP (Bolt), alerts over the Web API. */
export const slackPlatform: PlatformPlugin<'slack'> = {
  id: 'slack',
  name: 'Slack',
  configured: (config) => Boolean(config.SLACK_BOT_TOKEN),
  // Without SLACK_ADMINS_ONLY every channel member may; only then is anyone refused.
  whoMayManage: 'workspace admins (this workspace requires it)',
  operatorChannel: (config) => config.OPERATOR_SLACK_CHANNEL,
  // OPERATOR_SLACK_CHANNEL may name the channel (`#ops`): a bot token is one workspace's, where names are unique.
  isOperatorChannel: (setting, c) => [c.channelId, c.channelName, c.channelName && `#${c.channelName}`].includes(setting),
  httpServer: (config) => (servesHttp(config) ? { port: config.SLACK_PORT, setting: 'SLACK_PORT', mode: 'Slack HTTP mode' } : null),
  doctor: {
    tokenSetting: 'SLACK_BOT_TOKEN',
    describe: (config) => `Slack (${config.SLACK_APP_TOKEN ? 'Socket Mode' : `HTTP on port ${config.SLACK_PORT}`})`,
    warnings: (config) => [
      ...(config.SLACK_BOT_TOKEN && !config.SLACK_BOT_TOKEN.startsWith('xoxb-')
        ? ['SLACK_BOT_TOKEN does not start with xoxb-: it should be the Bot User OAuth Token']
        : []),
      ...(config.SLACK_APP_TOKEN && !config.SLACK_APP_TOKEN.startsWith('xapp-')
        ? ['SLACK_APP_TOKEN does not start with xapp-: it should be an app-level token with connections:write']
        : []),
    ],
    probe: (config) =>
      createSlackProbe({ token: config.SLACK_BOT_TOKEN ?? '', apiUrl: config.SLACK_API_URL, timeoutMs: config.FETCH_TIMEOUT_MS }),
  },
  load: async (context) => loadApp().createSlackPlatform(context),
};
