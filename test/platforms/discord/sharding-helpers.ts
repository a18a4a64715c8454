/**
 * What the sharding tests read from Linux's /proc: the shard processes this process spawned
 * (with the environment the ShardingManager gave them), and which process holds a loopback
 * connection (a gateway stand-in knows its client's port, /proc knows whose socket that is).
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

export const canReadProcesses = existsSync('/proc/net/tcp');

export interface ShardChild {
  pid: number;
  env: Record<string, string>;
}

/** Live processes whose parent is this one and whose arguments include `discord-shard`. */
export function shardChildren(): ShardChild[] {
  const out: ShardChild[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== process.pid || state === 'Z') continue;
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes('discord-shard')) continue;
      const env = Object.fromEntries(
        readFileSync(`/proc/${entry}/environ`, 'utf8')
          .split('\0')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      out.push({ pid: Number(entry), env });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** The pid among `pids` holding the TCP socket whose local port is `port`, or null. */
export function pidHoldingPort(port: number, pids: number[]): number | null {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && parseInt(fields[1].split(':')[1], 16) === port) inodes.add(fields[9]);
    }
  }
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target = '';
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1])) return pid;
    }
  }
  return null;
}

/** Polls `probe` until it returns something, or fails after `timeoutMs` saying what it waited for. */
export async function waitUntil<T>(what: string, probe: () => T | undefined | null, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined && found !== null) return found;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Kills whatever shard processes are left (a failed test must not leave them running). */
export function killLeftoverShards(): void {
  if (!canReadProcesses) return;
  for (const child of shardChildren()) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
