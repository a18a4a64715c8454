/**
 * A required service that cannot be reached at start (issue 13, item 6; since issue 16 the
 * database is the only one: REDIS_URL is no longer used, and a Redis STORE_URL is refused with
 * the command that moves its data). Before, with REDIS_URL pointing at a
 * Redis that was down, `ice-watch start` printed the error, scheduled
 * no job and kept running, with /healthz saying ok: a supervisor never saw an exit. Now the
 * process exits non-zero within a bounded time with a message naming the setting, for a
 * supervisor to restart it, and nothing else starts first (Slack, configured here against a
 * loopback stand-in, is never logged in). The bot runs as `npx ice-watch start` would, as a
 * child process (from the TypeScript sources: bin/ice-watch-ts.js), with the service pointed at a
 * loopback port nothing listens on.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlackApi, type SlackStandIn } from '../../stand-ins/slack-api';

const ROOT = join(__dirname, '..', '..');
/** Generous for a busy machine: the real figure is 2-4 s (the tsx start-up, then three connection attempts). */
const EXIT_WITHIN_MS = 30_000;

/** A loopback port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Exit {
  code: number | null;
  stderr: string;
  ms: number;
}

function startBot(env: Record<string, string>): Promise<Exit> {
  const dir = mkdtempSync(join(tmpdir(), 'ice-watch-unreachable-'));
  const keep = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
  const began = Date.now();
  // cwd in a fresh folder: no .env is read, and the default SQLite file lands there.
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'ice-watch-ts.js'), 'start'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...keep,
      STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      ICE_287G_PAGE_URL: `file://${dir}`,
      ICE_DETENTION_PAGE_URL: `file://${dir}`,
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_WITHIN_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, stderr, ms: Date.now() - began });
    });
  });
}

describe('ice-watch start with a required service unreachable', () => {
  let slack: SlackStandIn;
  beforeAll(async () => {
    slack = await startSlackApi();
  });
  afterAll(() => slack.close());

  test.each([
    [
      'STORE_URL on PostgreSQL, PostgreSQL down',
      (port: number) => ({ STORE_URL: `postgres://postgres:secret@127.0.0.1:${port}/test` }),
      'STORE_URL (postgres postgres://127.0.0.1:',
    ],
  ])(
    '%s: exits non-zero within the bound, naming the setting and the cause',
    async (_name, envFor, names) => {
      const port = await closedPort();
      const slackPlatform = {
        SLACK_BOT_TOKEN: 'xoxb-unreachable-test',
        SLACK_SIGNING_SECRET: 'signing-secret',
        SLACK_API_URL: slack.apiUrl,
        SLACK_PORT: String(await closedPort()),
      };
      const exit = await startBot({ ...slackPlatform, ...envFor(port) });
      expect(exit.code).toBe(1); // not null: it exited by itself, before the SIGKILL at EXIT_WITHIN_MS
      expect(exit.stderr).toContain(`ice-watch: cannot start: ${names}${port}`);
      expect(exit.stderr).toMatch(/cannot be reached: .*ECONNREFUSED/);
      expect(exit.stderr).not.toContain(':secret@'); // the password in STORE_URL never reaches a line
      expect(slack.calls.filter((c) => c.method === 'auth.test')).toEqual([]);
    },
    EXIT_WITHIN_MS + 10_000,
  );

  test(
    'STORE_URL on Redis (no longer a store): refused at start before any connection, naming `ice-watch migrate-store --from` that URL',
    async () => {
      // A loopback server in Redis's place, counting who connects: the refusal must come before any attempt.
      let connections = 0;
      const redis = createServer((socket) => {
        connections++;
        socket.destroy();
      });
      await new Promise<void>((resolve) => redis.listen(0, '127.0.0.1', resolve));
      const { port } = redis.address() as { port: number };
      try {
        const exit = await startBot({
          SLACK_BOT_TOKEN: 'xoxb-unreachable-test',
          SLACK_SIGNING_SECRET: 'signing-secret',
          SLACK_API_URL: slack.apiUrl,
          SLACK_PORT: String(await closedPort()),
          STORE_URL: `redis://ice:secret@127.0.0.1:${port}`,
        });
        expect(exit.code).not.toBeNull(); // it exited by itself, before the SIGKILL at EXIT_WITHIN_MS
        expect(exit.code).not.toBe(0);
        expect(exit.stderr).toContain('Redis is no longer a store');
        expect(exit.stderr).toContain(`ice-watch migrate-store --from redis://ice:PASSWORD@127.0.0.1:${port} --to sqlite://`);
        expect(exit.stderr).not.toContain(':secret@'); // the password in STORE_URL never reaches a line
        expect(connections).toBe(0);
        expect(slack.calls.filter((c) => c.method === 'auth.test')).toEqual([]);
      } finally {
        await new Promise((resolve) => redis.close(resolve));
      }
    },
    EXIT_WITHIN_MS + 10_000,
  );
});
