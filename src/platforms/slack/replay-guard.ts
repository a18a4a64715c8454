import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { App, HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../../logging/logger';
import type { Leases } from '../../store/leases';

/** Lease names of seen signatures start with this (a lease per signature, never released: it lapses). */
export const SEEN_SIGNATURE = 'slack-seen:';
/** How far ahead of this machine's clock a request may be stamped (Slack's clock and ours differ a little). */
export const FUTURE_SKEW_MS = 60_000;
/**
 * How long a signature is remembered: Bolt refuses a timestamp over five minutes old, and a
 * request stamped up to FUTURE_SKEW_MS ahead stays valid that much longer; a minute more for
 * clocks that differ between instances.
 */
export const REMEMBER_MS = 5 * 60_000 + FUTURE_SKEW_MS + 60_000;
/** Expired signatures are swept from the store at most this often (SQL engines keep their rows until then). */
const SWEEP_EVERY_MS = 10 * 60_000;

export interface ReplayGuardOptions {
  /** The database's leases (src/store/leases.ts): shared by every instance, kept across restarts, expiring on the database's clock. */
  leases: Leases;
  now?: () => number;
}

/**
 * Slack's signature check accepts a request for five minutes after its timestamp, so a
 * captured request (a /subscribe, say) could be sent again within that time and run twice,
 * and Bolt does not refuse a timestamp in the future at all. This refuses:
 * - a request stamped more than FUTURE_SKEW_MS ahead: 401 before Bolt reads it;
 * - a signature already seen and verified, by this instance or another, before or after a
 *   restart: the seen signatures are leases in the shared store. A repeat that arrives after
 *   the first was verified gets 401 before Bolt reads it; a repeat racing the first (both
 *   verified at once) loses the atomic claim in Bolt's middleware and never runs.
 * When the store cannot be asked, a request is refused (logged): replay protection never lapses silently.
 */
export function guardAgainstReplays(receiver: HTTPReceiver, app: App, logger: Logger, options: ReplayGuardOptions) {
  const { leases } = options;
  const now = options.now ?? Date.now;
  const instance = randomBytes(6).toString('hex');
  let claims = 0;
  let lastSweep = now();
  const header = (req: IncomingMessage, name: string) => {
    const v = req.headers[name];
    return typeof v === 'string' ? v : null;
  };
  const refuse = (res: ServerResponse) => void res.writeHead(401).end();

  const listen: RequestListener = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const stamp = Number(header(req, 'x-slack-request-timestamp'));
    if (Number.isFinite(stamp) && stamp * 1000 > now() + FUTURE_SKEW_MS) {
      logger.warn({ url: req.url, aheadSeconds: Math.round(stamp - now() / 1000) }, 'slack: refused a request stamped in the future');
      return refuse(res);
    }
    const sig = header(req, 'x-slack-signature');
    if (!sig) return listen(req, res);
    leases.holder(SEEN_SIGNATURE + sig).then(
      (holder) => {
        if (!holder) return listen(req, res);
        logger.warn({ url: req.url }, 'slack: refused a replayed request (its signature was already used)');
        refuse(res);
      },
      (err: unknown) => {
        logger.error({ err }, 'slack: the store cannot be asked whether a request is a replay; refused');
        res.writeHead(503).end();
      },
    );
  };
  // Called by Bolt only after the signature is verified: only genuine requests are claimed, in the middleware below.
  const remember = (req: IncomingMessage): { slackSignature: string | null } => ({ slackSignature: header(req, 'x-slack-signature') });

  app.use(async ({ context, next }) => {
    const sig = typeof context.slackSignature === 'string' ? context.slackSignature : null;
    if (sig) {
      let first: boolean;
      try {
        // Taken once and never released: whoever claims a signature first runs it; the lease lapses after REMEMBER_MS.
        first = await leases.acquire(SEEN_SIGNATURE + sig, `${instance}:${++claims}`, REMEMBER_MS);
      } catch (err) {
        logger.error({ err }, 'slack: the store cannot record a request signature; the request is dropped');
        return;
      }
      if (!first) {
        logger.warn('slack: dropped a replayed request that raced the original');
        return;
      }
      if (now() - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = now();
        void leases
          .sweep(SEEN_SIGNATURE)
          .catch((err: unknown) => logger.warn({ err }, 'slack: sweeping expired request signatures failed'));
      }
    }
    await next();
  });
  return { remember };
}
