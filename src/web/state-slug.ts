import { parseStateArgument } from '../domain/arguments';
import { matchState, type StateInfo } from '../domain/states';
import { UserError } from '../domain/user-error';

/**
 * A state's path segment: its name in lower case, words joined by hyphens ("texas", "new-york",
 * "u-s-virgin-islands"). The state matcher folds it back to the state (letters only), so a slug is
 * also a valid argument anywhere a state name is: the feeds read the same slugs.
 */
export function stateSlug(state: StateInfo): string {
  return state.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * What `/states/<segment>` names, as chat arguments are read (src/domain/arguments.ts): the canonical
 * slug is served; a code or another spelling of the state ("tx", "Texas") moves permanently to the
 * slug, one URL per state to cite; a near miss ("texs") is a guess, so it moves for now (302) and
 * never as a permanent fact; anything else is unknown, with the message chat gives.
 */
export type StateLookup =
  | { kind: 'canonical'; state: StateInfo; slug: string }
  | { kind: 'redirect'; state: StateInfo; slug: string; permanent: boolean }
  | { kind: 'unknown'; message: string };

export function lookUpState(segment: string): StateLookup {
  const text = segment.replace(/[-_+]+/g, ' ').trim();
  const match = matchState(text);
  if (match.kind === 'none') return { kind: 'unknown', message: unknownMessage(text) };
  const slug = stateSlug(match.state);
  if (match.kind === 'near') return { kind: 'redirect', state: match.state, slug, permanent: false };
  return segment === slug
    ? { kind: 'canonical', state: match.state, slug }
    : { kind: 'redirect', state: match.state, slug, permanent: true };
}

function unknownMessage(text: string): string {
  try {
    parseStateArgument(text);
  } catch (err) {
    if (err instanceof UserError) return err.message;
    throw err;
  }
  return `Unknown state "${text}".`;
}
