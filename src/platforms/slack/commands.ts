import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, RespondFn, SlackActionMiddlewareArgs, webApi } from '@slack/bolt';
import type { ChannelRef, Command, CommandArgs, CommandContext } from '../../../commands/command';
import { commands as registry } from '../../../commands/index';
import { parseCommandText } from '../../../commands/parse-text';
import { errorReply, type Reply } from '../../../commands/reply';
import type { CommandServices } from '../../../commands/services';
import { UserError } from '../../domain/user-error';
import type { Logger } from '../../logger';
import { escapeMrkdwn } from './mrkdwn';
import { decodePageValue, PAGE_NEXT_ACTION_ID, PAGE_PREV_ACTION_ID } from './paging';
import { renderReplyForSlack } from './render-reply';
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

  for (const command of list) {
    app.command(`/${command.name}`, async ({ ack, command: payload, respond, client }) => {
      try {
        await ack();
        await answer(deps, log, {
          command,
          readArgs: () => parseCommandText(command, payload.text ?? ''),
          channel: { platform: 'slack', workspaceId: payload.team_id, channelId: payload.channel_id, channelName: payload.channel_name },
          user: { id: payload.user_id, name: payload.user_name },
          client,
          respond,
          fromButton: false,
        });
      } catch (err) {
        log.error({ err, command: command.name, team: payload.team_id, channel: payload.channel_id, user: payload.user_id }, 'slack command handler failed');
      }
    });
  }

  // A command the manifest declares but this version does not answer (yet): say so rather than let Slack time out.
  const known = list.map((c) => c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  app.command(new RegExp(`^/(?!(?:${known})$)`), async ({ ack, command: payload }) => {
    try {
      await ack({ response_type: 'ephemeral', text: `ice-watch cannot answer ${escapeMrkdwn(payload.command)} in this version.` });
    } catch (err) {
      log.error({ err, command: payload.command, team: payload.team_id, channel: payload.channel_id, user: payload.user_id }, 'slack unknown-command handler failed');
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
        channel: { platform: 'slack', workspaceId: body.team?.id ?? body.user.team_id ?? '', channelId: body.channel.id, channelName: body.channel.name },
        user: { id: body.user.id, name: body.user.username ?? body.user.name ?? body.user.id },
        client,
        respond,
        fromButton: true,
      });
    } catch (err) {
      log.error({ err, action: action.action_id, team: body.team?.id, channel: body.channel?.id, user: body.user.id }, 'slack paging handler failed');
    }
  };
  app.action<BlockAction<ButtonAction>>(PAGE_PREV_ACTION_ID, onPageButton);
  app.action<BlockAction<ButtonAction>>(PAGE_NEXT_ACTION_ID, onPageButton);
}

/** Runs the command and posts its answer; a button's answer replaces its message, except errors (shown to the clicker only). */
async function answer(deps: SlackCommandDeps, log: Logger, inv: Invocation): Promise<void> {
  const where = { command: inv.command.name, team: inv.channel.workspaceId, channel: inv.channel.channelId, user: inv.user.id };
  const reqLog = log.child(where);
  const reply = await replyFor(deps, reqLog, inv);
  try {
    const message = renderReplyForSlack(reply);
    await inv.respond({ ...message, replace_original: inv.fromButton && reply.tone !== 'error' });
  } catch (err) {
    reqLog.error({ err }, 'slack: rendering or posting the answer failed');
  }
}

async function replyFor(deps: SlackCommandDeps, log: Logger, inv: Invocation): Promise<Reply> {
  const { command, client } = inv;
  try {
    const canManageChannel = deps.adminsOnly ? await isWorkspaceAdmin(client, inv.user.id) : true;
    if (command.permission === 'manage-channel' && !canManageChannel) {
      return errorReply(`Only workspace admins and owners may use /${command.name} in this workspace.`);
    }
    const args = inv.readArgs();
    const ctx: CommandContext = {
      channel: inv.channel,
      user: { ...inv.user, canManageChannel },
      services: { ...deps.services, checkCanPost: (channelId) => checkCanPostInSlack(client, channelId) },
      now: deps.now ?? (() => new Date()),
    };
    log.debug({ args }, 'slack command');
    return await command.run(ctx, args);
  } catch (err) {
    if (err instanceof UserError) return errorReply(err.message);
    log.error({ err }, 'slack command failed');
    return errorReply(`Something went wrong answering /${command.name}. It has been logged; please try again later.`);
  }
}
