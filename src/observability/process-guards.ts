import type { OperatorNotice } from '../domain/agreements/guards';
import type { Logger } from '../logging/logger';

/** The process events the guards listen to (the real `process`, or a stand-in in tests). */
export type GuardedProcess = Pick<NodeJS.Process, 'on' | 'off'>;

export interface ProcessGuardDeps {
  logger: Logger;
  /** Tells operators (best effort: never awaited longer than `noticeTimeoutMs`). */
  notifyOperators: (notices: OperatorNotice[]) => Promise<void>;
  /** Ends the process (default `process.exit`). */
  exit?: (code: number) => void;
  /** Default: `process`. */
  target?: GuardedProcess;
  /** How long the way out waits for the operators' notice (default 5 s). */
  noticeTimeoutMs?: number;
  /** At most one operator notice about unhandled rejections per this many ms (default a minute); the log gets every one. */
  rejectionNoticeEveryMs?: number;
}

/** The exit code after an uncaught exception: not 0, so that a supervisor (systemd, Docker) restarts the bot. */
export const CRASH_EXIT_CODE = 1;

const describe = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/**
 * The last line of defence of a long-running process (`ice-watch start`, a Discord shard).
 *
 * - `uncaughtException`: something threw through frames that expected no throw; what it left
 *   half-done is unknown (a cache, a connection, a timer that will never fire). The error is
 *   logged (fatal), operators are told (for at most `noticeTimeoutMs`), and the process exits
 *   with CRASH_EXIT_CODE for the supervisor to restart it. Nothing is lost by exiting: the
 *   outbox is written before a snapshot is marked seen, and a restart resumes it.
 * - `unhandledRejection`: a promise nobody awaited failed; its work ended there, as a caught
 *   error would, and the rest of the process is in a known state. It is logged and operators
 *   are told (at most one notice a minute); the process keeps serving (Node's default would
 *   exit, taking Slack, Discord, polls and the outbox down for one missed `catch`).
 *
 * Returns a function that removes the guards.
 */
export function installProcessGuards(deps: ProcessGuardDeps): () => void {
  const target = deps.target ?? process;
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  const noticeTimeoutMs = deps.noticeTimeoutMs ?? 5_000;
  const every = deps.rejectionNoticeEveryMs ?? 60_000;
  const log = deps.logger.child({ component: 'process' });
  let exiting = false;
  let lastRejectionNotice = -Infinity;

  /** Tells operators without ever waiting long or throwing. */
  const tell = async (notice: OperatorNotice) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, noticeTimeoutMs)));
    const told = deps.notifyOperators([notice]).catch((err: unknown) => log.warn({ err }, 'could not tell operators'));
    await Promise.race([told, timeout]);
    clearTimeout(timer);
  };

  const onException = (err: unknown, origin?: string) => {
    if (exiting) {
      // A second failure on the way out: no more notices, just go.
      log.fatal({ err, origin }, 'another uncaught exception while exiting');
      exit(CRASH_EXIT_CODE);
      return;
    }
    exiting = true;
    log.fatal({ err, origin }, 'uncaught exception: the state of the process is unknown; exiting for the supervisor to restart it');
    void tell({
      kind: 'failing',
      text: `ice-watch hit an uncaught error and is exiting (${describe(err)}); its supervisor should restart it. Pending alerts stay in the outbox.`,
    }).finally(() => exit(CRASH_EXIT_CODE));
  };
  const onRejection = (reason: unknown) => {
    log.error({ err: reason }, 'unhandled promise rejection: that work failed; the bot keeps running');
    const at = Date.now();
    if (at - lastRejectionNotice < every) return;
    lastRejectionNotice = at;
    void tell({
      kind: 'failing',
      text: `ice-watch: a background task failed unhandled (${describe(reason)}); the bot keeps running. See the log for the stack.`,
    });
  };

  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}
