import type { Config } from '../config';
import type { Logger } from '../logging/logger';
import type { HealthStore } from '../store/health-store';
import { createHealthCheck, type WatchedSource } from './health';
import { allowedMethods, createOpsRoutes, startOpsServer, type OpsRoute, type OpsServer } from './http-server';
import { createMetrics, type MetricsRegistry } from './metrics';

/** A platform's own HTTP server, which carries /healthz and /metrics too (Slack in HTTP mode; src/platforms). */
export interface HostingServer {
  /** The platform's id (`slack`). */
  platform: string;
  /** As people name it (`Slack`). */
  name: string;
  port: number;
  /** The setting of that port (`SLACK_PORT`). */
  setting: string;
  /** What opens the server, for messages (`Slack HTTP mode`). */
  mode: string;
}

/** Where /healthz and /metrics are served. */
export type OpsServing = { kind: 'off' } | { kind: 'own'; port: number } | ({ kind: 'platform' } & HostingServer);

/**
 * Where the endpoints go: on a platform's own HTTP server when one runs (one server, not two;
 * its port is open anyway), else on HTTP_PORT, else nowhere (the default, console mode
 * included).
 */
export function opsServingOf(config: Config, host: HostingServer | null = null): OpsServing {
  if (host) return { kind: 'platform', ...host };
  if (config.HTTP_PORT !== undefined) return { kind: 'own', port: config.HTTP_PORT };
  return { kind: 'off' };
}

export interface OpsEndpointsDeps {
  health: HealthStore;
  outboxDepth: () => Promise<{ pending: number; oldestCreatedAt: string | null }>;
  /** The polled sources, with the health-store keys the guarded polls write. */
  sources: readonly WatchedSource[];
  logger: Logger;
  now?: () => Date;
  /** Interface to listen on (default: all; tests use 127.0.0.1). */
  host?: string;
  /** The platform server that carries the endpoints, if one runs (src/platforms: hostingServerOf). */
  hostedBy?: HostingServer | null;
  /** More routes on the same server: the public web surface (src/web: feeds and state pages). */
  extraRoutes?: readonly OpsRoute[];
}

/**
 * The bot's operations surface, built by the composition root: the metrics registry (always:
 * counting costs nothing), the /healthz and /metrics routes, and, when no Slack HTTP server
 * carries them, a server of their own on HTTP_PORT.
 */
export function createOpsEndpoints(config: Config, deps: OpsEndpointsDeps) {
  const serving = opsServingOf(config, deps.hostedBy);
  const metrics: MetricsRegistry = createMetrics({ outboxDepth: deps.outboxDepth, now: deps.now, processMetrics: serving.kind !== 'off' });
  const checkHealth = createHealthCheck({ health: deps.health, sources: deps.sources, now: deps.now });
  const routes: OpsRoute[] = [...createOpsRoutes({ checkHealth, metrics, logger: deps.logger }), ...(deps.extraRoutes ?? [])];
  let server: OpsServer | null = null;
  return {
    metrics,
    checkHealth,
    serving,
    /**
     * For the hosting platform's server (Slack's `customRoutes`) when `serving.kind` is `platform`; else none.
     * Bolt routes a method only when it is named, so HEAD is named beside GET (a feed reader's or a proxy's
     * HEAD; Node sends the headers without the body). The server of our own answers HEAD for any GET route.
     */
    hostedRoutes: serving.kind === 'platform' ? routes.map((r) => ({ ...r, method: allowedMethods(r) })) : undefined,
    /** Opens HTTP_PORT when the endpoints have no platform server to ride on; returns the port serving them (null: off). */
    async start(hostPort?: number | null): Promise<number | null> {
      if (serving.kind === 'off') return null;
      if (serving.kind === 'platform') {
        if (config.HTTP_PORT !== undefined && config.HTTP_PORT !== serving.port) {
          deps.logger.warn(
            { HTTP_PORT: config.HTTP_PORT, [serving.setting]: serving.port },
            `/healthz and /metrics are served on ${serving.setting}, which ${serving.mode} opens anyway; HTTP_PORT is not opened`,
          );
        }
        return hostPort ?? serving.port;
      }
      server = await startOpsServer(routes, serving.port, deps.host, deps.logger);
      deps.logger.info({ port: server.port }, 'serving /healthz and /metrics');
      return server.port;
    },
    async stop() {
      await server?.close();
      server = null;
    },
  };
}
