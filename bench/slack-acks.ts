/**
 * Figure `slackAcks`: 200 concurrent `/agreements texas` slash commands through Bolt's own
 * HTTP receiver on loopback, each signed as Slack signs it (v0 HMAC over
 * `v0:timestamp:body`, one response_url per request), fired at once by autocannon (200
 * connections, one request each). The app is the production one (createSlackApp, HTTP
 * mode, charts and all) over a memory store holding the largest real participating list,
 * alone in a child process (bench/slack-acks-child.ts) so that the load generator's work is
 * not charged to it; its Web API and response_urls are the loopback stand-in of
 * bench/stand-ins/slack-api.ts, here beside autocannon. The ack is the HTTP 200 Slack waits
 * for (3 s); the answer follows on the response_url, and the figure also checks that every
 * request got one. One warm-up round, then ROUNDS measured rounds; p50/p99/max are the
 * medians over the rounds, `worstMaxMs` the slowest ack of all.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { signSlackRequest, startSlackApi, type SlackStandIn } from '../stand-ins/slack-api';
import { median, ms, percentile, progress } from './measure';

const CONCURRENT = Number(process.env.BENCH_SLACK_CONCURRENT ?? 200);
const ROUNDS = 3;
const GOAL_MS = 3000;
const SECRET = 'bench-signing-secret';
const ROOT = join(__dirname, '..');
/** The largest real participating list: what the app's store holds. */
export const SLACK_ACKS_FIXTURE = 'participatingAgencies12122025pm.xlsx';

/** How long autocannon waits for an ack: ten times Slack's limit, so slow acks are measured rather than cut off. */
const TIMEOUT_S = 30;

interface Round {
  acked: number;
  non200: number;
  errors: number;
  timedOut: number;
  answered: number;
  /** Ack latencies in ms; a request that timed out counts as TIMEOUT_S (a lower bound). */
  samples: number[];
}

/** One round: CONCURRENT signed requests at once; resolves when every response_url has its answer. */
async function round(port: number, slack: SlackStandIn, label: string): Promise<Round> {
  const answeredBefore = slack.responses.length;
  const samples: number[] = [];
  let n = 0;
  /** Each request its own response_url, so its body and signature are made as it is sent. */
  const signedCommand = (request: autocannon.Request): autocannon.Request => {
    const body = new URLSearchParams({
      team_id: 'T0BENCH',
      team_domain: 'bench',
      channel_id: 'C0BENCH',
      channel_name: 'bench',
      user_id: 'U0BENCH',
      user_name: 'bench',
      command: '/agreements',
      text: 'texas',
      api_app_id: 'A0BENCH',
      trigger_id: '1.2.3',
      response_url: slack.responseUrl(`${label}-${++n}`),
    }).toString();
    const ts = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signSlackRequest(SECRET, ts, body),
    };
    return { ...request, body, headers };
  };
  const options: autocannon.Options = {
    url: `http://127.0.0.1:${port}`,
    connections: CONCURRENT,
    amount: CONCURRENT,
    pipelining: 1,
    timeout: TIMEOUT_S,
    requests: [{ method: 'POST', path: '/slack/events', setupRequest: signedCommand }],
  };
  const result = await new Promise<autocannon.Result>((resolveRun, reject) => {
    const instance = autocannon(options, (err, res) => (err ? reject(err) : resolveRun(res)));
    instance.on('response', (_client, _status, _bytes, responseTime) => samples.push(responseTime));
  });
  const answers = await slack.waitForResponses(answeredBefore + CONCURRENT, 120_000).catch(() => slack.responses);
  for (let i = 0; i < result.timeouts; i++) samples.push(TIMEOUT_S * 1000);
  return {
    acked: result['2xx'],
    non200: result.non2xx,
    errors: result.errors,
    timedOut: result.timeouts,
    answered: answers.length - answeredBefore,
    samples,
  };
}

/** Starts the app in its own process; resolves once it listens. Closing its stdin stops it. */
function startAppChild(apiUrl: string): Promise<{ child: ChildProcess; port: number; agreements: number }> {
  return new Promise((resolvePort, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'run-ts.js'), join(ROOT, 'bench', 'slack-acks-child.ts'), apiUrl, SECRET], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolvePort({ child, ...(JSON.parse(line) as { port: number; agreements: number }) });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`slack-acks-child exited with ${code} before listening`)));
  });
}

export async function benchSlackAcks() {
  const slack = await startSlackApi();
  const { child, port, agreements } = await startAppChild(slack.apiUrl);
  const exited = new Promise((done) => child.once('exit', done));
  try {
    await round(port, slack, 'warmup');
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const one = await round(port, slack, `round${r}`);
      rounds.push(one);
      progress(
        `slackAcks: round ${r + 1}/${ROUNDS}: ${one.acked}/${CONCURRENT} acked 200 (${one.timedOut} timed out after ${TIMEOUT_S} s), ${one.answered} answered; ` +
          `p50 ${ms(percentile(one.samples, 50))} ms, p99 ${ms(percentile(one.samples, 99))} ms, max ${ms(Math.max(...one.samples))} ms`,
      );
    }
    const p50 = median(rounds.map((r) => percentile(r.samples, 50)));
    const p99 = median(rounds.map((r) => percentile(r.samples, 99)));
    const max = median(rounds.map((r) => Math.max(...r.samples)));
    const worst = Math.max(...rounds.flatMap((r) => r.samples));
    const allAckedAndAnswered = rounds.every(
      (r) => r.acked === CONCURRENT && r.non200 === 0 && r.errors === 0 && r.answered === CONCURRENT,
    );
    return {
      description:
        `${CONCURRENT} concurrent signed /agreements texas slash commands (autocannon, ${CONCURRENT} connections, one request each) through createSlackApp's Bolt HTTPReceiver on 127.0.0.1, ` +
        `memory store holding ${SLACK_ACKS_FIXTURE} (${agreements} agreements), the app alone in a child process; autocannon and the Web API / response_url stand-in in this one`,
      concurrent: CONCURRENT,
      rounds: ROUNDS,
      p50Ms: ms(p50),
      p99Ms: ms(p99),
      maxMs: ms(max),
      worstMaxMs: ms(worst),
      allUnder3s: worst < GOAL_MS,
      allAckedAndAnswered,
      perRound: rounds.map((r) => ({
        acked: r.acked,
        non200: r.non200,
        errors: r.errors,
        timedOut: r.timedOut,
        answered: r.answered,
        p50Ms: ms(percentile(r.samples, 50)),
        p99Ms: ms(percentile(r.samples, 99)),
        maxMs: ms(Math.max(...r.samples)),
      })),
      value: ms(worst),
      unit: 'ms (slowest ack of all rounds)',
      goal: `every ack < ${GOAL_MS} ms, every command answered`,
      met: worst < GOAL_MS && allAckedAndAnswered,
    };
  } finally {
    child.stdin!.end();
    await exited;
    await slack.close();
  }
}

/** Run alone: `node bin/run-ts.js bench/slack-acks.ts` prints just this figure. */
if (process.argv[2] && resolve(process.argv[2]) === __filename) {
  benchSlackAcks()
    .then((figure) => process.stdout.write(JSON.stringify(figure, null, 2) + '\n'))
    .catch((err: unknown) => {
      process.stderr.write(`slackAcks failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    });
}
