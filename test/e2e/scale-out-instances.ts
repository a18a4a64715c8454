/**
 * What the scale-out and fault tests share: bot instances as child processes
 * (scale-out-child.ts) on one PostgreSQL schema, the subscriptions they serve, and the
 * messages each channel should get from the real ICE files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { channelKey, type Subscription } from '../../src/domain/alerts/subscriptions';
import { alertsBetween } from '../helpers/fixtures';

const ROOT = join(__dirname, '..', '..');

export function discordSubscription(channelId: string, states: string[] | 'all'): Subscription {
  const who = { id: 'U1', name: 'Editor' };
  const at = new Date().toISOString();
  return {
    key: channelKey('discord', 'G1', channelId),
    platform: 'discord',
    workspaceId: 'G1',
    channelId,
    channelName: channelId,
    states,
    kinds: ['agreements', 'endings', 'pending'],
    models: null,
    mode: 'instant',
    createdBy: who,
    createdAt: at,
    updatedBy: who,
    updatedAt: at,
    paused: null,
  };
}

/** Messages each channel should get for the step from publication a to b: one per state alert it follows. */
export async function expectedPerChannel(a: string, b: string, subs: Subscription[]): Promise<Map<string, number>> {
  // Corrected SIGNED dates go only to channels that ask for corrections; these do not.
  const alerts = await alertsBetween(a, b, { leaveOut: ['agreement.corrected'] });
  return new Map(subs.map((s) => [s.channelId, alerts.filter((al) => s.states === 'all' || s.states.includes(al.stateCode ?? '')).length]));
}

export interface Instance {
  child: ChildProcess;
  name: string;
  id: string;
  /** Its /healthz port (HTTP_PORT given), else null. */
  healthPort: number | null;
  stderr: string[];
}

/** Bot processes started for one test; `killAll()` in afterAll. */
export function instances(baseEnv: () => Record<string, string>) {
  const all = new Map<number, Instance>();
  return {
    all,
    /** Starts one; resolves once it printed READY (its coordination has started). */
    start(n: number, env: Record<string, string> = {}): Promise<Instance> {
      const keep = Object.fromEntries(
        ['PATH', 'HOME', 'TMPDIR'].filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]),
      );
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'run-ts.js'), join(__dirname, 'scale-out-child.ts')], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...keep,
          FETCH_USER_AGENT: `ice-watch-instance-${n}`,
          LOG_LEVEL: process.env.SCALE_OUT_LOG_LEVEL ?? 'warn',
          ...baseEnv(),
          ...env,
        },
      });
      const stderr: string[] = [];
      child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
      return new Promise((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => {
          const m = /READY (\S+) (\S+)/.exec(d.toString());
          if (!m) return;
          const instance = { child, name: `instance-${n}`, id: m[1]!, healthPort: m[2] === '-' ? null : Number(m[2]), stderr };
          all.set(child.pid!, instance);
          resolve(instance);
        });
        child.once('exit', (code) => reject(new Error(`instance-${n} exited (${code}) before it was ready: ${stderr.join('')}`)));
      });
    },
    /** The instance whose id `owner` is (a lease holder), if it is one of these. */
    byId: (owner: string | null) => [...all.values()].find((i) => i.id === owner),
    /** Its stderr, for a failure's explanation. */
    logs: () =>
      [...all.values()]
        .map((i) => `--- ${i.name}\n${i.stderr.join('').slice(-Number(process.env.SCALE_OUT_LOG_CHARS ?? 4000))}`)
        .join('\n'),
    killAll() {
      for (const { child } of all.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
