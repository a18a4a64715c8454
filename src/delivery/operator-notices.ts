import type { OperatorNotice, OperatorNoticeKind } from '../domain/alerts/operator-notice';
import type { Logger } from '../logging/logger';
import type { SendResult } from './sender';

/** Waits before the 2nd and 3rd attempt at an operator notice: a socket error or a 5xx is usually over within seconds. */
export const OPERATOR_NOTICE_RETRY_DELAYS_MS = [1_000, 4_000] as const;

/**
 * Sends one operator notice through one output, trying again after a transient failure
 * (a socket error, a 5xx, a 429: waiting its Retry-After when that is shorter than the
 * next delay's double) up to `delaysMs.length` more times; a permanent failure (the
 * channel gone, the token revoked) is not retried. Never throws: returns the last result.
 * The "held" notice for a 900,000-row file was lost to one socket error before this.
 */
export async function sendOperatorNotice(
  output: (text: string) => Promise<SendResult>,
  text: string,
  logger: Logger,
  delaysMs: readonly number[] = OPERATOR_NOTICE_RETRY_DELAYS_MS,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<SendResult> {
  let result: SendResult = { ok: false, permanent: false, reason: 'not tried' };
  for (let attempt = 0; attempt <= delaysMs.length; attempt++) {
    try {
      result = await output(text);
    } catch (err) {
      result = { ok: false, permanent: false, reason: err instanceof Error ? err.message : String(err) };
    }
    if (result.ok || result.permanent || attempt === delaysMs.length) break;
    const wait = Math.max(delaysMs[attempt]!, Math.min(result.retryAfterMs ?? 0, delaysMs[attempt]! * 2));
    logger.info({ reason: result.reason, retryInMs: wait }, 'operator notice not delivered; trying again');
    await sleep(wait);
  }
  return result;
}

/** Each kind's label on the operator channels: what happened, in a few words. */
export const OPERATOR_NOTICE_LABELS: Record<OperatorNoticeKind, string> = {
  baseline: 'baseline stored',
  rejected: 'file rejected',
  'not-a-workbook': 'not a workbook',
  'workbook-unreadable': 'workbook unreadable',
  'feed-warning': 'daily feed warning',
  held: 'changes held',
  confirmed: 'held changes confirmed',
  discarded: 'held changes dropped',
  corrected: 'dates corrected',
  unreadable: 'unreadable rows kept',
  failing: 'source failing',
  recovered: 'recovered',
  paused: 'channel paused',
  'gave-up': 'alert given up',
  revised: 'data revised',
  'job-failed': 'job failed',
};

/** One notice as the operator channels show it: `ice-watch · file rejected: ...`. */
export function formatOperatorNotice(n: OperatorNotice): string {
  return `ice-watch · ${OPERATOR_NOTICE_LABELS[n.kind]}: ${n.text}`;
}
