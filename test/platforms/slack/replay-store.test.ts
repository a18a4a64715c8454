/**
 * The Slack replay guard keeps the signatures it has run in the shared store (issue 13,
 * item 7): a captured request replayed after a restart, or to another instance, is refused;
 * so is a request stamped beyond the allowed skew in the future (Bolt itself only refuses
 * old ones). Before, the guard was a map in memory: a restart forgot it, and a request
 * stamped 400 s ahead outlived it.
 */
import type { Command } from '../../../commands/command';
import { FUTURE_SKEW_MS } from '../../../src/platforms/slack/replay-guard';
import { signSlackRequest } from '../../../stand-ins/slack-api';
import { DATABASES, describeEachDatabase, type DatabaseUnderTest } from '../../helpers/databases';
import { SECRET, startHarness, type Harness } from './harness';

const runs: string[] = [];
const probe: Command = {
  name: 'probe',
  description: 'records its runs',
  permission: 'anyone',
  options: [{ name: 'text', description: 'anything', type: 'text', required: false }],
  async run(_ctx, args) {
    runs.push(args.text ?? '');
    return { tone: 'info', title: 'Probe', blocks: [{ kind: 'text', lines: [[`ran with ${args.text ?? ''}`]] }] };
  },
};

let seq = 0;
/** A signed /probe request as Slack sends it, answered on `h`'s response_url. */
function signedRequest(h: Harness, text: string, stampSeconds = Math.floor(Date.now() / 1000)) {
  const id = `replay${++seq}`;
  const fields = {
    team_id: 'T0TEST',
    channel_id: 'C0ALERTS',
    channel_name: 'alerts',
    user_id: 'U0ASKER',
    user_name: 'reporter',
    command: '/probe',
    text,
    response_url: h.slack.responseUrl(id),
    trigger_id: '1.2.3',
  };
  const body = new URLSearchParams(fields).toString();
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(stampSeconds),
    'x-slack-signature': signSlackRequest(SECRET, stampSeconds, body),
  };
  return { id, send: (to: Harness) => fetch(`http://127.0.0.1:${to.port}/slack/events`, { method: 'POST', headers, body }) };
}
const settle = () => new Promise((r) => setTimeout(r, 300));

describeEachDatabase(DATABASES.filter(([name]) => name === 'sqlite file' || name === 'postgres'))(
  'Slack replay guard on %s',
  (_name, engine) => {
    let store: DatabaseUnderTest;
    const started: Harness[] = [];
    const start = async (db = store.db) => {
      const h = await startHarness({ extraCommands: [probe], db });
      started.push(h);
      return h;
    };
    beforeEach(async () => {
      runs.length = 0;
      store = await engine();
    });
    afterEach(async () => {
      await Promise.all(started.splice(0).map((h) => h.close()));
      await store.cleanup();
    });

    test('a request replayed after a restart (a new app on the same store) is refused and does not run again', async () => {
      const before = await start();
      const req = signedRequest(before, 'subscribe-once');
      expect((await req.send(before)).status).toBe(200);
      await before.slack.waitForResponse(req.id, 20_000);
      await before.close();
      started.splice(started.indexOf(before), 1);

      const after = await start(store.second()!);
      expect((await req.send(after)).status).toBe(401);
      await settle();
      expect(runs).toEqual(['subscribe-once']);
      // A new request still runs on the restarted app.
      const fresh = signedRequest(after, 'fresh');
      expect((await fresh.send(after)).status).toBe(200);
      await after.slack.waitForResponse(fresh.id, 20_000);
      expect(runs).toEqual(['subscribe-once', 'fresh']);
    });

    test('a request replayed to another instance sharing the store is refused; sent to both at once it runs once', async () => {
      const a = await start();
      const b = await start(store.second()!);
      const req = signedRequest(a, 'to-a');
      expect((await req.send(a)).status).toBe(200);
      await a.slack.waitForResponse(req.id, 20_000);
      expect((await req.send(b)).status).toBe(401);

      const raced = signedRequest(a, 'raced');
      await Promise.all([raced.send(a), raced.send(b), raced.send(a), raced.send(b)]);
      await a.slack.waitForResponse(raced.id, 20_000);
      await settle();
      expect(runs).toEqual(['to-a', 'raced']);
    });

    test('a request stamped beyond the skew in the future is refused; one within it runs', async () => {
      const h = await start();
      const now = Math.floor(Date.now() / 1000);
      const ahead = signedRequest(h, 'from-the-future', now + 400);
      expect((await ahead.send(h)).status).toBe(401);
      const justAhead = signedRequest(h, 'slightly-ahead', now + FUTURE_SKEW_MS / 1000 - 15);
      expect((await justAhead.send(h)).status).toBe(200);
      await h.slack.waitForResponse(justAhead.id, 20_000);
      await settle();
      expect(runs).toEqual(['slightly-ahead']);
    });
  },
);
