import type { EventLog } from '../src/store/event-log';
/**
 * Figure `feeds`: `/feeds/texas.atom` over real HTTP on loopback, served from a SQLite file store
 * (the default STORE_URL) holding a 2,500-agreement participating list and 10,000 event-log
 * entries (synthetic alerts of one to four events each, 12% of them in Texas), as the bot's
 * /healthz server serves it (startOpsServer with createWebRoutes). One client, one keep-alive
 * connection, requests one after another: the latency a reader sees. Also timed: a conditional
 * GET answered 304, a filtered feed, and the first read after a poll (a new alert recorded before each request,
 * outside the timing: the feed is read from the log and rendered anew, not served from the rendered feeds).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { eventFields, type ListEvent } from '../src/domain/agreements/events';
import { alertTitle, type StateAlert } from '../src/domain/alerts/alerts';
import type { Agreement } from '../src/domain/types';
import { createLogger } from '../src/logging/logger';
import { startOpsServer } from '../src/observability/http-server';
import { openStores } from '../src/store/open-stores';
import { createWebRoutes } from '../src/web';
import { forceGc, ms, percentile, progress, seededRandom } from './measure';
import { AgreementFactory, storeBaselines } from './synthetic';

const AGREEMENTS = 2500;
const ENTRIES = 10_000;
const WARMUP = 100;
const RUNS = 1000;
const GOAL_P99_MS = 20;
/** When the logged polls begin. */
const LOG_START = Date.parse('2024-01-01T00:00:00.000Z');
const TYPES: ListEvent['type'][] = ['agreement.signed', 'agreement.ended', 'agreement.renewed', 'pending.added'];

/** 10,000 alerts, one per state and poll, of 1-4 events drawn from the list's agreements (the state page's bench logs them too). */
export function syntheticAlerts(rows: Agreement[]): StateAlert[] {
  const random = seededRandom(10_000);
  const texas = rows.filter((r) => r.stateCode === 'TX');
  const others = rows.filter((r) => r.stateCode !== 'TX');
  const alerts: StateAlert[] = [];
  for (let i = 0; i < ENTRIES; i++) {
    const pool = random() < 0.12 ? texas : others;
    const first = pool[Math.floor(random() * pool.length)]!;
    const inState = pool.filter((r) => r.stateCode === first.stateCode);
    const events = Array.from({ length: 1 + Math.floor(random() * 4) }, (): ListEvent => {
      const row = inState[Math.floor(random() * inState.length)]!;
      const type = TYPES[Math.floor(random() * TYPES.length)]!;
      const fields = eventFields(row);
      if (type === 'agreement.ended') return { type, lastListedAt: '2025-06-01T00:00:00.000Z', ...fields };
      if (type === 'agreement.renewed') return { type, previousSigned: '2020-01-01', previousMoaUrl: null, ...fields };
      return { type: type as 'agreement.signed', ...fields };
    });
    const sha = `bench${Math.floor(i / 20)}`;
    alerts.push({
      id: `participating:${sha}:${first.stateCode}:${i}`,
      source: 'participating',
      state: first.state,
      stateCode: first.stateCode,
      title: alertTitle(first.state, events),
      events,
      totals: { total: 200, byModel: { JEM: 50, TFM: 50, WSO: 100, other: 0 }, pending: 3 },
      file: {
        fileName: `participatingAgencies-${sha}.xlsx`,
        url: `https://www.ice.gov/doclib/${sha}.xlsx`,
        fetchedAt: '2025-06-01T00:00:00.000Z',
        sha256: sha,
      },
    });
  }
  return alerts;
}

function fetchOnce(
  agent: Agent,
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; etag: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: String(res.headers.etag ?? ''), bytes }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function timed(
  agent: Agent,
  port: number,
  path: string,
  headers: Record<string, string> = {},
  expect = 200,
  /** Run before each request, outside the timing (a poll recording a new alert). */
  before?: (i: number) => Promise<void>,
) {
  for (let i = 0; i < WARMUP; i++) await fetchOnce(agent, port, path, headers);
  forceGc();
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    await before?.(i);
    const t0 = performance.now();
    const res = await fetchOnce(agent, port, path, headers);
    samples.push(performance.now() - t0);
    if (res.status !== expect) throw new Error(`${path} answered ${res.status}, not ${expect}`);
    bytes = res.bytes;
  }
  return { p50Ms: ms(percentile(samples, 50)), p99Ms: ms(percentile(samples, 99)), bytes };
}

/** Records the alerts in the event log as polls would: one poll every 15 minutes from 2024, 20 states' alerts each. */
export async function logAsPolls(events: EventLog, alerts: StateAlert[]): Promise<void> {
  for (let i = 0; i < alerts.length; i += 20) await events.record(alerts.slice(i, i + 20), new Date(LOG_START + (i / 20) * 900_000));
}

export async function benchFeeds() {
  const dir = mkdtempSync(join(tmpdir(), 'ice-watch-bench-feeds-'));
  const stores = openStores({ url: `sqlite://${join(dir, 'store.sqlite')}` });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const rows = new AgreementFactory({ seed: 2500, texasShare: 0.12 }).many(AGREEMENTS);
    await storeBaselines(stores.snapshots, { participating: rows });
    const alerts = syntheticAlerts(rows);
    await logAsPolls(stores.events, alerts);
    const config = loadConfig({ PUBLIC_URL: 'https://ice-watch.example.org' });
    const server = await startOpsServer(
      createWebRoutes({ config, stores, logger: createLogger('silent'), now: () => new Date() }),
      0,
      '127.0.0.1',
    );
    try {
      const first = await fetchOnce(agent, server.port, '/feeds/texas.atom');
      const full = await timed(agent, server.port, '/feeds/texas.atom');
      const notModified = await timed(agent, server.port, '/feeds/texas.atom', { 'if-none-match': first.etag }, 304);
      const filtered = await timed(agent, server.port, '/feeds/texas.atom?kinds=endings&models=TFM');
      // The first reader after a poll: a new Texas alert each time, so the feed is read from the log and rendered anew.
      const texasAlert = alerts.find((a) => a.stateCode === 'TX')!;
      const afterPoll = await timed(agent, server.port, '/feeds/texas.atom', {}, 200, (i) =>
        stores.events
          .record([{ ...texasAlert, id: `participating:next${i}:TX` }], new Date(LOG_START + ENTRIES * 900_000 + i * 1000))
          .then(() => undefined),
      );
      progress(
        `feeds: /feeds/texas.atom p99 ${full.p99Ms} ms (first read after a poll: ${afterPoll.p99Ms} ms, 304: ${notModified.p99Ms} ms, filtered: ${filtered.p99Ms} ms)`,
      );
      return {
        description:
          'GET /feeds/texas.atom over HTTP on loopback (one keep-alive connection, sequential), SQLite file store with 2,500 agreements and 10,000 event-log entries',
        stored: {
          agreements: AGREEMENTS,
          entries: ENTRIES,
          events: alerts.reduce((n, a) => n + a.events.length, 0),
          inTexas: alerts.filter((a) => a.stateCode === 'TX').length,
        },
        warmupRuns: WARMUP,
        runs: RUNS,
        texasAtom: full,
        texasAtomFirstAfterPoll: afterPoll,
        texasAtom304: notModified,
        texasAtomFiltered: filtered,
        goal: { p99Ms: GOAL_P99_MS },
        met: full.p99Ms < GOAL_P99_MS && afterPoll.p99Ms < GOAL_P99_MS,
      };
    } finally {
      await server.close();
    }
  } finally {
    agent.destroy();
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
