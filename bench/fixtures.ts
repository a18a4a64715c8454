/** The real ICE files the figures read (test/fixtures holds data, not test helpers), and a snapshot of one. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeSnapshot } from '../src/domain/agreements/snapshot';
import type { ListKind, Snapshot } from '../src/domain/types';
import { parse287gWorkbook } from '../src/sources/workbook-287g';

export const FIXTURES_287G = join(__dirname, '..', 'test', 'fixtures', '287g');
export const FIXTURES_DETENTION = join(__dirname, '..', 'test', 'fixtures', 'detention');

/** A 287(g) workbook parsed into the snapshot a poll would make of it. */
export async function snapshotOfFile(path: string, source: ListKind, fetchedAt = new Date().toISOString()): Promise<Snapshot> {
  const bytes = readFileSync(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const meta = {
    url: pathToFileURL(path).href,
    fileName: basename(path),
    etag: null,
    lastModified: null,
    sha256,
    bytes: bytes.length,
    fetchedAt,
    modifiedInFile: null,
  };
  return makeSnapshot(source, await parse287gWorkbook(bytes), meta);
}
