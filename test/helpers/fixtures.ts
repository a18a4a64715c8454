import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { diffLists } from '../../src/domain/agreements/diff';
import type { ListEvent } from '../../src/domain/agreements/events';
import { makeSnapshot } from '../../src/domain/agreements/snapshot';
import { buildStateAlerts, type StateAlert } from '../../src/domain/alerts/alerts';
import type { FileMeta, ListKind, Snapshot } from '../../src/domain/types';
import { parse287gWorkbook } from '../../src/sources/workbook-287g';

export const FIXTURES = join(__dirname, '..', 'fixtures', '287g');
/** ICE's detention-statistics workbooks and the daily-counts feed sample. */
export const DETENTION_FIXTURES = join(__dirname, '..', 'fixtures', 'detention');

export function detentionPath(name: string): string {
  return join(DETENTION_FIXTURES, name);
}

export function fixturePath(name: string): string {
  if (existsSync(join(FIXTURES, 'sequences', name))) return join(FIXTURES, 'sequences', name);
  const folder = name.startsWith('pending') ? 'pending' : name.startsWith('Participating') ? 'derived' : 'participating';
  return join(FIXTURES, folder, name);
}

/**
 * Consecutive publications where a naive diff lies, in the order ICE published them (not
 * the order of their names): see test/fixtures/287g/sequences/README.md.
 */
export const SEQUENCES = {
  /** 04-21 holds the list of 03-06 again; the runs starts with the lists it goes back to. */
  stale: [
    'participatingAgencies03062025am.xlsx',
    'participatingAgencies-20250317231040.xlsx',
    'participatingAgencies-20250410231052.xlsx',
    'participatingAgencies04212025am.xlsx',
    'participatingAgencies04292025pm.xlsx',
  ],
  /** SIGNED dates corrected by a day or weeks, then "City of" renames and duplicate rows dropped. */
  corrections: [
    'participatingAgencies06262025am.xlsx',
    'participatingAgencies06272025am.xlsx',
    'participatingAgencies07012025pm.xlsx',
    'participatingAgencies07032025pm.xlsx',
  ],
  /** Hopewell's name flip-flop, Moore County (TN) missing from one list and back, then gone. */
  flipFlop: [
    'participatingAgencies08292025pm.xlsx',
    'participatingAgencies08022025pm.xlsx',
    'participatingAgencies090022025am.xlsx',
    'participatingAgencies09032025am.xlsx',
    'participatingAgencies09032025pm.xlsx',
    'participatingAgencies09042025pm.xlsx',
  ],
} as const;

/** The participating files in publication order (Wayback names sort by their capture time). */
export const PARTICIPATING_IN_ORDER = [
  'participatingAgencies-20250221214937.xlsx',
  'participatingAgencies-20250226183301.xlsx',
  'participatingAgencies03062025am.xlsx',
  'participatingAgencies-20250317231040.xlsx',
  'participatingAgencies05162025am.xlsx',
  'participatingAgencies05192025pm.xlsx',
  'participatingAgencies05292025am.xlsx',
  'participatingAgencies07012025pm.xlsx',
  'participatingAgencies09222025am.xlsx',
  'participatingAgencies09222025pm.xlsx',
  'participatingAgencies10162025pm.xlsx',
  'participatingAgencies10172025mid.xlsx',
  'participatingAgencies12122025pm.xlsx',
];

export function metaFor(name: string, bytes: Buffer, fetchedAt = '2025-01-01T00:00:00.000Z'): FileMeta {
  return {
    url: `file://${fixturePath(name)}`,
    fileName: name,
    etag: null,
    lastModified: null,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    fetchedAt,
    modifiedInFile: null,
  };
}

const cache = new Map<string, Promise<Snapshot>>();

/** Parses a fixture once per test file; `source` defaults to what the file name says. */
export function loadSnapshot(name: string, source?: ListKind, fetchedAt?: string): Promise<Snapshot> {
  const kind = source ?? (name.startsWith('pending') ? 'pending' : 'participating');
  const key = `${name}|${kind}|${fetchedAt}`;
  let p = cache.get(key);
  if (!p) {
    const bytes = readFileSync(fixturePath(name));
    p = parse287gWorkbook(bytes).then((parsed) => makeSnapshot(kind, parsed, metaFor(name, bytes, fetchedAt)));
    cache.set(key, p);
  }
  return p;
}

/**
 * The state alerts of the real change from participating list `before` to `after`, as the
 * poll builds them (no pending list). `fetchedAt` dates the later list; `leaveOut` drops
 * event types no channel in the test asked for (e.g. 'agreement.corrected').
 */
export async function alertsBetween(
  before: string,
  after: string,
  opts: { fetchedAt?: string; leaveOut?: ListEvent['type'][] } = {},
): Promise<StateAlert[]> {
  const [prev, next] = await Promise.all([loadSnapshot(before), loadSnapshot(after, 'participating', opts.fetchedAt)]);
  const events = diffLists(prev.rows, next.rows, 'participating').events.filter((e) => !opts.leaveOut?.includes(e.type));
  return buildStateAlerts({ source: 'participating', events, participating: next.rows, pending: null, file: next.meta });
}
