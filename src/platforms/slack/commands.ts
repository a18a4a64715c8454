import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, RespondFn, SlackActionMiddlewareArgs, webApi } from '@slack/bolt';
import type { ChannelRef, Command, CommandArgs, CommandContext } from '../../../commands/command';
import { commands as registry } from '../../../commands/index';
import { parseCommandText } from '../../../commands/parse-text';
import type { Reply } from '../../messages/reply';
import { redactUrls } from '../../messages/webhook-text';
import type { CommandServices } from '../../../commands/services';
import type { Logger } from '../../logging/logger';
import type { Metrics } from '../../observability/metrics';
import { runCommand } from '../../../commands/run-command';
import { defaultChartRenderer, type ChartRenderer } from '../../charts/render-chart';
import { postWithPicture, uploadReplyChart } from './chart-upload';
import { escapeMrkdwn } from './mrkdwn';
import { decodePageValue, PAGE_NEXT_ACTION_ID, PAGE_PREV_ACTION_ID } from './paging';
import { checkCanPostInSlack, isWorkspaceAdmin } from './slack-access';

/** What the Slack command handlers need; `checkCanPost` is Slack's own (conversations.info), so it is not asked for. */
export interface SlackCommandDeps {
  services: Omit<CommandServices, 'checkCanPost'>;
  logger: Logger;
  /** SLACK_ADMINS_ONLY: only workspace admins and owners may run `manage-channel` commands. */
  adminsOnly: boolean;
  now?: () => Date;
  /** The commands to answer (default: the registry in commands/index.ts). */
  commands?: readonly Command[];
  /** Draws the pictures of replies (default: renderChartWithin, 1.5 s deadline); null: text only. */
  renderChart?: ChartRenderer | null;
  /** Command latency (ice_watch_command_duration_seconds); absent: not measured. */
  metrics?: Pick<Metrics, 'commandFinished'>;
}

/** One run of a command, from a slash command or a paging button. */
interface Invocation {
  command: Command;
  /** Reads the arguments; throws UserError for a mistake, which the asker is shown. */
  readArgs: () => CommandArgs;
  channel: ChannelRef;
  user: { id: string; name: string };
  client: webApi.WebClient;
  respond: RespondFn;
  /** From a button: the answer replaces the message that carried it. */
  fromButton: boolean;
}

type PageActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * Answers every command of the registry as a Slack slash command (`/agreements texas`),
 * and the Previous/Next buttons of paged answers. Each handler acks at once (Slack's
 * 3-second limit), then runs the command and posts the rendered Reply to the response_url.
 * A user's mistake (UserError) is answered ephemerally with its message; anything else is
 * logged with the command, team, channel and user, and the user gets a short generic
 * message. Nothing a handler does can escape it.
 */
export function registerSlackCommands(app: App, deps: SlackCommandDeps): void {
  const log = deps.logger.child({ platform: 'slack' });
  const list = deps.commands ?? registry;
  const later = createAnswerLimiter(ANSWERS_AT_ONCE);

  for (const command of list) {
    app.command(`/${command.name}`, async ({ ack, command: payload, respond, client }) => {
      try {
        await ack();
        await later(() =>
          answer(deps, log, {
            command,
            readArgs: () => parseCommandText(command, payload.text ?? ''),
            channel: { platform: 'slack', workspaceId: payload.team_id, channelId: payload.channel_id, channelName: payload.channel_name },
            user: { id: payload.user_id, name: payload.user_name },
            client,
            respond,
            fromButton: false,
          }),
        );
      } catch (err) {
        log.error(
          { err, command: command.name, team: payload.team_id, channel: payload.channel_id, user: payload.user_id },
          'slack command handler failed',
        );
      }
    });
  }

  // A command the manifest declares but this version does not answer (yet): say so rather than let Slack time out.
  const known = list.map((c) => c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  app.command(new RegExp(`^/(?!(?:${known})$)`), async ({ ack, command: payload }) => {
    try {
      await ack({ response_type: 'ephemeral', text: `ice-watch cannot answer ${escapeMrkdwn(payload.command)} in this version.` });
    } catch (err) {
      log.error(
        { err, command: payload.command, team: payload.team_id, channel: payload.channel_id, user: payload.user_id },
        'slack unknown-command handler failed',
      );
    }
  });

  const onPageButton = async ({ ack, body, action, respond, client }: PageActionArgs) => {
    try {
      await ack();
      const target = decodePageValue(action.value);
      const command = target && list.find((c) => c.name === target.command);
      if (!target || !command || !body.channel) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: 'This button no longer works. Run the command again.' });
        return;
      }
      await answer(deps, log, {
        command,
        readArgs: () => ({ ...target.args, page: String(target.page) }),
        channel: {
          platform: 'slack',
          workspaceId: body.team?.id ?? body.user.team_id ?? '',
          channelId: body.channel.id,
          channelName: body.channel.name,
        },
        user: { id: body.user.id, name: body.user.username ?? body.user.name ?? body.user.id },
        client,
        respond,
        fromButton: true,
      });
    } catch (err) {
      log.error(
        { err, action: action.action_id, team: body.team?.id, channel: body.channel?.id, user: body.user.id },
        'slack paging handler failed',
      );
    }
  };
  app.action<BlockAction<ButtonAction>>(PAGE_PREV_ACTION_ID, onPageButton);
  app.action<BlockAction<ButtonAction>>(PAGE_NEXT_ACTION_ID, onPageButton);
}

