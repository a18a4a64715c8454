import type { SourceState } from '../../domain/agreements/guards';
import type { Agreement, ListKind } from '../../domain/types';
import type { HistoryEntry, Judgement, LedgerEntry } from '../snapshot-store';

/**
 * Everything the store knows of one 287(g) source, as plain values: what `snapshots.restore`
 * writes back whole (a former install moving in, issue 16). `rows` holds the rows of every list
 * in `history` (and of the state's view), by content hash.
 */
export interface SourceDump {
  state: SourceState | null;
  history: HistoryEntry[];
  rows: Record<string, Agreement[]>;
  ledger: Record<string, LedgerEntry>;
  judgements: Judgement[];
}

/** The one write of a source's whole dump; the snapshot store's port gains it with the relational schema. */
export interface RestoreTarget {
  restore(source: ListKind, dump: SourceDump): Promise<void>;
}
