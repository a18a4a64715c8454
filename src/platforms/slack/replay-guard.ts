import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { App, HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../../logger';

/**
 * Slack's signature check accepts a request for five minutes after its timestamp, so a
 * captured request (a /subscribe, say) could be sent again within that time and run twice.
 * This refuses a second request carrying a signature already seen and verified:
 * - a repeat that arrives after the first was verified gets 401 before Bolt reads it;
 * - a repeat racing the first (both verified at once) is stopped in Bolt's middleware and never runs.
 * Signatures are remembered for 6 minutes (Bolt refuses older timestamps itself), at most
 * `max` of them. Several instances behind a load balancer each remember their own.
 */
export function guardAgainstReplays(receiver: HTTPReceiver, app: App, logger: Logger, options: { max?: number; now?: () => number } = {}) {
  const now = options.now ?? Date.now;
  const max = options.max ?? 50_000;
  const ttlMs = 6 * 60_000;
  const seen = new Map<string, number>();
  const signatureOf = (req: IncomingMessage) => {
    const s = req.headers['x-slack-signature'];
    return typeof s === 'string' ? s : null;
  };
  const live = (sig: string) => (seen.get(sig) ?? 0) > now();

  const listen: RequestListener = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const sig = signatureOf(req);
    if (sig && live(sig)) {
      logger.warn({ url: req.url }, 'slack: refused a replayed request (its signature was already used)');
      res.writeHead(401).end();
      return;
    }
    listen(req, res);
  };
  // Called by Bolt only after the signature is verified: only genuine requests are remembered.
  const remember = (req: IncomingMessage): { slackReplay: boolean } => {
    const sig = signatureOf(req);
    if (!sig) return { slackReplay: false };
    if (live(sig)) return { slackReplay: true };
    for (const [s, expires] of seen) {
      if (expires > now() && seen.size < max) break;
      seen.delete(s); // oldest first: a Map keeps insertion order
    }
    seen.set(sig, now() + ttlMs);
    return { slackReplay: false };
  };
  app.use(async ({ context, next }) => {
    if (context.slackReplay) {
      logger.warn('slack: dropped a replayed request that raced the original');
      return;
    }
    await next();
  });
  return { remember };
}
