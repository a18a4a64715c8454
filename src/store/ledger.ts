import { agencyKey } from '../domain/agreements/agency';
import type { ListEvent } from '../domain/agreements/events';
import { activeAgreements } from '../domain/agreements/identity';
import { agreementIdentity, type Agreement } from '../domain/types';
import type { SourceTables } from './db/tables-sources';

/** What ice-watch knows of one agreement over time. */
export interface LedgerEntry {
  state: string;
  stateCode: string | null;
  agency: string;
  model: string;
  signed: string | null;
  firstSeen: string;
  lastSeen: string;
  endedAt: string | null;
  /** Names (and states) ICE listed it under before, oldest first. */
  previousNames?: string[];
  /** Times it was off ICE's list and came back with the same SIGNED date. */
  gaps?: Array<{ from: string; to: string }>;
  /** SIGNED dates ICE corrected, with when the bot saw the correction. */
  corrections?: Array<{ from: string | null; to: string | null; at: string }>;
}

export type AgreementRow = SourceTables['agreements'];

/**
 * Brings the ledger up to a new accepted list: one entry per agreement (rows ICE printed
 * twice count once). A rename moves the entry to its new name, keeping when it was first
 * seen; a relisting closes its gap; a correction is recorded. Then every agreement listed
 * is seen at `at` (first seen when new) and every one no longer listed has ended at `at`.
 */
export function updateLedger(
  ledger: Record<string, LedgerEntry>,
  current: readonly Agreement[],
  at: string,
  events: readonly ListEvent[] = [],
): Record<string, LedgerEntry> {
  const idOf = (state: string, stateCode: string | null, agency: string, model: string) =>
    agreementIdentity({ state, stateCode, agencyKey: agencyKey(agency), model });
  for (const e of events) {
    if (e.type === 'agreement.renamed') {
      const from =
        e.previousState === null
          ? idOf(e.state, e.stateCode, e.previousAgency, e.model)
          : idOf(e.previousState, e.previousStateCode, e.previousAgency, e.model);
      const to = idOf(e.state, e.stateCode, e.agency, e.model);
      const old = ledger[from];
      if (!old || from === to) continue;
      delete ledger[from];
      ledger[to] = {
        ...old,
        previousNames: [...(old.previousNames ?? []), e.previousState ? `${old.agency} (${e.previousState})` : old.agency],
      };
    } else if (e.type === 'agreement.relisted') {
      const entry = ledger[idOf(e.state, e.stateCode, e.agency, e.model)];
      if (entry?.endedAt) {
        entry.gaps = [...(entry.gaps ?? []), { from: entry.endedAt, to: at }];
        entry.endedAt = null;
      }
    } else if (e.type === 'agreement.corrected') {
      const entry = ledger[idOf(e.state, e.stateCode, e.agency, e.model)];
      if (entry) entry.corrections = [...(entry.corrections ?? []), { from: e.previousSigned, to: e.signed, at }];
    }
  }
  const seen = new Set<string>();
  for (const r of activeAgreements(current)) {
    const id = agreementIdentity(r);
    seen.add(id);
    const old = ledger[id];
    ledger[id] = {
      ...old,
      state: r.state,
      stateCode: r.stateCode,
      agency: r.agency,
      model: r.model,
      signed: r.signed,
      firstSeen: old && !old.endedAt ? old.firstSeen : at,
      lastSeen: at,
      endedAt: null,
    };
  }
  for (const [id, entry] of Object.entries(ledger)) {
    if (!seen.has(id) && !entry.endedAt) entry.endedAt = at;
  }
  return ledger;
}

/** What a ledger update writes: the rows whose record changed (upserted) and the identities that went (renamed away). */
export interface LedgerChanges {
  upserts: AgreementRow[];
  deletes: string[];
}

/**
 * The rows that differ between two ledgers of a source. An agreement still listed is seen again
 * by every accepted list, so its last-seen time is not compared (nor stored at each list: see
 * `entryOfRow`): a list with ten changes writes about ten rows, not the ~2,500 it names.
 */
export function ledgerChanges(source: string, before: Record<string, LedgerEntry>, after: Record<string, LedgerEntry>): LedgerChanges {
  const upserts: AgreementRow[] = [];
  for (const [identity, entry] of Object.entries(after)) {
    const row = rowOfEntry(source, identity, entry);
    const old = before[identity];
    if (!old || !sameRow(rowOfEntry(source, identity, old), row)) upserts.push(row);
  }
  const deletes = Object.keys(before).filter((identity) => !Object.hasOwn(after, identity));
  return { upserts, deletes };
}

function sameRow(a: AgreementRow, b: AgreementRow): boolean {
  for (const key of Object.keys(b) as Array<keyof AgreementRow>) {
    // Listed in both: last seen moves with every list and is read from the latest one instead.
    if (key === 'last_seen' && a.ended_at === null && b.ended_at === null) continue;
    if (a[key] !== b[key]) return false;
  }
  return true;
}

export function rowOfEntry(source: string, identity: string, e: LedgerEntry): AgreementRow {
  return {
    source,
    identity,
    state: e.state,
    state_code: e.stateCode,
    agency: e.agency,
    model: e.model,
    signed: e.signed,
    first_seen: e.firstSeen,
    last_seen: e.lastSeen,
    ended_at: e.endedAt,
    previous_names: e.previousNames ? JSON.stringify(e.previousNames) : null,
    gaps: e.gaps ? JSON.stringify(e.gaps) : null,
    corrections: e.corrections ? JSON.stringify(e.corrections) : null,
  };
}

/**
 * A stored row as the ledger entry callers read. `listedAt` is when the source's latest accepted
 * list was fetched: an agreement still listed was last seen then (its row keeps the time it was
 * last written, which may be older).
 */
export function entryOfRow(row: AgreementRow, listedAt: string | null): LedgerEntry {
  const lastSeen = row.ended_at === null && listedAt !== null ? listedAt : row.last_seen;
  return {
    state: row.state,
    stateCode: row.state_code,
    agency: row.agency,
    model: row.model,
    signed: row.signed,
    firstSeen: row.first_seen,
    lastSeen,
    endedAt: row.ended_at,
    ...(row.previous_names !== null ? { previousNames: JSON.parse(row.previous_names) as string[] } : {}),
    ...(row.gaps !== null ? { gaps: JSON.parse(row.gaps) as LedgerEntry['gaps'] } : {}),
    ...(row.corrections !== null ? { corrections: JSON.parse(row.corrections) as LedgerEntry['corrections'] } : {}),
  };
}
