import type { Config } from '../config';
import type { Logger } from '../logging/logger';
import type { HealthStore } from '../store/health-store';
import { createHealthCheck, type WatchedSource } from './health';
import { createOpsRoutes, startOpsServer, type OpsRoute, type OpsServer } from './http-server';
import { createMetrics, type MetricsRegistry } from './metrics';

/** Where /healthz and /metrics are served. */
export type OpsServing = { kind: 'off' } | { kind: 'own'; port: number } | { kind: 'slack'; port: number };

/** Slack in HTTP mode: a bot token and a signing secret, no app token (src/platforms/slack/app.ts). */
export function slackServesHttp(config: Config): boolean {
  return Boolean(config.SLACK_BOT_TOKEN && !config.SLACK_APP_TOKEN && config.SLACK_SIGNING_SECRET);
}

/**
 * Where the endpoints go: on Slack's port when Slack runs in HTTP mode (one server, not
 * two; its port is open anyway), else on HTTP_PORT, else nowhere (the default, console mode
 * included).
 */
export function opsServingOf(config: Config): OpsServing {
  if (slackServesHttp(config)) return { kind: 'slack', port: config.SLACK_PORT };
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
}

/**
 * The bot's operations surface, built by the composition root: the metrics registry (always:
 * counting costs nothing), the /healthz and /metrics routes, and, when no Slack HTTP server
 * carries them, a server of their own on HTTP_PORT.
 */
export function createOpsEndpoints(config: Config, deps: OpsEndpointsDeps) {
  const serving = opsServingOf(config);
  const metrics: MetricsRegistry = createMetrics({ outboxDepth: deps.outboxDepth, now: deps.now, processMetrics: serving.kind !== 'off' });
  const checkHealth = createHealthCheck({ health: deps.health, sources: deps.sources, now: deps.now });
  const routes: OpsRoute[] = createOpsRoutes({ checkHealth, metrics, logger: deps.logger });
  let server: OpsServer | null = null;
  return {
    metrics,
    checkHealth,
    serving,
    /** For Slack's HTTP receiver (`customRoutes`) when `serving.kind` is `slack`; else none. */
    slackRoutes: serving.kind === 'slack' ? routes : undefined,
    /** Opens HTTP_PORT when the endpoints have no Slack server to ride on; returns the port serving them (null: off). */
    async start(slackPort?: number | null): Promise<number | null> {
      if (serving.kind === 'off') return null;
      if (serving.kind === 'slack') {
        if (config.HTTP_PORT !== undefined && config.HTTP_PORT !== config.SLACK_PORT) {
          deps.logger.warn({ HTTP_PORT: config.HTTP_PORT, SLACK_PORT: config.SLACK_PORT }, '/healthz and /metrics are served on SLACK_PORT, which Slack HTTP mode opens anyway; HTTP_PORT is not opened');
        }
        return slackPort ?? serving.port;
      }
      server = await startOpsServer(routes, serving.port, deps.host);
      deps.logger.info({ port: server.port }, 'serving /healthz and /metrics');
      return server.port;
    },
    async stop() {
      await server?.close();
      server = null;
    },
  };
}
