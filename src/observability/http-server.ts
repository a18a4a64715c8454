import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logging/logger';
import type { HealthReport } from './health';

/**
 * A GET route, in the shape Bolt's HTTPReceiver takes as `customRoutes` (so Slack's server can carry it).
 * A path segment `:name` matches one segment, given to the handler as `req.params.name` (decoded), as Bolt does:
 * `/feeds/:file` serves `/feeds/texas.atom` with `params.file === 'texas.atom'`.
 */
export interface OpsRoute {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface OpsRoutesDeps {
  checkHealth: () => Promise<HealthReport>;
  /** The Prometheus exposition and its content type (src/observability/metrics.ts). */
  metrics: { render(): Promise<string>; readonly contentType: string };
  logger: Logger;
}

export const HEALTH_PATH = '/healthz';
export const METRICS_PATH = '/metrics';
/** /healthz answers within this (503 when the check has not finished): under the 2 s a prober waits. */
export const HEALTH_ANSWER_MS = 1_900;

/**
 * `/healthz` (JSON; 200 when everything is well, 503 when the store is unreachable or a
 * source is overdue) and `/metrics` (Prometheus text). Served by a server of their own
 * (startOpsServer), or by Slack's HTTP receiver when Slack runs in HTTP mode: one port.
 */
export function createOpsRoutes(deps: OpsRoutesDeps): OpsRoute[] {
  const log = deps.logger.child({ component: 'ops-http' });
  const fail = (res: ServerResponse, what: string, err: unknown) => {
    log.error({ err }, `${what} failed`);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${what} failed\n`);
  };
  return [
    {
      path: HEALTH_PATH,
      method: ['GET'],
      handler: (_req, res) => {
        const answer = (status: number, body: unknown) => {
          if (res.headersSent) return;
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
          res.end(JSON.stringify(body) + '\n');
        };
        // The check bounds its own waits on the store; this bound is the endpoint's own, for whatever else
        // could hang (a stalled event loop turn, a store call that ignores its timeout): a load balancer gets
        // its 503 within HEALTH_ANSWER_MS however the database fails.
        const late = setTimeout(
          () =>
            answer(503, {
              status: 'failing',
              store: { reachable: false, error: `the health check did not finish within ${HEALTH_ANSWER_MS} ms` },
            }),
          HEALTH_ANSWER_MS,
        );
        deps
          .checkHealth()
          .then(
            (report) => answer(report.status === 'ok' ? 200 : 503, report),
            (err: unknown) => {
              if (!res.headersSent) fail(res, 'health check', err);
            },
          )
          .finally(() => clearTimeout(late));
      },
    },
    {
      path: METRICS_PATH,
      method: ['GET'],
      handler: (_req, res) => {
        deps.metrics.render().then(
          (text) => {
            res.writeHead(200, { 'content-type': deps.metrics.contentType });
            res.end(text);
          },
          (err: unknown) => fail(res, 'metrics', err),
        );
      },
    },
  ];
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/** The parameters of a route's `:name` segments, as Bolt gives them (`req.params`). */
export type RouteParams = Record<string, string>;

/** The params a route's handler got, from Bolt's receiver or ours (empty when the path has none). */
export function paramsOf(req: IncomingMessage): RouteParams {
  return (req as IncomingMessage & { params?: RouteParams }).params ?? {};
}

/** The route serving `path` and its params; null when none does. A segment that cannot be decoded matches nothing. */
export function matchRoute(routes: readonly OpsRoute[], path: string): { route: OpsRoute; params: RouteParams } | null {
  const parts = path.split('/');
  for (const route of routes) {
    const want = route.path.split('/');
    if (want.length !== parts.length) continue;
    const params: RouteParams = {};
    const fits = want.every((w, i) => {
      if (!w.startsWith(':')) return w === parts[i];
      if (!parts[i]) return false;
      try {
        params[w.slice(1)] = decodeURIComponent(parts[i]);
        return true;
      } catch {
        return false;
      }
    });
    if (fits) return { route, params };
  }
  return null;
}

/** The methods a route answers: its own, and HEAD wherever GET is (Node sends the head of a GET's answer). */
export function allowedMethods(route: OpsRoute): string[] {
  return route.method.includes('GET') && !route.method.includes('HEAD') ? [...route.method, 'HEAD'] : route.method;
}

/**
 * Serves the routes on their own port (HTTP_PORT; 0 picks a free one). Anything else is a 404; a target that is
 * no URL a 400; a method the route does not take a 405; a handler that throws a 500 (logged), never a crash.
 */
export async function startOpsServer(routes: readonly OpsRoute[], port: number, host?: string, logger?: Logger): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    // Nothing a client sends may escape the listener: an exception there is uncaught, and the process guard
    // ends the bot. A target URL cannot parse (`//`, `//%`: an authority with no host) is the client's mistake.
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://ops').pathname;
    } catch {
      return void res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request\n');
    }
    try {
      const found = matchRoute(routes, path);
      if (!found) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      const { route, params } = found;
      const allowed = allowedMethods(route);
      if (!allowed.includes(req.method ?? 'GET')) return void res.writeHead(405, { allow: allowed.join(', ') }).end();
      Object.assign(req, { params });
      route.handler(req, res);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
      // A handler that throws is a bug, reported; but one request must not end the process.
      logger?.error({ err, method: req.method, url: req.url }, 'an HTTP route threw');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