/**
 * Answers run at most this many at a time, each after a turn of the event loop: under a
 * burst of commands, the acks of requests still arriving go out before earlier answers'
 * work (store reads, rendering, a chart) takes the only thread, so every ack stays within
 * Slack's 3 s; the answers follow through response_url, which stays valid for 30 minutes.
 */
const ANSWERS_AT_ONCE = 2;

function createAnswerLimiter(max: number): (work: () => Promise<void>) => Promise<void> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (work) => {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      await new Promise((resolve) => setImmediate(resolve));
      await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** Runs the command and posts its answer; a button's answer replaces its message, except errors (shown to the clicker only). */
async function answer(deps: SlackCommandDeps, log: Logger, inv: Invocation): Promise<void> {
  const where = { command: inv.command.name, team: inv.channel.workspaceId, channel: inv.channel.channelId, user: inv.user.id };
  const reqLog = log.child(where);
  const reply = await replyFor(deps, reqLog, inv);
  try {
    // The ack went out already: the picture only delays the answer by its deadline, never past Slack's 3 s.
    const image = await uploadReplyChart(
      inv.client,
      reply,
      deps.renderChart === undefined ? defaultChartRenderer : deps.renderChart,
      reqLog,
    );
    const replaceOriginal = inv.fromButton && reply.tone !== 'error';
    await postWithPicture(
      reply,
      image,
      async (message) => void (await inv.respond({ ...message, replace_original: replaceOriginal })),
      reqLog,
    );
  } catch (err) {
    reqLog.error({ err }, 'slack: rendering or posting the answer failed');
  }
}

/** The command's Reply through the one command path (commands/run-command.ts); the user is an admin or not as Slack says. */
async function replyFor(deps: SlackCommandDeps, log: Logger, inv: Invocation): Promise<Reply> {
  const { command, client } = inv;
  const outcome = await runCommand({
    command,
    context: async (): Promise<CommandContext> => ({
      channel: inv.channel,
      user: { ...inv.user, canManageChannel: deps.adminsOnly ? await isWorkspaceAdmin(client, inv.user.id) : true },
      services: { ...deps.services, checkCanPost: (channelId) => checkCanPostInSlack(client, channelId) },
      now: deps.now ?? (() => new Date()),
    }),
    args: () => {
      const args = inv.readArgs();
      // A webhook URL in the arguments (/webhook add <url>) may be a credential (Slack's and Teams' are): logged shortened.
      log.debug({ args: Object.fromEntries(Object.entries(args).map(([k, v]) => [k, v && redactUrls(v)])) }, 'slack command');
      return args;
    },
    log,
    refusal: `Only workspace admins and owners may use /${command.name} in this workspace.`,
    metrics: deps.metrics,
  });
  return outcome.reply;
}
