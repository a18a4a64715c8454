/**
 * On SQLite one process owns the file (issue 16): a second `ice-watch start` on the same file
 * must refuse to start with a clear message (two pollers would send every alert twice), while
 * the read-only commands (`ice-watch status`) still work beside the running bot. A bot killed
 * with SIGKILL leaves its claim on the file, and the next start on the same machine takes it
 * over at once. The bot runs as `npx ice-watch start` would, from the TypeScript sources.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '../helpers/wait';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ice-watch-ts.js');

describe('one bot per SQLite file', () => {
  let dir: string;
  const running = new Set<ChildProcess>();
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ice-watch-owner-'));
  });
  afterAll(() => {
    for (const c of running) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  function run(args: string[]) {
    const keep = Object.fromEntries(
      ['PATH', 'HOME', 'TMPDIR'].filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]),
    );
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir, // no .env is read here
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...keep,
        STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
        ICE_287G_PAGE_URL: `file://${dir}`,
        ICE_DETENTION_PAGE_URL: `file://${dir}`,
        LOG_LEVEL: 'info',
      },
    });
    running.add(child);
    const out = { stdout: '', stderr: '', code: null as number | null, exited: false };
    child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        running.delete(child);
        Object.assign(out, { code, exited: true });
        resolve(code);
      }),
    );
    return { child, out, exited };
  }
  const ready = (bot: ReturnType<typeof run>) =>
    waitUntil(() => /ice-watch ready/.test(bot.out.stdout + bot.out.stderr) || bot.out.exited, 'the bot to be ready', 60_000, 50).then(
      () => {
        if (bot.out.exited) throw new Error(`the bot exited (${bot.out.code}): ${bot.out.stderr}`);
      },
    );

  test('a second start is refused with what to do; status works beside the bot; after a SIGKILL the next start takes the file over', async () => {
    const first = run(['start']);
    await ready(first);

    const second = run(['start']);
    expect(await second.exited).toBe(2);
    expect(second.out.stderr).toMatch(
      /ice-watch: another ice-watch \(\S+:\d+:\w+\) is running on sqlite .*store\.sqlite: one process owns a SQLite store/,
    );
    expect(second.out.stderr).toContain('STORE_URL=postgres://');

    const status = run(['status']);
    expect({ code: await status.exited, stderr: status.out.stderr }).toEqual({ code: 0, stderr: '' });
    expect(status.out.stdout).toMatch(/Deliveries \(one instance\)/);
    expect(first.out.exited).toBe(false);

    // A crash leaves the file's lease behind; this machine's next start sees its pid is gone and goes on.
    first.child.kill('SIGKILL');
    await first.exited;
    const third = run(['start']);
    await ready(third);
    expect(third.out.stdout + third.out.stderr).toMatch(/ended without stopping; taking the file over/);

    // SIGTERM stops it, and frees the file for the next one at once.
    const stoppedAt = Date.now();
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
    const fourth = run(['start']);
    await ready(fourth);
    expect(fourth.out.stdout + fourth.out.stderr).not.toMatch(/taking the file over/);
    fourth.child.kill('SIGTERM');
    expect(await fourth.exited).toBe(0);
  });
});
