/**
 * Finding a facility by name for /facility: every word typed must start a word of one of the
 * names ICE has used for it ("karnes" finds "KARNES COUNTY CORRECTIONAL CENTER"; "camp east"
 * finds the El Paso camp also listed as "DOD DETENTION FACILITY AT FORT BLISS"). Pure.
 */
import { trackFacilities, type FacilityRelease, type TrackedFacility } from './facility-history';
import { foldFacilityName } from './facility-match';

const wordsOf = (text: string) => foldFacilityName(text).split(' ').filter(Boolean);

/** Whether every word of the query starts a word of the name, or the query is the whole name. */
function nameMatches(name: string, query: string[]): boolean {
  const words = wordsOf(name);
  return query.every((q) => words.some((w) => w.startsWith(q)));
}

/** Facilities of `releases` any of whose names match `query`, the latest listed first, then the largest. */
export function searchFacilities(releases: readonly FacilityRelease[], query: string): TrackedFacility[] {
  const q = wordsOf(query);
  if (!q.length) return [];
  const { facilities } = trackFacilities(releases);
  return facilities
    .filter((f) => f.points.some((p) => nameMatches(p.row.name, q)))
    .sort((a, b) => {
      const la = a.points.at(-1)!;
      const lb = b.points.at(-1)!;
      return lb.asOf.localeCompare(la.asOf) || lb.row.adp - la.row.adp || la.row.name.localeCompare(lb.row.name);
    });
}
