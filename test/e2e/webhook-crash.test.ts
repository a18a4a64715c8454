import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffLists } from '../../src/domain/agreements/diff';
import { buildStateAlerts } from '../../src/domain/alerts/alerts';
import { planDeliveries } from '../../src/domain/alerts/delivery-plan';
import { createWebhookAdmin } from '../../src/platforms/webhook/admin';
import { verifyWebhookSignature } from '../../src/platforms/webhook/signature';
import { openStores } from '../../src/store/open-stores';
import { fixturePath, loadSnapshot } from '../helpers/fixtures';
import { type IceSite, startIceSite } from '../helpers/ice-site';
import { type Answer, type Received, startReceiver } from '../platforms/webhook/receiver';

/**
 * Webhooks exactly once through a SIGKILL of the bot. The bot is a real child process
 * (crash-child.ts: one poll, then the outbox drained) on a SQLite store with two webhook
 * endpoints on a loopback receiver (WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true). The child is killed
 * -9 in the middle of its deliveries, once right after the receiver accepted one, once while the
 * receiver holds one open; then it runs again on the same store. The receiver must see every
 * planned delivery id, nothing else, and any repeat with the same id and body: deduplicated by
 * id, each alert arrives exactly once.
 */

const ROOT = join(__dirname, '..', '..');
const RUN_TS = join(ROOT, 'bin', 'run-ts.js');
const CHILD = join(__dirname, 'crash-child.ts');
const BASELINE = 'participatingAgencies10162025pm.xlsx';
const NEXT = 'participatingAgencies10172025mid.xlsx';
const PENDING = 'pendingAgencies09222025am.xlsx';
const RUN_LIMIT_MS = 30_000;

interface Run {
  done: boolean;
  killed: boolean;
  stderr: string;
}

