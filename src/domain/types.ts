/**
 * The neutral data model shared by sources, store, delivery and platforms.
 * Nothing here knows about HTTP, spreadsheets or chat platforms.
 */

export const MODELS = ['JEM', 'TFM', 'WSO'] as const;
/** The three 287(g) models: Jail Enforcement, Task Force, Warrant Service Officer. */
export type Model = (typeof MODELS)[number];

export const MODEL_NAMES: Record<Model, string> = {
  JEM: 'Jail Enforcement Model',
  TFM: 'Task Force Model',
  WSO: 'Warrant Service Officer',
};

/** The two 287(g) lists ICE publishes. */
export type ListKind = 'participating' | 'pending';

/** One row of a participating or pending list, normalized. */
export interface Agreement {
  /** Canonical state name ("Texas"); the published text when it matched no state. */
  state: string;
  /** USPS code ("TX"); null when the published state matched nothing. */
  stateCode: string | null;
  /** Agency name as published, whitespace fixed. */
  agency: string;
  /** Normalized agency name: lower case, punctuation and spacing folded. Part of the identity. */
  agencyKey: string;
  /** County, Municipality, State Agency (as published, whitespace fixed), or null. */
  type: string | null;
  /** County name, or null when the list has no county (absent column, `#N/A`, `N/A`, empty). */
  county: string | null;
  /** JEM, TFM or WSO; the published text when it matched no model (with a warning). */
  model: string;
  /** Date signed, `YYYY-MM-DD`, or null (pending lists have none). */
  signed: string | null;
  /** The MOA document, from the cell's hyperlink, unwrapped and repaired. */
  moaUrl: string | null;
  /** The addendum document, when the list has one. */
  addendumUrl: string | null;
}

/** Where a published file came from and what it was, recorded with every snapshot. */
export interface FileMeta {
  url: string;
  fileName: string;
  etag: string | null;
  lastModified: string | null;
  sha256: string;
  bytes: number;
  /** When ice-watch fetched it (ISO 8601). Snapshots are dated by this, never by the file name. */
  fetchedAt: string;
  /** The workbook's own docProps modified time, when present (ISO 8601). */
  modifiedInFile: string | null;
}

/** A parsed list as found in one file, before any judgement about it. */
export interface ParsedList {
  /** Which list the file's header says it is (a participating list has SIGNED). */
  detectedKind: ListKind;
  sheetName: string;
  headers: string[];
  rows: Agreement[];
  warnings: string[];
  /** The workbook's own docProps modified time (ISO 8601), when present. */
  modifiedInFile: string | null;
}

/** One publication of one source, parsed and normalized. */
export interface Snapshot {
  source: ListKind;
  /** Which list the file's header says it is; differs from `source` when ICE swapped the files. */
  detectedKind: ListKind;
  rows: Agreement[];
  /** SHA-256 of the normalized rows, order-independent: equal rows give equal hashes whatever the bytes. */
  contentHash: string;
  meta: FileMeta;
  warnings: string[];
}

/** Identity of an agreement: state + normalized agency + model (SPEC section 3). */
export function agreementIdentity(a: Pick<Agreement, 'state' | 'stateCode' | 'agencyKey' | 'model'>): string {
  return `${a.stateCode ?? a.state.toUpperCase()}|${a.agencyKey}|${a.model}`;
}
