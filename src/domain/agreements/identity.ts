/**
 * Which rows are one agreement: within one list (ICE prints some agreements twice) and
 * across two lists (ICE renames, re-dates and moves rows). ICE publishes no ID, so an
 * agreement is known by all the evidence a row prints: its state, model, SIGNED date,
 * county, agency name, and above all its MOA or addendum document, which names one PDF.
 * This file groups the rows of one list and holds the name comparisons; pairing.ts pairs the
 * groups of two lists with the same comparisons. Pure: rows in, groups out. The worked
 * examples are ICE's own, from the files in test/fixtures/287g.
 */
import { agencyLocality, canonicalAgencyName, canonicalParts } from './agency';
import { editDistance, remember } from '../text';
import type { Agreement } from '../types';

/** One agreement of one list: the rows that print it (usually one) and the row that stands for it. */
export interface AgreementGroup {
  /** State + folded name + model of the row that stands for it: one key is one agreement. */
  key: string;
  row: Agreement;
  rows: Agreement[];
  /** The documents its rows link (see `documentKey`), each once. */
  documents: readonly string[];
}

/** The identity of one agreement within and across lists: state + folded agency name + model. */
export function agreementKey(a: Pick<Agreement, 'state' | 'stateCode' | 'agency' | 'model'>): string {
  // Remembered in nested maps (state, model, name): building one composite string per row would cost more than the lookup.
  const place = a.stateCode ?? a.state;
  let byModel = KEYS.get(place);
  if (!byModel) KEYS.set(place, (byModel = new Map()));
  let byName = byModel.get(a.model);
  if (!byName) byModel.set(a.model, (byName = new Map()));
  let key = byName.get(a.agency);
  if (key === undefined) {
    if (++keyCount > MEMO_LIMIT) {
      KEYS.clear();
      keyCount = 0;
    }
    byName.set(a.agency, (key = `${a.stateCode ?? a.state.toUpperCase()}|${canonicalAgencyName(a.agency, a.stateCode)}|${a.model}`));
  }
  return key;
}

const MEMO_LIMIT = 250_000;
const KEYS = new Map<string, Map<string, Map<string, string>>>();
let keyCount = 0;

/**
 * The document a link names, for comparing links: the file name of an ICE PDF, lower case
 * and percent-decoded ("https://www.ice.gov/doclib/287gMOA/palmBeachPoliceDept_TFM_MOA_03072025.pdf"
 * -> "palmbeachpolicedept_tfm_moa_03072025.pdf"), so a moved folder or another host is the
 * same document; a `/file-download/download/public/<id>` link by its path. A link to a page
 * (no file name) names no document.
 */
export function documentKey(url: string | null): string | null {
  return url ? documentKeyOf(url) : null;
}

