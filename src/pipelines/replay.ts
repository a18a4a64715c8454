import { basename } from 'node:path';
import type { GuardSettings } from '../domain/agreements/guards';
import type { StateAlert } from '../domain/alerts/alerts';
import type { FileMeta, ListKind } from '../domain/types';
import type { Logger } from '../logging/logger';
import type { WorkbookLimits } from '../sources/errors';
import { fetchFile } from '../sources/fetch-file';
import { parse287gWorkbook } from '../sources/workbook-287g';
import type { SnapshotStore } from '../store/snapshot-store';
import { createIngest287g, type IngestResult } from './ingest-287g';

/**
 * Which list a local file is meant to be: its name says so on ICE's site
 * (participatingAgencies…, pendingAgencies…). A name that says neither is read by its
 * header. The name decides on purpose: ICE's swapped "participating" file must be judged
 * as a participating publication, and rejected.
 */
export async function sourceOfFile(path: string, bytes?: Buffer, limits?: WorkbookLimits): Promise<ListKind> {
  const name = basename(path).toLowerCase();
  if (name.includes('pending')) return 'pending';
  if (name.includes('participating')) return 'participating';
  if (!bytes) return 'participating';
  try {
    return (await parse287gWorkbook(bytes, limits)).detectedKind;
  } catch {
    return 'participating';
  }
}

/** Reads a local file as a publication fetched at `at`. */
export async function readLocalPublication(path: string, at: Date): Promise<{ bytes: Buffer; meta: FileMeta }> {
  const result = await fetchFile(path, { now: () => at });
  if (result.status !== 'fetched') throw new Error(`could not read ${path}`);
  return { bytes: result.bytes, meta: result.meta };
}

export interface ReplayDeps {
  snapshots: SnapshotStore;
  guards: GuardSettings;
  logger: Logger;
  /** When the first file is published; the next ones follow an hour apart. */
  start: Date;
  /** Parse caps (defaults: DEFAULT_WORKBOOK_LIMITS). */
  parseLimits?: WorkbookLimits;
  /** What becomes of each publication's alerts besides printing them (the CLI keeps them in the event log). */
  route?: (alerts: StateAlert[], at: Date) => Promise<void>;
}

/** Runs the pipeline over local files in order, as publications an hour apart. */
export async function replayFiles(paths: readonly string[], deps: ReplayDeps): Promise<IngestResult[]> {
  let clock = deps.start;
  const ingest = createIngest287g({ ...deps, now: () => clock });
  const results: IngestResult[] = [];
  for (const [i, path] of paths.entries()) {
    clock = new Date(deps.start.getTime() + i * 3_600_000);
    const { bytes, meta } = await readLocalPublication(path, clock);
    results.push(await ingest.ingest(await sourceOfFile(path, bytes, deps.parseLimits), bytes, meta));
  }
  return results;
}
