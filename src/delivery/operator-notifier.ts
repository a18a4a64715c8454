import type { OperatorNotice, OperatorNoticeKind } from '../domain/alerts/operator-notice';
import { episodeKey, observeProblem, observeRecovery, type Episode } from '../domain/alerts/operator-episodes';
import { formatUtcMinute } from '../domain/text';
import type { Logger } from '../logging/logger';
import type { EpisodeStore } from '../store/episode-store';
import { formatOperatorNotice, sendOperatorNotice } from './operator-notices';
import type { SendResult } from './sender';

/** The kinds that can be open on a subject: a `recovered` notice on that subject ends them. */
const EPISODE_KINDS: readonly OperatorNoticeKind[] = [
  'failing',
  'rejected',
  'not-a-workbook',
  'workbook-unreadable',
  'paused',
  'gave-up',
  'job-failed',
  'unreadable',
];

export interface OperatorNotifierDeps {
  /** One per operator channel (Discord, Slack): posts one text. */
  outputs: ReadonlyArray<(text: string) => Promise<SendResult>>;
  /** The terminal's operator lines (console mode), told what the channels are told. */
  terminal?: (notices: OperatorNotice[]) => Promise<void>;
  episodes: EpisodeStore;
  logger: Logger;
  now?: () => Date;
  /** The retry delays of one notice (default OPERATOR_NOTICE_RETRY_DELAYS_MS); tests shorten them. */
  retryDelaysMs?: readonly number[];
}

/**
 * `notifyOperators`: a notice without a subject is told as it comes; one with a subject is an
 * episode (src/domain/operator-episodes.ts): told when it starts, repeated at growing
 * intervals, and ended by one `recovered` notice on the same subject (a `recovered` with no
 * open episode is dropped). Episodes live in the store and, so that a store that stops
 * answering is still told once and not on every poll, in memory too.
 */
export function createOperatorNotifier(deps: OperatorNotifierDeps) {
  const now = deps.now ?? (() => new Date());
  const { logger } = deps;
  /** What this process knows of each episode key (null: none open); the store answers the rest. */
  const known = new Map<string, Episode | null>();
  let storeTrouble = false;
  const guard = async <T>(what: string, p: Promise<T>, fallback: T): Promise<T> => {
    try {
      const out = await p;
      storeTrouble = false;
      return out;
    } catch (err) {
      if (!storeTrouble)
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, `operator episodes: ${what} failed; kept in memory`);
      storeTrouble = true;
      return fallback;
    }
  };
  const read = async (key: string): Promise<Episode | null> => {
    if (known.has(key)) return known.get(key)!;
    const e = await guard('read', deps.episodes.get(key), null);
    known.set(key, e);
    return e;
  };
  const write = async (e: Episode) => {
    known.set(e.key, e);
    await guard('write', deps.episodes.set(e), undefined);
  };
  const forget = async (key: string) => {
    known.set(key, null);
    await guard('delete', deps.episodes.delete(key), undefined);
  };

  /** The notice as it should go out now, or null to stay quiet. */
  async function decide(n: OperatorNotice, at: Date): Promise<OperatorNotice | null> {
    if (!n.subject) return n;
    if (n.kind === 'recovered') {
      const open = (await Promise.all(EPISODE_KINDS.map((k) => read(episodeKey(k, n.subject!))))).filter((e): e is Episode => e !== null);
      const { ended, tell } = observeRecovery(open, at);
      await Promise.all(ended.map((e) => forget(e.key)));
      if (!tell) return null;
      const since = ended.map((e) => e.startedAt).sort()[0]!;
      return { ...n, text: `${n.text} (first told ${formatUtcMinute(since)})` };
    }
    const { next, tell } = observeProblem(await read(episodeKey(n.kind, n.subject)), n.kind, n.subject, at);
    await write(next);
    if (!tell) return null;
    return tell === 'repeat'
      ? { ...n, text: `still so (notice ${next.told}, first told ${formatUtcMinute(next.startedAt)}): ${n.text}` }
      : n;
  }

  async function send(n: OperatorNotice) {
    logger.info({ notice: n.kind, subject: n.subject }, n.text);
    const text = formatOperatorNotice(n);
    // Each output in its own right (one platform's trouble does not hold the other's notice), with a bounded retry.
    await Promise.all(
      deps.outputs.map(async (output) => {
        const result = await sendOperatorNotice(output, text, logger, deps.retryDelaysMs);
        if (!result.ok) logger.warn({ reason: result.reason, notice: n.kind }, 'operator notice not delivered');
      }),
    );
  }

  // One notice decided at a time: two polls ending at once must not both start the same episode.
  let queue: Promise<unknown> = Promise.resolve();
  return async function notifyOperators(notices: OperatorNotice[]): Promise<void> {
    const run = queue.then(async () => {
      const out: OperatorNotice[] = [];
      for (const n of notices) {
        const told = await decide(n, now());
        if (told) out.push(told);
      }
      return out;
    });
    queue = run.catch(() => undefined);
    const out = await run;
    for (const n of out) await send(n);
    if (out.length) await deps.terminal?.(out);
  };
}
