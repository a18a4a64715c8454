/**
 * The servers some tests need (PostgreSQL, Redis), and whether this run can reach them.
 *
 * jest's globalSetup (test/setup/probe-services.ts) asks each server once per run, within
 * 300 ms, and hands the answer to every test file in ICE_WATCH_TEST_SERVICES. A suite that
 * needs a server that is down is registered as skipped (`describeWith`, `describeEachDatabase` in
 * databases.ts), and the run ends with one line saying what to start. `.ci/run` sets
 * ICE_WATCH_REQUIRE_SERVICES=1: there a server that is down fails the run instead.
 */
import { existsSync, readdirSync } from 'node:fs';
import { redactUrl } from '../../src/logging/redact';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from '../../stand-ins/store-servers';

export type Service = 'postgres' | 'redis';
/** A server that did not answer, and why (the client's error message). */
export type ServiceProbe = Record<Service, { url: string; error: string | null }>;

const PROBE_MS = 300;
const ENV_KEY = 'ICE_WATCH_TEST_SERVICES';

const NAMES: Record<Service, string> = { postgres: 'PostgreSQL', redis: 'Redis' };

/**
 * Each probe connects and asks one trivial question within PROBE_MS, then drops the socket
 * without waiting for a goodbye: a server that accepts and never answers must not hold the run.
 */
async function probePostgres(url: string): Promise<string | null> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: PROBE_MS });
  client.on('error', () => undefined); // a late socket error after the probe gave up must not crash the runner
  try {
    await withTimeout(
      client.connect().then(() => client.query('SELECT 1')),
      PROBE_MS,
    );
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  }
}

async function probeRedis(url: string): Promise<string | null> {
  const { createClient } = await import('@keyv/redis');
  // No reconnecting: the first refusal is the answer.
  const client = createClient({ url, socket: { connectTimeout: PROBE_MS, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await withTimeout(
      client.connect().then(() => client.ping()),
      PROBE_MS,
    );
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    if (client.isOpen) client.destroy();
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Asks both servers at once; for globalSetup. */
export async function probeServices(): Promise<ServiceProbe> {
  const [postgres, redis] = await Promise.all([probePostgres(TEST_POSTGRES_URL), probeRedis(TEST_REDIS_URL)]);
  return { postgres: { url: TEST_POSTGRES_URL, error: postgres }, redis: { url: TEST_REDIS_URL, error: redis } };
}

export function publishProbe(probe: ServiceProbe): void {
  process.env[ENV_KEY] = JSON.stringify(probe);
}

/** Where a server is, without its credentials: `127.0.0.1:5432/test`. */
function whereOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return redactUrl(url);
  }
}

/** How to start a server here (Debian's PostgreSQL cluster, a throwaway Redis), as .ci/run does. */
function startCommand(service: Service): string {
  if (service === 'redis') return "`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ''`";
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  return `\`pg_ctlcluster --skip-systemctl-redirect ${versions[0] ?? '<version>'} main start\``;
}

/** The one line a run prints (or, with ICE_WATCH_REQUIRE_SERVICES=1, fails with) when a server is down; null when all answered. */
export function servicesDownLine(probe: ServiceProbe, required = false): string | null {
  const down = (Object.keys(probe) as Service[]).filter((s) => probe[s].error !== null);
  if (!down.length) return null;
  const what = down.map((s) => `${NAMES[s]} at ${whereOf(probe[s].url)} not reachable (${probe[s].error})`).join(' and ');
  const them = down.length > 1 ? 'them' : 'it';
  const outcome = required
    ? `ICE_WATCH_REQUIRE_SERVICES=1 does not let the suites that need ${them} skip`
    : `the suites that need ${them} are skipped`;
  return `ice-watch tests: ${what}: ${outcome}; start ${down.map(startCommand).join(' and ')}, or run \`bash .ci/run\``;
}

let known: Record<Service, boolean> | null = null;

/** Whether this run reached `service`. Without globalSetup's answer (a file run outside jest's config) it assumes yes, as before. */
export function serviceReachable(service: Service): boolean {
  if (!known) {
    const raw = process.env[ENV_KEY];
    const probe = raw ? (JSON.parse(raw) as ServiceProbe) : null;
    known = { postgres: !probe || probe.postgres.error === null, redis: !probe || probe.redis.error === null };
  }
  return known[service];
}

/** `describe` when every one of `services` answered, else `describe.skip` (the run's last line says why). */
export function describeWith(services: Service[]): jest.Describe {
  return services.every(serviceReachable) ? describe : describe.skip;
}
