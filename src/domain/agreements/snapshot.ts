import { createHash } from 'node:crypto';
import type { Agreement, FileMeta, ListKind, ParsedList, Snapshot } from '../types';

/**
 * SHA-256 of the normalized rows, independent of row order and of the file's bytes:
 * ICE republishes files whose bytes differ but whose rows are the same, and that is no change.
 */
export function contentHashOf(rows: readonly Agreement[]): string {
  const lines = rows.map((r) =>
    [r.stateCode ?? r.state, r.agencyKey, r.model, r.signed, r.agency, r.type, r.county, r.moaUrl, r.addendumUrl].join('\u001f'),
  );
  lines.sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line + '\n');
  return hash.digest('hex');
}

export function makeSnapshot(source: ListKind, parsed: ParsedList, meta: FileMeta): Snapshot {
  return {
    source,
    detectedKind: parsed.detectedKind,
    rows: parsed.rows,
    contentHash: contentHashOf(parsed.rows),
    meta: { ...meta, modifiedInFile: meta.modifiedInFile ?? parsed.modifiedInFile },
    warnings: parsed.warnings,
  };
}
