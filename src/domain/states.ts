import { cleanText, editDistance } from './text';

/** A U.S. state, the District of Columbia or a territory. */
export interface StateInfo {
  code: string;
  name: string;
  territory: boolean;
}

const STATE_LIST: Array<[string, string]> = [
  ['AL', 'Alabama'],
  ['AK', 'Alaska'],
  ['AZ', 'Arizona'],
  ['AR', 'Arkansas'],
  ['CA', 'California'],
  ['CO', 'Colorado'],
  ['CT', 'Connecticut'],
  ['DE', 'Delaware'],
  ['FL', 'Florida'],
  ['GA', 'Georgia'],
  ['HI', 'Hawaii'],
  ['ID', 'Idaho'],
  ['IL', 'Illinois'],
  ['IN', 'Indiana'],
  ['IA', 'Iowa'],
  ['KS', 'Kansas'],
  ['KY', 'Kentucky'],
  ['LA', 'Louisiana'],
  ['ME', 'Maine'],
  ['MD', 'Maryland'],
  ['MA', 'Massachusetts'],
  ['MI', 'Michigan'],
  ['MN', 'Minnesota'],
  ['MS', 'Mississippi'],
  ['MO', 'Missouri'],
  ['MT', 'Montana'],
  ['NE', 'Nebraska'],
  ['NV', 'Nevada'],
  ['NH', 'New Hampshire'],
  ['NJ', 'New Jersey'],
  ['NM', 'New Mexico'],
  ['NY', 'New York'],
  ['NC', 'North Carolina'],
  ['ND', 'North Dakota'],
  ['OH', 'Ohio'],
  ['OK', 'Oklahoma'],
  ['OR', 'Oregon'],
  ['PA', 'Pennsylvania'],
  ['RI', 'Rhode Island'],
  ['SC', 'South Carolina'],
  ['SD', 'South Dakota'],
  ['TN', 'Tennessee'],
  ['TX', 'Texas'],
  ['UT', 'Utah'],
  ['VT', 'Vermont'],
  ['VA', 'Virginia'],
  ['WA', 'Washington'],
  ['WV', 'West Virginia'],
  ['WI', 'Wisconsin'],
  ['WY', 'Wyoming'],
  ['DC', 'District of Columbia'],
];
const TERRITORY_LIST: Array<[string, string]> = [
  ['PR', 'Puerto Rico'],
  ['GU', 'Guam'],
  ['VI', 'U.S. Virgin Islands'],
  ['AS', 'American Samoa'],
  ['MP', 'Northern Mariana Islands'],
];

export const STATES: readonly StateInfo[] = [
  ...STATE_LIST.map(([code, name]) => ({ code, name, territory: false })),
  ...TERRITORY_LIST.map(([code, name]) => ({ code, name, territory: true })),
];

/** Folds a state name for lookup: lower case, letters only ("N. Mariana Is." -> "nmarianais"). */
function foldState(value: string): string {
  return cleanText(value)
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

const ALIASES: Record<string, string> = {
  washingtondc: 'DC',
  dc: 'DC',
  districtofcolumbia: 'DC',
  virginislands: 'VI',
  usvirginislands: 'VI',
  unitedstatesvirginislands: 'VI',
  commonwealthofthenorthernmarianaislands: 'MP',
  cnmi: 'MP',
  marianaislands: 'MP',
  nmarianaislands: 'MP',
  commonwealthofpuertorico: 'PR',
};

const byFolded = new Map<string, StateInfo>();
const byCode = new Map<string, StateInfo>();
for (const s of STATES) {
  byFolded.set(foldState(s.name), s);
  byCode.set(s.code, s);
}
for (const [alias, code] of Object.entries(ALIASES)) byFolded.set(alias, byCode.get(code)!);

export function stateByCode(code: string): StateInfo | undefined {
  return byCode.get(code.toUpperCase());
}

/** Result of matching free text against the state table. */
export type StateMatch = { kind: 'exact'; state: StateInfo } | { kind: 'near'; state: StateInfo; distance: number } | { kind: 'none' };

/**
 * Matches a state name or USPS code, any case and spacing. A near miss ("TEXS",
 * "Massachusets") is returned as `near` so the caller can warn or suggest; it never
 * becomes a new state. Codes are only matched exactly (two letters are too short to guess).
 */
export function matchState(input: string): StateMatch {
  const raw = cleanText(input);
  if (/^[A-Za-z]{2}$/.test(raw)) {
    const s = byCode.get(raw.toUpperCase());
    return s ? { kind: 'exact', state: s } : { kind: 'none' };
  }
  const folded = foldState(raw);
  if (!folded) return { kind: 'none' };
  const exact = byFolded.get(folded);
  if (exact) return { kind: 'exact', state: exact };
  if (folded.length < 4) return { kind: 'none' };
  // One edit per five letters, at most three: "texs" (1), "massachusets" (1), "newhamshire" (1).
  const allowed = Math.min(3, Math.max(1, Math.floor(folded.length / 5)));
  let best: { state: StateInfo; distance: number } | null = null;
  let tie = false;
  for (const [name, state] of byFolded) {
    const d = editDistance(folded, name, allowed);
    if (d > allowed) continue;
    if (!best || d < best.distance) {
      best = { state, distance: d };
      tie = false;
    } else if (d === best.distance && best.state.code !== state.code) {
      tie = true;
    }
  }
  if (!best || tie) return { kind: 'none' };
  return { kind: 'near', state: best.state, distance: best.distance };
}
