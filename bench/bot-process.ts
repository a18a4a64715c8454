/**
 * The bot as an operator runs it, in a child process of the bench: `node bin/ice-watch.js start`
 * (the compiled JavaScript in dist/; `npm run bench` builds it first), or for comparison
 * `node bin/ice-watch-ts.js start` (the same command from the TypeScript sources through tsx).
 * Settings come from an explicit environment and the process runs in a fresh folder, so neither
 * the caller's variables nor a `.env` leak into a figure. The bot's JSON log lines (stderr) tell
 * what it has done; Linux's /proc tells its resident memory, its peak included (VmHWM).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
export const ENTRIES = {
  compiled: join(ROOT, 'bin', 'ice-watch.js'),
  sources: join(ROOT, 'bin', 'ice-watch-ts.js'),
} as const;

/** The log lines the figures wait for (src/main.ts, jobs/*.ts): a renamed one makes a figure fail, saying which. */
export const READY = (l: LogLine) => l.msg === 'ice-watch ready';
export const DISCORD_READY = (l: LogLine) => l.msg === 'discord ready';
export const FIRST_287G_POLL_DONE = (l: LogLine) => l.msg === 'poll done' && l.job === 'poll-287g';
/** The totals poll's job ended, whether the poll worked or not (a failed poll is logged by the job, or as the source's failure). */
export const FIRST_TOTALS_POLL_DONE = (l: LogLine) =>
  (l.job === 'poll-totals' && (l.msg === 'totals poll done' || String(l.msg).startsWith('poll-totals failed'))) ||
  (l.msg === 'poll failed' && l.source === 'totals');

export type LogLine = Record<string, unknown> & { msg?: string; job?: string; level?: number };

export interface BotProcess {
  pid: number;
  /** Log lines so far (the JSON lines on stderr). */
  lines: LogLine[];
  /** Resolves with the first line (seen or to come) that matches, and when it arrived in ms after the spawn. */
  waitFor(match: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<{ line: LogLine; ms: number }>;
  /** Resident memory now and at its peak so far (bytes), from /proc/<pid>/status. */
  memory(): { rss: number; peak: number };
  /** CPU time used so far (user + system, ms, in clock ticks of 10 ms): unlike wall time, not inflated by other work on the machine. */
  cpuMs(): number;
  /**
   * Samples the resident set every `everyMs` until the returned function is called, which gives
   * the largest sample, when it was taken and the last log line before it (what the bot was doing).
   */
  sampleMemory(everyMs: number): () => { rss: number; ms: number; after: string };
  /** SIGTERM, then the exit (the bot finishes running jobs first). */
  stop(): Promise<{ code: number | null; ms: number }>;
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const CLOCK_TICKS = 100;

function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(m[1]) * 1024;
}

export function spawnBot(entry: keyof typeof ENTRIES, settings: Record<string, string>, cwd: string): BotProcess {
  const keep = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, [ENTRIES[entry], 'start'], {
    cwd,
    env: { ...keep, ...settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const arrived: number[] = [];
  const listeners = new Set<() => void>();
  let otherOutput = '';
  let exit: { code: number | null; at: number } | null = null;
  let partial = '';
  // The log (pino, JSON lines) goes to stderr; stdout carries console-mode alerts and notices, as text.
  const read = (chunk: string) => {
    const at = performance.now() - t0;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) {
      if (!text.startsWith('{')) {
        otherOutput = (otherOutput + text + '\n').slice(-4000);
        continue;
      }
      try {
        lines.push(JSON.parse(text) as LogLine);
        arrived.push(at);
      } catch {
        // not a log line
      }
    }
    for (const wake of [...listeners]) wake();
  };
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', read);
  child.stdout!.resume();
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exit = { code, at: performance.now() - t0 };
      for (const wake of [...listeners]) wake();
      resolve();
    }),
  );

  return {
    pid: child.pid!,
    lines,
    waitFor(match, what, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const i = lines.findIndex(match);
          if (i >= 0) {
            done();
            resolve({ line: lines[i], ms: arrived[i] });
          } else if (exit) {
            done();
            reject(new Error(`the bot exited (${exit.code}) before ${what}; other output: ${otherOutput.trim() || '(none)'}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          child.kill('SIGKILL');
          reject(
            new Error(
              `no "${what}" from the bot within ${timeoutMs} ms; last lines: ${lines
                .slice(-3)
                .map((l) => l.msg)
                .join(' | ')}; other output: ${otherOutput.trim() || '(none)'}`,
            ),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    memory: () => ({ rss: procStatus(child.pid!, 'VmRSS'), peak: procStatus(child.pid!, 'VmHWM') }),
    cpuMs() {
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const [utime, stime] = stat
        .slice(stat.lastIndexOf(')') + 2)
        .split(' ')
        .slice(11, 13)
        .map(Number);
      return ((utime + stime) * 1000) / CLOCK_TICKS;
    },
    sampleMemory(everyMs) {
      let top = { rss: 0, ms: 0, after: '' };
      const sample = () => {
        if (exit) return;
        try {
          const rss = procStatus(child.pid!, 'VmRSS');
          if (rss > top.rss) top = { rss, ms: performance.now() - t0, after: String(lines.at(-1)?.msg ?? '(no log line yet)') };
        } catch {
          // the process is ending
        }
      };
      const timer = setInterval(sample, everyMs);
      return () => {
        sample();
        clearInterval(timer);
        return top;
      };
    },
    async stop() {
      const asked = performance.now();
      if (!exit) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(killer);
      return { code: exit!.code, ms: performance.now() - asked };
    },
  };
}
