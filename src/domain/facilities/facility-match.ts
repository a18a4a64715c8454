/**
 * Which facility of one release is which facility of the next. ICE has no facility id in its
 * list, and writes the same place several ways from one release to the next, so a facility is
 * known by its name, city and state, folded, and two rows that differ are still the same
 * facility when the evidence says so. Worked examples, all from ICE's real files:
 *
 * - "PICKENS COUNTY DET CTR" -> "PICKENS COUNTY DETENTION CENTER" (Carrollton, AL): the same
 *   name once abbreviations are spelt out; `same-name` (no event at all).
 * - "NORTH LAKE CORRECTIONAL F" -> "NORTH LAKE CORRECTIONAL FACILITY" (Baldwin, MI): ICE's
 *   25-character cut of the name; "BROOME COUNTY JAIL" in "BINGHAMPTON" -> "BINGHAMTON": a city
 *   spelt two ways. `spelling`: reported once as a rename, never as a closure plus a new site.
 * - "CALIFORNIA CITY CORRECTIONAL CENTER" -> "CALIFORNIA CITY IMMIGRATION PROCESSING CENTER",
 *   "DOD DETENTION FACILITY AT FORT BLISS" -> "ERO EL PASO CAMP EAST MONTANA": a new name at the
 *   same street address in the same city. `address`: a rename, with the address as evidence.
 * - "OLDHAM COUNTY JAIL", 100 W Main Street -> "OLDHAM COUNTY DETENTION CENTER", 3405 W Hwy 146
 *   (La Grange, KY): neither the name nor the address agrees, so one left and one appeared.
 */
import { editDistance, remember } from '../text';
import { STATES } from '../states';
import type { FacilityRow } from './facility-row';

/** ICE's abbreviations, spelt out so that "DET CTR" and "DETENTION CENTER" fold alike. */
const WORDS: Record<string, string> = {
  DET: 'DETENTION',
  DETEN: 'DETENTION',
  CTR: 'CENTER',
  CNTR: 'CENTER',
  CENTRE: 'CENTER',
  CO: 'COUNTY',
  CNTY: 'COUNTY',
  CORR: 'CORRECTIONAL',
  CORRECTIONS: 'CORRECTIONAL',
  FAC: 'FACILITY',
  FACIL: 'FACILITY',
  INST: 'INSTITUTION',
  FED: 'FEDERAL',
  PROC: 'PROCESSING',
  REG: 'REGIONAL',
  REGL: 'REGIONAL',
  DEPT: 'DEPARTMENT',
  JUST: 'JUSTICE',
  CMPLX: 'COMPLEX',
  FT: 'FORT',
  ST: 'SAINT',
  MT: 'MOUNT',
  '&': 'AND',
};
const STATE_WORDS = new Set(STATES.flatMap((s) => [s.code, s.name.toUpperCase()]));

