import { type Kysely, sql } from 'kysely';
import type { EndedAgreement } from '../domain/agreements/diff';
import type { HeldRow, RecentRename, SourceState } from '../domain/agreements/guards';
import type { Agreement } from '../domain/types';
import type { StoreDb } from './db/database';
import type { Schema } from './db/schema';
import { type AgreementRow, entryOfRow, type LedgerEntry } from './ledger';

/** The snapshot store's reads and writes of its tables (src/store/snapshot-store.ts), each inside the caller's transaction or not. */

/** Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits at 13 columns. */
export const CHUNK = 400;
export const MAX_JUDGEMENTS = 50;

/** The guards' state beside the view, one JSON column of source_states. */
export interface GuardState {
  held: HeldRow[];
  unconfirmed?: HeldRow[];
  heldAdditions?: HeldRow[];
  recentlyEnded?: EndedAgreement[];
  lastSeenAt?: string;
  recentRenames?: RecentRename[];
}

/**
 * On PostgreSQL, one writer of a source's record at a time until the transaction ends: two
 * instances saving at once (a leader replaced mid-save) would both diff the same ledger. SQLite
 * has one writer by construction (one process owns the file; a write transaction locks it).
 */
export async function lockSource(db: StoreDb, trx: Kysely<Schema>, source: string): Promise<void> {
  if (db.dialect === 'postgres')
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`ice-watch:source:${db.schema}:${source}`}))`.execute(trx);
}

/** The source's ledger; an agreement still listed was last seen by the latest accepted list. */
export async function readLedger(k: Kysely<Schema>, source: string): Promise<Record<string, LedgerEntry>> {
  const latest = await k
    .selectFrom('history')
    .select('fetched_at')
    .where('source', '=', source)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const rows = await k.selectFrom('agreements').selectAll().where('source', '=', source).execute();
  const ledger: Record<string, LedgerEntry> = {};
  for (const row of rows) ledger[row.identity] = entryOfRow(row, latest?.fetched_at ?? null);
  return ledger;
}

export async function insertSnapshot(k: Kysely<Schema>, source: string, hash: string, rows: readonly Agreement[]): Promise<void> {
  await k
    .insertInto('snapshots')
    .values({ content_hash: hash, source, row_count: rows.length, rows: JSON.stringify(rows), created_at: new Date().toISOString() })
    // A hash names the same rows whoever wrote them first.
    .onConflict((oc) => oc.column('content_hash').doNothing())
    .execute();
}

export async function upsertAgreements(k: Kysely<Schema>, rows: readonly AgreementRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await k
      .insertInto('agreements')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.columns(['source', 'identity']).doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          state_code: eb.ref('excluded.state_code'),
          agency: eb.ref('excluded.agency'),
          model: eb.ref('excluded.model'),
          signed: eb.ref('excluded.signed'),
          first_seen: eb.ref('excluded.first_seen'),
          last_seen: eb.ref('excluded.last_seen'),
          ended_at: eb.ref('excluded.ended_at'),
          previous_names: eb.ref('excluded.previous_names'),
          gaps: eb.ref('excluded.gaps'),
          corrections: eb.ref('excluded.corrections'),
        })),
      )
      .execute();
  }
}

export async function writeState(k: Kysely<Schema>, source: string, state: SourceState): Promise<void> {
  const { view } = state;
  const guard: GuardState = {
    held: state.held,
    unconfirmed: state.unconfirmed ?? [],
    heldAdditions: state.heldAdditions ?? [],
    recentlyEnded: state.recentlyEnded ?? [],
    lastSeenAt: state.lastSeenAt ?? view.meta.fetchedAt,
    recentRenames: state.recentRenames ?? [],
  };
  const row = {
    view_hash: view.contentHash,
    view_meta: JSON.stringify(view.meta),
    detected_kind: view.detectedKind,
    warnings: JSON.stringify(view.warnings),
    last_file_sha256: state.lastFileSha256,
    guard: JSON.stringify(guard),
    updated_at: new Date().toISOString(),
  };
  await k
    .insertInto('source_states')
    .values({ source, ...row })
    .onConflict((oc) => oc.column('source').doUpdateSet(row))
    .execute();
}

/** Deletes the source's judgements older than its newest MAX_JUDGEMENTS. */
export async function pruneJudgements(k: Kysely<Schema>, source: string): Promise<void> {
  const cut = await k
    .selectFrom('judgements')
    .select('id')
    .where('source', '=', source)
    .orderBy('id', 'desc')
    .offset(MAX_JUDGEMENTS)
    .limit(1)
    .executeTakeFirst();
  if (cut) await k.deleteFrom('judgements').where('source', '=', source).where('id', '<=', cut.id).execute();
}