const documentKeyOf = remember((url: string): string | null => {
  const m = /^[a-z]+:\/\/[^/?#]+([^?#]*)/i.exec(url);
  if (!m) return null;
  let path = m[1];
  try {
    path = decodeURIComponent(path);
  } catch {
    // keep it encoded: compared as text all the same
  }
  path = path.toLowerCase().replace(/\/+$/, '');
  const file = path.slice(path.lastIndexOf('/') + 1);
  if (/\.(pdf|docx?|xlsx?)$/.test(file)) return file;
  if (/\/download\//.test(path)) return path;
  return null;
});

const NO_DOCUMENTS: readonly string[] = Object.freeze([]);

function documentsOf(row: Agreement): readonly string[] {
  const moa = documentKey(row.moaUrl);
  const addendum = documentKey(row.addendumUrl);
  if (moa && addendum && moa !== addendum) return [moa, addendum];
  const one = moa ?? addendum;
  return one ? oneDocument(one) : NO_DOCUMENTS;
}

/** The list of one document, shared by every row that links it. */
const oneDocument = remember((doc: string): readonly string[] => Object.freeze([doc]));

/** A link shared by more rows than this, of different agencies, is a generic page or a placeholder, not a document. */
const MAX_NAMES_PER_DOCUMENT = 2;

/**
 * Two rows of one list that link the same document are one agreement only when the rest
 * agrees: the same SIGNED date and a name of the same place or one misspelt. ICE has also
 * pasted one agency's link into another's row (Sebastian Police Department linked Satellite
 * Beach's MOA, the Fish and Wildlife Conservation Commission the Department of
 * Environmental Protection's, in July 2025): those stay two agreements.
 */
function namesOneAgency(a: Agreement, b: Agreement): boolean {
  if (a === b) return true;
  if (a.signed !== b.signed) return false;
  const place = agencyLocality(a.agency, a.stateCode);
  return (place !== '' && place === agencyLocality(b.agency, b.stateCode)) || nearNameDistance(a, b) !== null || namesAUnit(a, b);
}

/**
 * Groups one list's rows into agreements. Two rows are one agreement when they share the
 * state, the model and either the folded name, the same document (see `namesOneAgency`), or
 * the SIGNED date and a name misspelt or with a unit named (see `mergeTwins`). ICE printed
 * "City of Zephyrhills Police Department" (no link) beside "Zephyrhills Police Department"
 * (the MOA) in July 2025, and "St. Cloud Police Department" twice with SIGNED dates a day
 * apart: each is one agreement, counted once, and dropping the duplicate is no ending. One
 * agency keeps one agreement per model: a re-signing printed beside the old row is one too.
 *
 * The row that stands for a group is the same whatever ICE's row order: one with a
 * document first (the evidence a reader can open), then the latest SIGNED date, then the
 * greatest by its printed fields.
 */
export function groupAgreements(rows: readonly Agreement[]): readonly AgreementGroup[] {
  // Lists are never changed once made, and a poll groups the accepted list and the new one
  // more than once (the guards' probe, the diff, the stale check): remembered per list.
  let groups = GROUPS.get(rows);
  if (!groups) GROUPS.set(rows, (groups = Object.freeze(groupRows(rows))));
  return groups;
}

const GROUPS = new WeakMap<readonly Agreement[], readonly AgreementGroup[]>();

function groupRows(rows: readonly Agreement[]): AgreementGroup[] {
  const n = rows.length;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const union = (a: number, b: number) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const byKey = new Map<string, number>();
  const keys = rows.map(agreementKey);
  const docs = rows.map(documentsOf);
  // Rows by document, made only for documents that more than one row links (most link their own).
  const firstByDocument = new Map<string, number>();
  const shared = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const seen = byKey.get(keys[i]);
    if (seen === undefined) byKey.set(keys[i], i);
    else union(seen, i);
    for (const doc of docs[i]) {
      const first = firstByDocument.get(doc);
      if (first === undefined) firstByDocument.set(doc, i);
      else {
        const list = shared.get(doc);
        if (list) list.push(i);
        else shared.set(doc, [first, i]);
      }
    }
  }
  for (const members of shared.values()) {
    const slotOf = (i: number) => `${rows[i].stateCode ?? rows[i].state}|${rows[i].model}`;
    for (const slot of groupBy(members, slotOf).values()) {
      if (new Set(slot.map((i) => keys[i])).size > MAX_NAMES_PER_DOCUMENT) continue;
      // Every pair, not each against the first: which rows join must not depend on ICE's row order.
      for (let x = 0; x < slot.length; x++) {
        for (let y = x + 1; y < slot.length; y++) {
          const [i, j] = [slot[x], slot[y]];
          if (keys[i] !== keys[j] && namesOneAgency(rows[i], rows[j])) union(i, j);
        }
      }
    }
  }
  mergeTwins(rows, keys, union);
  const roots = new Int32Array(n);
  const size = new Int32Array(n);
  for (let i = 0; i < n; i++) size[(roots[i] = find(i))]++;
  const groups: AgreementGroup[] = [];
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (size[roots[i]] === 1) groups.push({ key: keys[i], row: rows[i], rows: [rows[i]], documents: docs[i] });
    else {
      const list = members.get(roots[i]);
      if (list) list.push(i);
      else members.set(roots[i], [i]);
    }
  }
  for (const list of members.values()) {
    const best = list.reduce((b, i) => (preferRow(rows[i], rows[b]) ? i : b));
    groups.push({
      key: keys[best],
      row: rows[best],
      rows: list.map((i) => rows[i]),
      documents: [...new Set(list.flatMap((i) => docs[i]))],
    });
  }
  return groups;
}

function preferRow(a: Agreement, b: Agreement): boolean {
  const [da, db] = [documentsOf(a).length > 0, documentsOf(b).length > 0];
  if (da !== db) return da;
  const [sa, sb] = [a.signed ?? '', b.signed ?? ''];
  if (sa !== sb) return sa > sb;
  return rowOrderKey(a) > rowOrderKey(b);
}

/** Every published field of a row, for choosing between rows without regard to their order. */
function rowOrderKey(r: Agreement): string {
  return [r.agency, r.state, r.type, r.county, r.model, r.signed, r.moaUrl, r.addendumUrl].join('\u001f');
}

/** A slot with more rows than this is not searched for misspelt twins (a hostile list must not cost n²). */
const MAX_TWIN_SLOT = 200;

/**
 * Rows of one state, model and SIGNED date whose names are one agency misspelt ("Indialantic"
 * / "Indiatlantic") or one with a unit named, and whose counties agree, are one agreement
 * printed twice.
 */
