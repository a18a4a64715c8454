/**
 * Figure `statePage`: `/states/texas` over loopback HTTP (a keep-alive connection, as a browser holds
 * one), with a 2,500-agreement participating list and 10,000 events stored: the whole route (store
 * reads, the summary `/agreements` computes, the chart's alt text, the events, the HTML) through the real
 * server, wired as the bot wires it (createWebRoutes), the latest events read from the event log.
 */
import { Agent, get } from 'node:http';
import { createLogger } from '../src/logging/logger';
import { startOpsServer } from '../src/observability/http-server';
import { loadConfig } from '../src/config';
import { openStores } from '../src/store/open-stores';
import { createWebRoutes } from '../src/web';
import { logAsPolls, syntheticAlerts } from './feeds';
import { forceGc, ms, percentile, progress } from './measure';
import { AgreementFactory, storeBaselines } from './synthetic';

const ROWS = 2500;
const PENDING = 400;

const WARMUP = 50;
const RUNS = 500;
const GOAL_P99_MS = 100;

function fetchPage(port: number, agent: Agent): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/states/texas', agent }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

export async function benchStatePage() {
  const rows = new AgreementFactory({ seed: 2500, texasShare: 0.12 }).many(ROWS);
  const pending = new AgreementFactory({ seed: 400, texasShare: 0.12, pending: true }).many(PENDING);
  const stores = openStores({ url: 'memory://' });
  const snapshots = stores.snapshots;
  await storeBaselines(snapshots, { participating: rows, pending });
  // 10,000 alerts in the log (12% of them Texas's), as polls recorded them.
  const alerts = syntheticAlerts(rows);
  await logAsPolls(stores.events, alerts);
  const routes = createWebRoutes({ config: loadConfig({}), stores, logger: createLogger('silent'), now: () => new Date() });
  const server = await startOpsServer(routes, 0, '127.0.0.1');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    let last = await fetchPage(server.port, agent);
    for (let i = 0; i < WARMUP; i++) last = await fetchPage(server.port, agent);
    if (last.status !== 200) throw new Error(`/states/texas answered ${last.status}`);
    forceGc();
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      last = await fetchPage(server.port, agent);
      samples.push(performance.now() - t0);
    }
    const p99 = percentile(samples, 99);
    progress(`statePage: p50 ${ms(percentile(samples, 50))} ms, p99 ${ms(p99)} ms`);
    return {
      description:
        'GET /states/texas over loopback HTTP (keep-alive), the real routes on a store in memory (SQLite) holding the lists, 10,000 alerts in the event log',
      rows: {
        participating: rows.length,
        inTexas: rows.filter((r) => r.stateCode === 'TX').length,
        pending: pending.length,
        events: alerts.length,
      },
      warmupRuns: WARMUP,
      runs: RUNS,
      pageBytes: last.bytes,
      p50Ms: ms(percentile(samples, 50)),
      p99Ms: ms(p99),
      maxMs: ms(Math.max(...samples)),
      value: ms(p99),
      unit: 'ms (p99)',
      goal: `p99 < ${GOAL_P99_MS} ms`,
      met: p99 < GOAL_P99_MS,
    };
  } finally {
    agent.destroy();
    await server.close();
    await stores.close();
  }
}