const tokens = (text: string): string[] =>
  text
    .toUpperCase()
    .replace(/['’.]/g, '')
    .split(/[^A-Z0-9&]+/)
    .filter(Boolean)
    .map((w) => WORDS[w] ?? w);

/**
 * A facility name folded for matching: abbreviations spelt out, punctuation dropped, and a
 * state ICE appends dropped ("CAMBRIA COUNTY JAIL, PA", "PHELPS COUNTY JAIL (NE)",
 * "PENNINGTON COUNTY JAIL (SOUTH DAKOTA)").
 */
export const foldFacilityName = remember(foldName, 50_000);

function foldName(name: string): string {
  const withoutState = name
    .replace(/\(([^)]*)\)?\s*$/, (whole, inner: string) => (STATE_WORDS.has(inner.trim().toUpperCase()) ? '' : whole))
    .replace(/,\s*([A-Z]{2})\s*$/i, (whole, code: string) => (STATE_WORDS.has(code.toUpperCase()) ? '' : whole));
  return tokens(withoutState).join(' ');
}

/** Remembered: every command and poll folds the same few thousand names of every stored release again. */
export const foldCity = remember((city: string): string => tokens(city).join(' '), 50_000);

/** The street address folded: "20 HOBO FORK RD." and "20 Hobo Fork Road" alike. */
function foldAddress(address: string): string {
  const street: Record<string, string> = { RD: 'ROAD', ST: 'STREET', AVE: 'AVENUE', DR: 'DRIVE', HWY: 'HIGHWAY', BLVD: 'BOULEVARD' };
  return address
    .toUpperCase()
    .replace(/['’.,#]/g, '')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => street[w] ?? w)
    .join(' ');
}

/** The identity of a row within one release: folded name, city and state. */
export function facilityKey(row: Pick<FacilityRow, 'name' | 'city' | 'state'>): string {
  return `${foldFacilityName(row.name)}|${foldCity(row.city)}|${row.state}`;
}

/** Why two differently written rows are one facility. */
export type RenameEvidence = 'spelling' | 'address';

const close = (a: string, b: string, share: number) =>
  editDistance(a, b, 3) <= Math.max(1, Math.floor(Math.min(a.length, b.length) * share));

/** One name cut short to the other (ICE cuts some names at 25 or 50 characters), or nearly the same letters. */
function sameNameWrittenOtherwise(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 15 && long.startsWith(short)) return true;
  return close(a, b, 0.08);
}

/**
 * Whether `next` is `previous` written another way (`spelling`), renamed at the same street
 * address in the same city (`address`), or another facility (null). Same state only: ICE
 * does not move a facility between states.
 */
export function renameEvidence(previous: FacilityRow, next: FacilityRow): RenameEvidence | null {
  if (previous.state !== next.state) return null;
  const cityA = foldCity(previous.city);
  const cityB = foldCity(next.city);
  const sameCity = cityA === cityB || close(cityA, cityB, 0.2);
  if (!sameCity) return null;
  if (sameNameWrittenOtherwise(foldFacilityName(previous.name), foldFacilityName(next.name))) return 'spelling';
  const addressA = foldAddress(previous.address);
  if (addressA.length >= 6 && /\d/.test(addressA) && addressA === foldAddress(next.address)) return 'address';
  return null;
}

export interface FacilityMatch {
  /** Pairs of rows that are one facility: `previous` in the earlier list, `next` in the later one. */
  same: Array<{ previous: FacilityRow; next: FacilityRow; evidence: 'same-name' | RenameEvidence }>;
  /** Rows of the later list with no row in the earlier one. */
  appeared: FacilityRow[];
  /** Rows of the earlier list with no row in the later one. */
  left: FacilityRow[];
}

/**
 * Pairs the rows of two lists: by folded key first, then what is left over in each state by
 * rename evidence (spelling before address), one to one, in list order. Pure.
 */
export function matchFacilities(previous: readonly FacilityRow[], next: readonly FacilityRow[]): FacilityMatch {
  const byKey = new Map<string, FacilityRow>();
  for (const row of previous) if (!byKey.has(facilityKey(row))) byKey.set(facilityKey(row), row);
  const same: FacilityMatch['same'] = [];
  const unmatchedNext: FacilityRow[] = [];
  const used = new Set<FacilityRow>();
  for (const row of next) {
    const before = byKey.get(facilityKey(row));
    if (before && !used.has(before)) {
      used.add(before);
      same.push({ previous: before, next: row, evidence: 'same-name' });
    } else unmatchedNext.push(row);
  }
  let left = previous.filter((row) => !used.has(row));
  const appeared: FacilityRow[] = [];
  for (const pass of ['spelling', 'address'] as const) {
    const stillNew: FacilityRow[] = [];
    for (const row of unmatchedNext) {
      const before = left.find((old) => renameEvidence(old, row) === pass);
      if (before) {
        same.push({ previous: before, next: row, evidence: pass });
        left = left.filter((old) => old !== before);
      } else stillNew.push(row);
    }
    unmatchedNext.splice(0, unmatchedNext.length, ...stillNew);
  }
  appeared.push(...unmatchedNext);
  return { same, appeared, left };
}
