import { cleanText, remember } from '../text';
import { STATES } from '../states';

/**
 * The normalized agency key, as published: lower case, apostrophes dropped, `&` read as
 * "and", every other punctuation folded to a space. "Sheriff's Office " and "SHERIFFS
 * OFFICE" give the same key; "Tampa PD" and "Tampa Police Department" do not (the
 * folded name, `canonicalAgencyName`, makes those one).
 */
export function agencyKey(name: string): string {
  return cleanText(name)
    .toLowerCase()
    .replace(/['\u2018\u2019`]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Abbreviations ICE has used in agency names, expanded for matching only. */
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

/** Phrases that name one thing two ways ("Pettis County Sheriff's Department" / "... Sheriff's Office"), in the longer form. */
const SYNONYMS: Array<[RegExp, string]> = [
  [/\bsheriffs department\b/g, 'sheriffs office'],
  // "Franklin County Sheriff" and "Lee County Port Authority Police" name the office and the department.
  [/\bsheriffs$/, 'sheriffs office'],
  [/\bpolice$/, 'police department'],
];

/** Words after which a state's name is a place of its own: "Kansas City", "Arkansas County", "Iowa City". */
const PLACE_WORDS = new Set(['city', 'county', 'parish', 'township', 'borough', 'village', 'town']);
/** Words before which a trailing state's name belongs to the agency: "University of West Florida". */
const KEEP_BEFORE_STATE = new Set(['of', 'west', 'east', 'north', 'south', 'central', 'northwest', 'northeast', 'southwest', 'southeast']);
/** Prefixes that say what kind of place an agency serves, not which: "City of Miami Springs Police Department". */
const PLACE_PREFIX = /^(?:the )?(?:city|town|village|county|borough|township|state|commonwealth) of (?=\S)/;

const STATE_NAMES = new Map(STATES.map((s) => [s.code, agencyKey(s.name)]));

/**
 * A stronger normal form of an agency's name, used to tell whether two rows name one
 * agency. Abbreviations are expanded; "City of", "Town of", "Village of", "County of"
 * prefixes are dropped; the agency's own state as a prefix or suffix is dropped (by name,
 * or by USPS code: "MT Dept of Justice"), unless it names a place of its own ("Kansas
 * City", "Arkansas County") or belongs to the name ("University of West Florida"); the
 * parts of a name separated by commas or " / " are sorted, so word order does not matter
 * ("Criminal Investigation Division, Department of Financial Services" ~ "Florida
 * Department of Financial Services, Criminal Investigation Division"). All of these pairs
 * become equal:
 *   "Tampa PD"                                   ~ "Tampa Police Department"
 *   "Gulf County BOCC"                           ~ "Gulf County Board of County Commissioners"
 *   "Department of Corrections" (AK)             ~ "Alaska Department of Corrections"
 *   "City of Miami Springs Police Department"    ~ "Miami Springs Police Department"
 *   "Pettis County Sheriff's Department"         ~ "Pettis County Sheriff's Office"
 * and these stay apart: "Melbourne Beach Police Department" / "Melbourne Police
 * Department", "University of Florida" / "University of West Florida".
 */
export function canonicalAgencyName(name: string, stateCode: string | null = null): string {
  return canonicalOf(`${stateCode ?? ''}|${name}`);
}

/** The memos below take `<state code>|<name>`: every poll folds the same names again. */
const withState = <T>(fn: (name: string, stateCode: string | null) => T) =>
  remember((key: string) => {
    const bar = key.indexOf('|');
    return fn(key.slice(bar + 1), bar === 0 ? null : key.slice(0, bar));
  });
const canonicalOf = withState((name, stateCode) => canonicalParts(name, stateCode).join(' / '));

/** The folded parts of a name (see `canonicalAgencyName`), sorted. Remembered: every poll folds the same names. */
export function canonicalParts(name: string, stateCode: string | null = null): readonly string[] {
  return partsOf(`${stateCode ?? ''}|${name}`);
}

const partsOf = withState((name, stateCode): readonly string[] => Object.freeze(foldParts(name, stateCode)));

function foldParts(name: string, stateCode: string | null): string[] {
  const parts = cleanText(name)
    .split(/\s*[,;/]\s*|\s*[-\u2013\u2014]\s+|\s+[-\u2013\u2014]\s*/)
    .map((part) => canonicalPart(part, stateCode))
    .filter((p) => p !== '');
  return [...new Set(parts)].sort();
}

function canonicalPart(part: string, stateCode: string | null): string {
  let words = agencyKey(part).split(' ').filter(Boolean);
  // A USPS code before abbreviations are expanded: "MT Dept of Justice" is Montana's, not Mount's.
  if (stateCode && words.length > 1 && words[0] === stateCode.toLowerCase() && !PLACE_WORDS.has(words[1])) words = words.slice(1);
  // Own keys only: a word like "constructor" must not find Object.prototype's members.
  let text = words.flatMap((w) => (Object.hasOwn(ABBREVIATIONS, w) ? ABBREVIATIONS[w] : w)).join(' ');
  for (const [pattern, replacement] of SYNONYMS) text = text.replace(pattern, replacement);
  text = text.replace(PLACE_PREFIX, '');
  const states = stateCode && STATE_NAMES.has(stateCode) ? [STATE_NAMES.get(stateCode)!] : ANY_STATE_NAME;
  for (const prefix of states) {
    if (text.startsWith(prefix + ' ')) {
      const rest = text.slice(prefix.length + 1);
      if (!PLACE_WORDS.has(rest.split(' ')[0])) text = rest;
      break;
    }
    if (text.endsWith(' ' + prefix)) {
      const before = text.slice(0, -prefix.length - 1);
      if (!KEEP_BEFORE_STATE.has(before.split(' ').at(-1)!)) text = before;
      break;
    }
  }
  return text.replace(PLACE_PREFIX, '').replace(/^the /, '');
}

const ANY_STATE_NAME = STATES.map((s) => agencyKey(s.name)).sort((a, b) => b.length - a.length);

/** Words that name the kind of agency rather than the place it serves. */
const AGENCY_KIND_WORDS = new Set([
  'sheriffs',
  'sheriff',
  'police',
  'department',
  'office',
  'board',
  'jail',
  'detention',
  'corrections',
  'correctional',
  'public',
  'safety',
  'marshal',
  'marshals',
  'constable',
  'highway',
  'patrol',
  'bureau',
  'division',
  'commission',
  'commissioners',
  'task',
  'force',
  'authority',
  'district',
  'attorney',
]);

/** Words after a place's name that say what kind of municipality it is, not which. */
const PLACE_SUFFIXES = new Set(['borough', 'township', 'village', 'town', 'city']);
const VA_PLACE_SUFFIXES = new Set([...PLACE_SUFFIXES, 'county']);

/**
 * The place an agency serves: the words of its canonical name before the first word
 * that names a kind of agency ("pasco county" for both "Pasco County BOCC" and
 * "Pasco County Sheriff's Office"). Empty when the name starts with such a word. A
 * trailing "borough", "township", "village", "town" or "city" is not part of the place
 * ("Quarryville Borough Police Department" / "Quarryville Police Department"); in Virginia
 * a city is independent of any county and ICE has written one as the other ("Hopewell
 * County Sheriff's Office" / "Hopewell Sheriff's Office"), so there "county" is not either.
 */
export function agencyLocality(name: string, stateCode: string | null = null): string {
  return localityMemo(`${stateCode ?? ''}|${name}`);
}

const localityMemo = withState(localityOf);

function localityOf(name: string, stateCode: string | null): string {
  const words = canonicalParts(name, stateCode).join(' ').split(' ');
  const out: string[] = [];
  for (const w of words) {
    if (AGENCY_KIND_WORDS.has(w)) break;
    out.push(w);
  }
  // "Quarryville Borough Police Department" serves Quarryville; in Virginia, "Hopewell County" is Hopewell too.
  const trailing = stateCode === 'VA' ? VA_PLACE_SUFFIXES : PLACE_SUFFIXES;
  while (out.length > 1 && trailing.has(out.at(-1)!)) out.pop();
  return out.join(' ');
}
