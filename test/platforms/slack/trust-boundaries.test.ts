/**
 * Trust boundaries of the Slack HTTP receiver (issue 7): only requests signed with the
 * signing secret, over exactly the body and timestamp sent, within five minutes, run
 * anything. Each forged or replayed request is answered 401, runs no command and posts
 * nothing to its response_url; a genuine request after it still works.
 *
 * Covered elsewhere (commands.test.ts): an all-zero signature, a signature made with
 * another secret, and a correctly signed request whose timestamp is over five minutes old
 * (a request captured and replayed later). Escaping of ICE's text in Block Kit:
 * commands.test.ts, render-reply.test.ts, alert-sender.test.ts and, as properties,
 * test/platforms/untrusted-text.property.test.ts.
 */
import type { Command } from '../../../commands/command';
import { signSlackRequest } from '../../../stand-ins/slack-api';
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

let h: Harness;
let seq = 0;
beforeAll(async () => {
  h = await startHarness({ extraCommands: [probe] });
});
afterAll(() => h.close());
beforeEach(() => {
  runs.length = 0;
});

const now = () => Math.floor(Date.now() / 1000);
/** A slash command's form body as Slack sends it, with its own response_url id. */
function commandBody(text: string): { id: string; body: string } {
  const id = `trust${++seq}`;
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
  return { id, body: new URLSearchParams(fields).toString() };
}
function post(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`http://127.0.0.1:${h.port}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

/** Sends the forged request, then a genuine one: the forged one got 401 and never ran, the genuine one ran. */
async function expectRefused(send: () => Promise<{ res: Response; id: string }>): Promise<void> {
  const forged = await send();
  expect(forged.res.status).toBe(401);
  const genuine = commandBody('genuine');
  const ts = now();
  const ok = await post(genuine.body, {
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': signSlackRequest(SECRET, ts, genuine.body),
  });
  expect(ok.status).toBe(200);
  await h.slack.waitForResponse(genuine.id);
  expect(runs).toEqual(['genuine']);
  expect(h.slack.responses.find((r) => r.id === forged.id)).toBeUndefined();
}

describe('Slack HTTP receiver: forged and replayed requests are refused', () => {
  test('a genuine signature replayed over a changed body (same timestamp) is refused', async () => {
    const ts = now();
    const original = commandBody('texas');
    const signature = signSlackRequest(SECRET, ts, original.body);
    const changed = commandBody('everything');
    await expectRefused(async () => ({
      id: changed.id,
      res: await post(changed.body, { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature }),
    }));
  });

  test('a signature captured more than five minutes ago, resent with a fresh timestamp, is refused', async () => {
    const old = now() - 6 * 60;
    const req = commandBody('replayed');
    const signature = signSlackRequest(SECRET, old, req.body);
    await expectRefused(async () => ({
      id: req.id,
      res: await post(req.body, { 'x-slack-request-timestamp': String(now()), 'x-slack-signature': signature }),
    }));
  });

  test.each([
    ['no signature and no timestamp', () => ({})],
    ['a signature but no timestamp', (body: string) => ({ 'x-slack-signature': signSlackRequest(SECRET, now(), body) })],
    [
      'a timestamp that is not a number',
      (body: string) => ({ 'x-slack-request-timestamp': 'soon', 'x-slack-signature': signSlackRequest(SECRET, now(), body) }),
    ],
    [
      'another signature version (v1=)',
      (body: string) => ({
        'x-slack-request-timestamp': String(now()),
        'x-slack-signature': signSlackRequest(SECRET, now(), body).replace(/^v0=/, 'v1='),
      }),
    ],
    [
      'the signature of the empty body',
      () => ({ 'x-slack-request-timestamp': String(now()), 'x-slack-signature': signSlackRequest(SECRET, now(), '') }),
    ],
    [
      'a truncated signature',
      (body: string) => ({
        'x-slack-request-timestamp': String(now()),
        'x-slack-signature': signSlackRequest(SECRET, now(), body).slice(0, 40),
      }),
    ],
  ] as Array<[string, (body: string) => Record<string, string>]>)('%s is refused', async (_name, headersFor) => {
    const req = commandBody('forged');
    await expectRefused(async () => ({ id: req.id, res: await post(req.body, headersFor(req.body)) }));
  });
});

describe('Slack HTTP receiver: an exact replay within the five minutes is refused', () => {
  test('the same signed request sent again is answered 401 and does not run twice', async () => {
    const req = commandBody('once');
    const ts = now();
    const headers = { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackRequest(SECRET, ts, req.body) };
    expect((await post(req.body, headers)).status).toBe(200);
    await h.slack.waitForResponse(req.id);
    const again = await post(req.body, headers);
    expect(again.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).toEqual(['once']);
    expect(h.slack.responses.filter((r) => r.id === req.id)).toHaveLength(1);
  });

  test('a replay racing the original (sent at the same moment) still runs the command once', async () => {
    const req = commandBody('raced');
    const ts = now();
    const headers = { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackRequest(SECRET, ts, req.body) };
    await Promise.all([post(req.body, headers), post(req.body, headers), post(req.body, headers)]);
    await h.slack.waitForResponse(req.id);
    await new Promise((r) => setTimeout(r, 500));
    expect(runs).toEqual(['raced']);
  });

  test('a forged signature is not remembered: the genuine request with a new signature still runs', async () => {
    await expectRefused(async () => {
      const req = commandBody('forged');
      const ts = now();
      return {
        id: req.id,
        res: await post(req.body, { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': `v0=${'ab'.repeat(32)}` }),
      };
    });
  });
});
