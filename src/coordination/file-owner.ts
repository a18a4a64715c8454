import { hostname } from 'node:os';
import { UserError } from '../domain/user-error';
import type { Logger } from '../logging/logger';
import type { Leases } from '../store/leases';
import { within } from './within';

export const FILE_OWNER_LEASE = 'sqlite-file-owner';
/** How long the owner's lease lasts unrenewed; renewed every third. */
const OWNER_TTL_MS = 15_000;

/** Another running bot owns the SQLite file: this one must not start. */
export class FileOwnedError extends UserError {
  override name = 'FileOwnedError';
}

/** Whether `owner` (`host:pid:random`, see newInstanceId) names a process of this machine that has ended. */
function endedHere(owner: string): boolean {
  const parts = owner.split(':');
  const pid = Number(parts.at(-2));
  if (parts.slice(0, -2).join(':') !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export interface FileOwnerDeps {
  leases: Leases;
  /** This instance (host, pid and a random part). */
  owner: string;
  /** The file, for the message. */
  description: string;
  logger: Logger;
}

/**
 * On SQLite one process owns the file: it polls and sends, and a second `ice-watch start` on
 * the same file is refused (two pollers would send each alert twice, and SQLite has no
 * `SKIP LOCKED` to share the outbox). The owner holds a lease row, renewed every 5 s; a process
 * that ended without releasing it (SIGKILL, power loss) is taken over at once when it ran on
 * this machine (its pid is gone), else once its lease lapses (15 s). The CLI's read-only
 * commands do not take it: they read beside the bot (WAL).
 */
export function createFileOwner(deps: FileOwnerDeps) {
  const { leases, owner, logger } = deps;
  let timer: NodeJS.Timeout | null = null;
  let held = false;
  const renew = async () => {
    const ok = await within(leases.acquire(FILE_OWNER_LEASE, owner, OWNER_TTL_MS), OWNER_TTL_MS / 3, 'the SQLite file lease').catch(
      (err: unknown) => {
        logger.warn({ err }, 'the SQLite file lease could not be renewed');
        return held; // the file is ours until someone else takes the row
      },
    );
    if (held && !ok) logger.error({ owner }, 'another process took this SQLite file over: two bots are running on one file');
    held = ok;
  };
  return {
    /** Takes the file, or rejects with a FileOwnedError naming the process that has it. */
    async start(): Promise<void> {
      let ok = await leases.acquire(FILE_OWNER_LEASE, owner, OWNER_TTL_MS);
      if (!ok) {
        const holder = await leases.holder(FILE_OWNER_LEASE);
        if (holder && endedHere(holder)) {
          logger.warn({ previous: holder }, 'the previous bot on this SQLite file ended without stopping; taking the file over');
          await leases.release(FILE_OWNER_LEASE, holder);
        }
        ok = await leases.acquire(FILE_OWNER_LEASE, owner, OWNER_TTL_MS);
      }
      if (!ok) {
        const holder = (await leases.holder(FILE_OWNER_LEASE)) ?? 'another process';
        throw new FileOwnedError(
          `another ice-watch (${holder}) is running on ${deps.description}: one process owns a SQLite store. ` +
            'Stop it first, or run several instances on PostgreSQL (STORE_URL=postgres://...). Read-only commands (status, agreements) work beside it.',
        );
      }
      held = true;
      timer = setInterval(() => void renew(), OWNER_TTL_MS / 3);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      if (held) await within(leases.release(FILE_OWNER_LEASE, owner), 2_000, 'releasing the SQLite file').catch(() => undefined);
      held = false;
    },
  };
}
