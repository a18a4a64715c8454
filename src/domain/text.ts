/** Small pure text helpers shared by normalization, diffing and argument parsing. */

/** Replaces NBSP and other odd spaces by a plain space, collapses runs, trims. */
export function cleanText(value: string): string {
  return value.replace(/[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+/g, ' ').trim();
}

/**
 * Unicode's bidirectional controls: the Arabic letter mark, the left-to-right and right-to-left
 * marks, the embeddings and overrides (U+202A-U+202E) and the isolates (U+2066-U+2069). In
 * untrusted text one right-to-left override (U+202E) reverses the rest of the line it lands in,
 * the alert's own words included ("Tampa PD\u202E · signed 2025" shows "5202 dengis · DP apmaT").
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` without bidirectional controls (see BIDI_CONTROLS): what every renderer does to untrusted text. */
export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/** Anything cleanText would change: odd or doubled spaces, or any non-ASCII character. */
const NEEDS_CLEAN = /[^\x21-\x7e ]| {2}|^ | $/;

/** cleanText, skipping the replace for the common already-clean value (it runs on every cell). */
export function tidy(value: string): string {
  return NEEDS_CLEAN.test(value) ? cleanText(value) : value;
}

/**
 * Edit distance counting an insertion, a deletion, a substitution or a swap of two
 * neighbouring letters as one edit ("yrok" -> "york" is one typo, not two), with an early
 * exit once `max` is exceeded (then returns max + 1).
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = new Array<number>(b.length + 1);
  let curr = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  let prevMin = 0;
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    let rowMin = curr[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j] + 1, curr[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        d = Math.min(d, before[j - 2] + 1);
      }
      curr[j] = d;
      if (d < rowMin) rowMin = d;
    }
    // A swap reaches back two rows, so stop only when two rows in a row are past the limit.
    if (rowMin > max && prevMin > max) return max + 1;
    prevMin = rowMin;
    [before, prev, curr] = [prev, curr, before];
  }
  return Math.min(prev[b.length], max + 1);
}

/** Title Case for shouted spreadsheet values ("NEW HAMPSHIRE" -> "New Hampshire"). */
export function titleCase(value: string): string {
  return value.toLowerCase().replace(/(^|[\s\-/(])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/** An ISO timestamp to the minute, as alerts and replies show it: "2025-10-17 12:00 UTC". */
export function formatUtcMinute(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

const PLURAL_RULES = new Intl.PluralRules('en-US');

/**
 * A count with its noun in the right number: `plural(1, 'state')` is "1 state",
 * `plural(2, 'state')` "2 states", `plural(3, 'poll', 'polls in a row')`... The one
 * helper every message uses, so that no reply says "1 states" or "over 1 releases".
 */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${PLURAL_RULES.select(count) === 'one' ? one : many}`;
}

/**
 * Remembers a pure function of a string: every poll folds the same ~2,500 names and links
 * again. Cleared when full (a synthetic 100,000-row diff fits; a bot running for years
 * meets new names slowly).
 */
export function remember<T>(fn: (text: string) => T, limit = 250_000): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    let v = cache.get(text);
    if (v === undefined && !cache.has(text)) {
      if (cache.size >= limit) cache.clear();
      cache.set(text, (v = fn(text)));
    }
    return v as T;
  };
}
