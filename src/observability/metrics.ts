import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What one poll found, for the per-poll log line and the metrics (src/pipelines/guarded-poll.ts). */
export interface PollSummary {
  /** One entry per file judged in the poll (none when nothing new was published). */
  files: Array<{ list: string; file: string | null; verdict: string }>;
  /** Events by type (`agreement.signed`: 3). */
  events: Record<string, number>;
}

/**
 * The instruments the bot reports to, a port: the services, the outbox worker and the
 * command handlers take it as an optional dependency (absent in tests that do not care).
 */
export interface Metrics {
  /** A poll ran (`ok` false: it failed); with its summary when it succeeded. */
  pollFinished(source: string, ok: boolean, summary?: PollSummary | null, at?: Date): void;
  /** One send of an alert: sent, or failed (`permanent`: the channel is gone or forbids it; `transient`: retried). */
  alertAttempt(platform: string, outcome: 'sent' | 'transient' | 'permanent'): void;
  /** A command answered, in seconds. */
  commandFinished(platform: string, command: string, seconds: number): void;
  /** After each poll: whether the source counts as failing, and why (`error`: the poll failed; `rejected`: its file was refused). */
  sourceFailing?(source: string, reason: 'error' | 'rejected' | null): void;
}

/** Metric names, documented in the README; `ice_watch_` prefixed. */
export const METRIC_NAMES = {
  polls: 'ice_watch_polls_total',
  pollFailures: 'ice_watch_poll_failures_total',
  lastSuccess: 'ice_watch_poll_last_success_timestamp_seconds',
  publications: 'ice_watch_publications_total',
  events: 'ice_watch_events_total',
  alertsSent: 'ice_watch_alerts_sent_total',
  alertsFailed: 'ice_watch_alerts_failed_total',
  outboxDepth: 'ice_watch_outbox_depth',
  outboxOldestAge: 'ice_watch_outbox_oldest_age_seconds',
  commandDuration: 'ice_watch_command_duration_seconds',
  sourceFailing: 'ice_watch_source_failing',
} as const;

/** The reasons a source counts as failing, the `reason` label of ice_watch_source_failing. */
const FAILING_REASONS = ['error', 'rejected'] as const;

export interface MetricsDeps {
  /** The outbox's pending entries, read when /metrics is scraped (OutboxStore.depth). */
  outboxDepth?: () => Promise<{ pending: number; oldestCreatedAt: string | null }>;
  now?: () => Date;
  /** Also Node's process metrics (CPU, memory, event loop); off in tests. */
  processMetrics?: boolean;
}

/** The registry (what /metrics renders) and the instruments behind the Metrics port. */
export interface MetricsRegistry extends Metrics {
  registry: Registry;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
  readonly contentType: string;
}

/**
 * Builds a registry of its own (never prom-client's global one) with every instrument.
 * The outbox gauges are read at scrape time; a store that fails then leaves them at their
 * last value (/healthz says the store is unreachable).
 */
export function createMetrics(deps: MetricsDeps = {}): MetricsRegistry {
  const registry = new Registry();
  const registers = [registry];
  const now = deps.now ?? (() => new Date());
  if (deps.processMetrics) collectDefaultMetrics({ register: registry });

  const polls = new Counter({
    name: METRIC_NAMES.polls,
    help: 'Polls run per source (back-off skips excluded)',
    labelNames: ['source'],
    registers,
  });
  const failures = new Counter({
    name: METRIC_NAMES.pollFailures,
    help: 'Polls that failed per source',
    labelNames: ['source'],
    registers,
  });
  const lastSuccess = new Gauge({
    name: METRIC_NAMES.lastSuccess,
    help: 'Unix time of the last successful poll per source',
    labelNames: ['source'],
    registers,
  });
  const publications = new Counter({
    name: METRIC_NAMES.publications,
    help: 'Published files judged, per list and verdict',
    labelNames: ['list', 'verdict'],
    registers,
  });
  const events = new Counter({ name: METRIC_NAMES.events, help: 'Events found in publications, by type', labelNames: ['type'], registers });
  const sent = new Counter({
    name: METRIC_NAMES.alertsSent,
    help: 'Alert messages sent, per platform',
    labelNames: ['platform'],
    registers,
  });
  const failed = new Counter({
    name: METRIC_NAMES.alertsFailed,
    help: 'Alert sends that failed, per platform and kind (transient: retried; permanent: channel paused)',
    labelNames: ['platform', 'kind'],
    registers,
  });
  const commandSeconds = new Histogram({
    name: METRIC_NAMES.commandDuration,
    help: 'Time to answer a command, per platform and command',
    labelNames: ['platform', 'command'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });

  const sourceFailing = new Gauge({
    name: METRIC_NAMES.sourceFailing,
    labelNames: ['source', 'reason'],
    registers,
    help: 'Whether a source counts as failing after its last poll, by reason (error: the poll failed; rejected: its file was refused, e.g. an HTML page)',
  });

  if (deps.outboxDepth) {
    const read = () => deps.outboxDepth!().catch(() => null);
    new Gauge({
      name: METRIC_NAMES.outboxDepth,
      help: 'Alert messages waiting in the outbox',
      registers,
      async collect() {
        const d = await read();
        if (d) this.set(d.pending);
      },
    });
    new Gauge({
      name: METRIC_NAMES.outboxOldestAge,
      help: 'Age of the oldest waiting outbox message, seconds (0 when empty)',
      registers,
      async collect() {
        const d = await read();
        if (d) this.set(d.oldestCreatedAt ? Math.max(0, (now().getTime() - Date.parse(d.oldestCreatedAt)) / 1000) : 0);
      },
    });
  }

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    pollFinished(source, ok, summary, at) {
      polls.inc({ source });
      if (!ok) {
        failures.inc({ source });
        return;
      }
      lastSuccess.set({ source }, (at ?? now()).getTime() / 1000);
      for (const f of summary?.files ?? []) publications.inc({ list: f.list, verdict: f.verdict });
      for (const [type, n] of Object.entries(summary?.events ?? {})) if (n > 0) events.inc({ type }, n);
    },
    alertAttempt(platform, outcome) {
      if (outcome === 'sent') sent.inc({ platform });
      else failed.inc({ platform, kind: outcome });
    },
    commandFinished(platform, command, seconds) {
      commandSeconds.observe({ platform, command }, seconds);
    },
    sourceFailing(source, reason) {
      for (const r of FAILING_REASONS) sourceFailing.set({ source, reason: r }, r === reason ? 1 : 0);
    },
  };
}
