/** Runs a bench child process (`node [flags] bin/run-ts.js <script> ...args`) and reads its one JSON line. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

export interface ChildResult<T> {
  /** Epoch ms just before the spawn. */
  spawnedAt: number;
  /** Wall time from spawn to exit. */
  wallMs: number;
  output: T;
}

export function runChild<T>(script: string, args: string[], nodeFlags: string[] = []): Promise<ChildResult<T>> {
  return new Promise((resolve, reject) => {
    const spawnedAt = Date.now();
    const t0 = performance.now();
    const child = spawn(process.execPath, [...nodeFlags, join(ROOT, 'bin', 'run-ts.js'), join(ROOT, script), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) return reject(new Error(`${script} exited with ${code}`));
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve({ spawnedAt, wallMs, output: JSON.parse(line) as T });
      } catch {
        reject(new Error(`${script} printed no JSON line: ${stdout.slice(0, 200)}`));
      }
    });
  });
}
