import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config';
import type { ChartSpec } from '../domain/charts/chart-series';
import { writeChartFile } from '../platforms/console/chart-file';

/** Where the command line writes: stdout carries the answer (one JSON document with --json), stderr the rest. */
export type Out = { stdout: (s: string) => void; stderr: (s: string) => void };

export type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;
export type OptionValues<O extends OptionSpec> = { json?: boolean } & { [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean };

/** Strict option parsing: an unknown option is an error shown to the user. */
export function args<O extends OptionSpec>(rest: string[], options: O): { values: OptionValues<O>; positionals: string[] } {
  const parsed = parseArgs({ args: rest, options: { json: { type: 'boolean' }, ...options }, allowPositionals: true, strict: true });
  return { values: parsed.values as OptionValues<O>, positionals: parsed.positionals };
}

/**
 * The settings, or null when they cannot be read: the file tools (`parse`, `--file`) must still
 * answer with a broken .env, on their defaults.
 */
export function settingsIfReadable(): Config | null {
  try {
    return loadConfig();
  } catch {
    return null;
  }
}

/** The terminal's picture: a PNG in CHARTS_DIR and a line with its path ('' when it could not be drawn). */
export async function chartLine(spec: ChartSpec, config: Config | null): Promise<string> {
  const path = await writeChartFile(spec, { dir: config?.CHARTS_DIR });
  return path ? `Chart: ${path}\n` : '';
}

/** A word for a shell: as is when it is plain, else single-quoted. */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
