import { cleanText } from './text';
import { STATES } from './states';

/**
 * The normalized agency key used in an agreement's identity: lower case, apostrophes
 * dropped, `&` read as "and", every other punctuation folded to a space.
 * "Sheriff's Office " and "SHERIFFS OFFICE" give the same key; "Tampa PD" and
 * "Tampa Police Department" do not (that is a rename, see `canonicalAgencyName`).
 */
export function agencyKey(name: string): string {
  return cleanText(name)
    .toLowerCase()
    .replace(/['\u2018\u2019`]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Abbreviations ICE has used in agency names, expanded for rename matching only. */
const ABBREVIATIONS: Record<string, string> = {
  pd: 'police department',
  dept: 'department',
  dpt: 'department',
  so: 'sheriffs office',
  sheriff: 'sheriffs',
  ofc: 'office',
  co: 'county',
  cnty: 'county',
  bocc: 'board of county commissioners',
  doc: 'department of corrections',
  dps: 'department of public safety',
  oag: 'office of the attorney general',
  twp: 'township',
  ft: 'fort',
  mt: 'mount',
  st: 'saint',
  univ: 'university',
};

const STATE_PREFIXES = STATES.map((s) => agencyKey(s.name)).sort((a, b) => b.length - a.length);

/**
 * A stronger normal form, used only to decide whether a removed and an added row are
 * the same agency under a new name. Abbreviations are expanded and a leading or
 * trailing state name is dropped, so all of these pairs become equal:
 *   "Tampa PD"                        ~ "Tampa Police Department"
 *   "Panama City Police Dept."        ~ "Panama City Police Department"
 *   "Gulf County BOCC"                ~ "Gulf County Board of County Commissioners"
 *   "Department of Corrections" (AK)  ~ "Alaska Department of Corrections"
 *   "Office of the Attorney General"  ~ "Texas Office of the Attorney General"
 */
export function canonicalAgencyName(name: string): string {
  let words = agencyKey(name)
    .split(' ')
    // Own keys only: a word like "constructor" must not find Object.prototype's members.
    .flatMap((w) => (Object.hasOwn(ABBREVIATIONS, w) ? ABBREVIATIONS[w] : w).split(' '))
    .join(' ');
  for (const prefix of STATE_PREFIXES) {
    if (words.startsWith(prefix + ' ')) {
      words = words.slice(prefix.length + 1);
      break;
    }
    if (words.endsWith(' ' + prefix)) {
      words = words.slice(0, -prefix.length - 1);
      break;
    }
  }
  return words.replace(/^(the|state of) /, '');
}

/** Words that name the kind of agency rather than the place it serves. */
const AGENCY_KIND_WORDS = new Set([
  'sheriffs', 'sheriff', 'police', 'department', 'office', 'board', 'jail', 'detention', 'corrections',
  'correctional', 'public', 'safety', 'marshal', 'marshals', 'constable', 'highway', 'patrol', 'bureau',
  'division', 'commission', 'commissioners', 'task', 'force', 'authority', 'district', 'attorney',
]);

/**
 * The place an agency serves: the words of its canonical name before the first word
 * that names a kind of agency ("pasco county" for both "Pasco County BOCC" and
 * "Pasco County Sheriff's Office"). Empty when the name starts with such a word.
 */
export function agencyLocality(name: string): string {
  const words = canonicalAgencyName(name).split(' ');
  const out: string[] = [];
  for (const w of words) {
    if (AGENCY_KIND_WORDS.has(w)) break;
    out.push(w);
  }
  return out.join(' ');
}