describe('webhooks through a SIGKILL of the bot', () => {
  let site: IceSite;
  let root: string;
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ice-watch-webhook-crash-'));
    site = await startIceSite();
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await site?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** Runs crash-child.ts once; `killer` gets a function that SIGKILLs it (for the receiver to call at the right moment). */
  function runChild(env: NodeJS.ProcessEnv, killer?: (kill: () => void) => void): Promise<Run> {
    const child = spawn(process.execPath, [RUN_TS, CHILD], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    const run: Run = { done: false, killed: false, stderr: '' };
    killer?.(() => {
      run.killed = true;
      child.kill('SIGKILL');
    });
    child.stdout.on('data', (c: Buffer) => {
      if (c.toString().includes('CYCLE-DONE')) run.done = true;
    });
    child.stderr.on('data', (c: Buffer) => (run.stderr += c.toString()));
    const limit = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
    return new Promise((resolve) =>
      child.on('exit', () => {
        clearTimeout(limit);
        children.delete(child);
        resolve(run);
      }),
    );
  }

  test.each([
    ['accepted, then killed before the bot could record it', 'accept'],
    ['held open by the receiver, then killed', 'stall'],
  ] as const)(
    'every delivery id arrives; a repeat carries the same id and body (%s)',
    async (_name, how) => {
      const dir = mkdtempSync(join(root, `${how}-`));
      const store = `sqlite://${join(dir, 'store.sqlite')}`;
      // The k-th request is where the child dies; until the restart, requests after it are not answered.
      const K = 3;
      let kill: (() => void) | null = null;
      let killedAt: string | null = null;
      const receiver = await startReceiver((r: Received, n: number): Answer => {
        if (n === K && kill) {
          killedAt = r.delivery;
          const k = kill;
          kill = null;
          if (how === 'stall') {
            k();
            return 'stall';
          }
          setImmediate(k); // after the answer is written
        }
        return { status: 200 };
      });
      const keep = Object.fromEntries(
        ['PATH', 'HOME', 'TMPDIR'].filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]),
      );
      const env = {
        ...keep,
        STORE_URL: store,
        ICE_287G_PAGE_URL: site.pageUrl,
        WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
        LOG_LEVEL: 'silent',
        FETCH_TIMEOUT_MS: '5000',
      };
      try {
        // Two endpoints, subscribed as an operator would, with their secrets.
        const stores = openStores({ url: store });
        const admin = createWebhookAdmin({
          endpoints: stores.webhooks,
          subscriptions: stores.subscriptions,
          outbox: stores.outbox,
          digests: stores.digests,
          policy: { allowPrivate: true },
          now: () => new Date(),
        });
        const by = { id: 'op', name: 'op' };
        const all = await admin.subscribe({ url: receiver.url('/all'), states: 'all', kinds: null, models: null, preset: null, by });
        const some = await admin.subscribe({
          url: receiver.url('/some'),
          states: ['TX', 'FL', 'GA', 'LA'],
          kinds: null,
          models: null,
          preset: null,
          by,
        });
        const secrets = new Map([
          ['/all', all.secret!],
          ['/some', some.secret!],
        ]);
        const subs = [all.subscription, some.subscription];
        await stores.close();

        // The first publication is a baseline: nobody is alerted.
        site.publish({
          participating: { file: fixturePath(BASELINE), form: 'file-download' },
          pending: { file: fixturePath(PENDING), form: 'doclib' },
        });
        const baseline = await runChild(env);
        expect({ done: baseline.done, stderr: baseline.stderr }).toEqual({ done: true, stderr: '' });
        expect(receiver.received).toHaveLength(0);

        // What the next publication must deliver to the two endpoints, planned here from the files themselves.
        const [a, b] = await Promise.all([loadSnapshot(BASELINE), loadSnapshot(NEXT)]);
        const alerts = buildStateAlerts({
          source: 'participating',
          events: diffLists(a.rows, b.rows, 'participating').events,
          participating: b.rows,
          pending: null,
          file: b.meta,
        });
        const planned = planDeliveries(alerts, (state) => subs.filter((s) => s.states === 'all' || s.states.includes(state)));
        expect(planned.length).toBeGreaterThan(K + 5);

        site.publish({ participating: { file: fixturePath(NEXT), form: 'file-download' } });
        const killed = await runChild(env, (k) => (kill = k));
        expect(killed.killed).toBe(true);
        expect(killedAt).not.toBeNull();
        const restarted = await runChild(env);
        expect({ done: restarted.done, stderr: restarted.stderr }).toEqual({ done: true, stderr: '' });

        // Every planned id arrived, nothing else did; each request is signed and its body names its own id.
        const ids = receiver.received.map((r) => r.delivery);
        expect([...new Set(ids)].sort()).toEqual(planned.map((p) => p.id).sort());
        const bodies = new Map<string, string>();
        for (const r of receiver.received) {
          const path = r.path;
          const ok = verifyWebhookSignature(
            secrets.get(path)!,
            { timestamp: String(r.headers['x-ice-watch-timestamp']), signature: String(r.headers['x-ice-watch-signature']) },
            r.body,
          );
          expect({ path, ok }).toEqual({ path, ok: true });
          expect(JSON.parse(r.body).id).toBe(r.delivery);
          // A repeat is the same alert: the same id and the same body.
          if (bodies.has(r.delivery)) expect(r.body).toBe(bodies.get(r.delivery));
          bodies.set(r.delivery, r.body);
        }
        // The one held open when the bot died was never answered: the restart sent it again, under its id.
        if (how === 'stall') expect(ids.filter((id) => id === killedAt).length).toBeGreaterThanOrEqual(2);
        // The store agrees: every webhook delivery is recorded sent.
        const after = openStores({ url: store });
        try {
          const entries = await Promise.all(planned.map((p) => after.outbox.get(p.id)));
          expect(entries.map((e) => e?.status)).toEqual(planned.map(() => 'sent'));
        } finally {
          await after.close();
        }
      } finally {
        await receiver.close();
      }
    },
    120_000,
  );
});
