import type { CommandOption } from '../../../commands/command';
import { matchState, STATES, type StateInfo } from '../../domain/states';

/** Discord shows at most 25 autocomplete choices. */
export const MAX_AUTOCOMPLETE_CHOICES = 25;

/** One autocomplete suggestion: what Discord shows, and the value the command receives. */
export interface AutocompleteChoice {
  name: string;
  value: string;
}

const ALL_STATES: AutocompleteChoice = { name: 'All states', value: 'all' };
const BY_NAME = [...STATES].sort((a, b) => a.name.localeCompare(b.name));

const fold = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z ]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
const choiceOf = (s: StateInfo): AutocompleteChoice => ({ name: `${s.name} (${s.code})`, value: s.code });

/** Whether a `state` option also takes "all": its description offers it (`A state name or code, or "all"`). */
export function optionTakesAll(option: CommandOption): boolean {
  return /\ball\b/i.test(option.description);
}

/**
 * States for what the user has typed so far: the USPS code or a name prefix first ("tex",
 * "tx"), then names containing it ("carolina"), then a near miss ("texs" -> Texas), at most
 * 25, alphabetical within each group. "All states" leads when the option takes it and the
 * text could be the start of "all".
 */
export function suggestStates(typed: string, includeAll: boolean): AutocompleteChoice[] {
  const q = fold(typed);
  const out: AutocompleteChoice[] = [];
  if (includeAll && (q === '' || 'all states'.startsWith(q))) out.push(ALL_STATES);
  const seen = new Set<string>();
  const add = (s: StateInfo) => {
    if (seen.has(s.code)) return;
    seen.add(s.code);
    out.push(choiceOf(s));
  };
  const code = q.replace(/ /g, '').toUpperCase();
  if (q.length <= 2 && code) BY_NAME.filter((s) => s.code === code).forEach(add);
  for (const s of BY_NAME) if (fold(s.name).startsWith(q) || (code.length <= 2 && code && s.code.startsWith(code))) add(s);
  for (const s of BY_NAME) if (q && fold(s.name).includes(q)) add(s);
  if (seen.size === 0 && q) {
    const near = matchState(typed);
    if (near.kind !== 'none') add(near.state);
  }
  return out.slice(0, MAX_AUTOCOMPLETE_CHOICES);
}