function mergeTwins(rows: readonly Agreement[], keys: readonly string[], union: (a: number, b: number) => void): void {
  const slots = new Map<string, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const k = `${r.stateCode ?? r.state}|${r.model}|${r.signed}`;
    const slot = slots.get(k);
    if (slot) slot.push(i);
    else slots.set(k, [i]);
  }
  for (const slot of slots.values()) {
    if (slot.length < 2 || slot.length > MAX_TWIN_SLOT) continue;
    // Cheap facts first, read off the keys (state|folded name|model): most pairs differ in length more
    // than a typo could, and have one part each.
    const names = slot.map((i) => keys[i].slice(keys[i].indexOf('|') + 1, keys[i].lastIndexOf('|')));
    const lengths = names.map((name) => name.length);
    const parts = names.map((name) => name.split(' / '));
    for (let x = 0; x < slot.length; x++) {
      for (let y = x + 1; y < slot.length; y++) {
        const mayBeNear = Math.abs(lengths[x] - lengths[y]) <= Math.floor(Math.min(lengths[x], lengths[y]) / 10);
        const mayBeUnit = parts[x].length !== parts[y].length;
        if ((!mayBeNear && !mayBeUnit) || keys[slot[x]] === keys[slot[y]]) continue;
        const [a, b] = [rows[slot[x]], rows[slot[y]]];
        if (!sameCountyIfBoth(a, b)) continue;
        if ((mayBeNear && nearNameDistance(a, b) !== null) || (mayBeUnit && namesAUnit(a, b))) union(slot[x], slot[y]);
      }
    }
  }
}

/** The agreements of a list, one row each (the row that stands for it), remembered per list. */
const ACTIVE = new WeakMap<readonly Agreement[], readonly Agreement[]>();
export function activeAgreements(rows: readonly Agreement[]): readonly Agreement[] {
  let hit = ACTIVE.get(rows);
  if (!hit) ACTIVE.set(rows, (hit = Object.freeze(groupAgreements(rows).map((g) => g.row))));
  return hit;
}

/**
 * Edits between two folded names when they are one agency misspelt, else null: at most
 * one edit per ten letters overall, and at most one per five letters of the place's name
 * (or none, the misspelling being in the kind of agency).
 */
export function nearNameDistance(a: Agreement, b: Agreement): number | null {
  const [x, y] = [canonicalAgencyName(a.agency, a.stateCode), canonicalAgencyName(b.agency, b.stateCode)];
  // A number names a precinct, a district, a circuit: "Constable's Office Pct.1" and "Pct.4" are two offices.
  if (numbersOf(x) !== numbersOf(y)) return null;
  const allowed = Math.floor(Math.min(x.length, y.length) / 10);
  const d = x === y ? 0 : editDistance(x, y, allowed);
  if (d > allowed) return null;
  const [pa, pb] = [agencyLocality(a.agency, a.stateCode), agencyLocality(b.agency, b.stateCode)];
  // A misspelt kind of agency ("Sherif's Office") lengthens the place read off the name; that is no other place.
  const [short, long] = pa.length <= pb.length ? [pa, pb] : [pb, pa];
  const samePlace = pa === pb || (short !== '' && long.startsWith(short + ' '));
  if (!samePlace) {
    // One typo per five letters of the place's own name: "Somerville"/"Somervell" (2 in 10), "Lampass"/"Lampasas"
    // (1 in 7) are one county misspelt; "Pima"/"Pinal" (2 in 4) and "Lee"/"Levy" are two counties.
    const name = long.replace(/ (county|parish|borough|township|city|town|village)$/, '');
    const allowedInPlace = Math.floor(name.length / 5);
    if (allowedInPlace === 0 || editDistance(pa, pb, allowedInPlace) > allowedInPlace) return null;
  }
  return d;
}

function numbersOf(name: string): string {
  return (name.match(/\d+/g) ?? []).join(' ');
}

export function sameNumbers(a: Agreement, b: Agreement): boolean {
  return numbersOf(canonicalAgencyName(a.agency, a.stateCode)) === numbersOf(canonicalAgencyName(b.agency, b.stateCode));
}

/** One name is the other with a unit added: every folded part of the shorter is a part of the longer. */
export function namesAUnit(a: Agreement, b: Agreement): boolean {
  if (!sameNumbers(a, b)) return false;
  const [x, y] = [canonicalParts(a.agency, a.stateCode), canonicalParts(b.agency, b.stateCode)];
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return short.length > 0 && short.length < long.length && short.every((p) => long.includes(p));
}

/** Two rows that both name a county name the same one (a row without a county matches any). */
export function sameCountyIfBoth(a: Agreement, b: Agreement): boolean {
  if (!a.county || !b.county) return true;
  const fold = (c: string) =>
    c
      .toLowerCase()
      .replace(/[^a-z]/g, '')
      .replace(/(county|parish|city)$/, '');
  return fold(a.county) === fold(b.county);
}

/** Small collection helpers, shared with pairing.ts. */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) push(groups, key(item), item);
  return groups;
}
