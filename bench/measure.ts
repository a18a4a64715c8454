/**
 * Small timing and statistics helpers for the bench. Timing lives here and in the
 * bench only: tests never time anything (SPEC section 8).
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

/** The median of the samples (mean of the middle two for an even count). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('median of no samples');
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The p-th percentile (0-100) by the nearest-rank method: a value that was actually observed. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  const s = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length, Math.max(1, rank)) - 1];
}

/** Rounds for display: milliseconds to 0.01, ratios to 0.001. */
export const ms = (value: number): number => Math.round(value * 100) / 100;
export const ratio = (value: number): number => Math.round(value * 1000) / 1000;
export const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Milliseconds one call of `fn` took. */
export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export function timeSync(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

let collect: (() => void) | null | undefined;

/**
 * Runs a full garbage collection when one can be forced, so garbage left by one
 * measurement is not charged to the next. `npm run bench` runs node without
 * --expose-gc, so the flag is set at run time and `gc` fetched from a fresh context.
 */
export function forceGc(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}

/** Progress goes to stderr: stdout carries the JSON document and nothing else. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** A small deterministic PRNG (mulberry32), so every run builds the same synthetic data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
