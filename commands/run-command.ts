import { UserError } from '../src/domain/user-error';
import type { Logger } from '../src/logging/logger';
import { errorReply, type Reply } from '../src/messages/reply';
import type { Metrics } from '../src/observability/metrics';
import type { Command, CommandArgs, CommandContext } from './command';

/** What the asker reads when something broke on our side (the details go to the log). */
export function unexpectedErrorText(command?: string): string {
  return `Something went wrong${command ? ` answering /${command}` : ''}. It has been logged; please try again later.`;
}

/** One run of a command, as a surface (Discord, Slack, the terminal) asks for it. */
export interface CommandRun {
  command: Command;
  /**
   * The context, or how to build it (Slack asks its Web API whether the user is an admin):
   * a failure there is answered like any other.
   */
  context: CommandContext | (() => Promise<CommandContext>);
  /** The arguments, or how to read them from what was typed (a mistake there is a UserError, shown to the asker). */
  args: CommandArgs | (() => CommandArgs);
  /** Where an unexpected error is logged: a child logger carrying the surface's context (command, guild or team, channel, user). */
  log: Logger;
  /** The surface's own words for someone the command's `manage-channel` permission refuses. */
  refusal: string;
  /** Command latency (ice_watch_command_duration_seconds); absent: not measured. */
  metrics?: Pick<Metrics, 'commandFinished'>;
}

/** How a run ended, for surfaces that answer differently (the terminal's exit code). */
export type CommandOutcome =
  | { ok: true; reply: Reply }
  /** `refused`: the permission said no; `mistake`: a UserError; `bug`: anything else (logged). */
  | { ok: false; reply: Reply; failure: 'refused' | 'mistake' | 'bug'; error?: unknown };

/**
 * The one way any surface runs a command (STYLE rule 7): the permission check, then the
 * arguments, then `run`, timed whatever its outcome. A UserError is answered with its own
 * words; anything else is logged with the surface's context and answered with one generic
 * sentence. It never throws: every outcome is a Reply the surface renders its own way.
 */
export async function runCommand(request: CommandRun): Promise<CommandOutcome> {
  const { command, log } = request;
  try {
    const ctx = typeof request.context === 'function' ? await request.context() : request.context;
    if (command.permission === 'manage-channel' && !ctx.user.canManageChannel) {
      return { ok: false, reply: errorReply(request.refusal), failure: 'refused' };
    }
    const args = typeof request.args === 'function' ? request.args() : request.args;
    const reply = await timed(request.metrics, ctx.channel.platform, command.name, () => command.run(ctx, args));
    return { ok: true, reply };
  } catch (error) {
    if (error instanceof UserError) return { ok: false, reply: errorReply(error.message), failure: 'mistake', error };
    log.error({ err: error }, 'command failed');
    return { ok: false, reply: errorReply(unexpectedErrorText(command.name)), failure: 'bug', error };
  }
}

/** Runs `run` and reports how long it took, whatever its outcome. */
async function timed<T>(metrics: CommandRun['metrics'], platform: string, command: string, run: () => Promise<T>): Promise<T> {
  if (!metrics) return run();
  const start = process.hrtime.bigint();
  try {
    return await run();
  } finally {
    metrics.commandFinished(platform, command, Number(process.hrtime.bigint() - start) / 1e9);
  }
}
