import { matchState, type StateInfo } from './states';
import { cleanText } from './text';
import { MODELS, MODEL_NAMES, type Model } from './types';
import { UserError } from './user-error';

/**
 * Reads a state argument: a name or USPS code, any case. A near miss is not guessed
 * silently: the user gets "Unknown state "Texs". Did you mean Texas?".
 */
export function parseStateArgument(input: string): StateInfo {
  const text = cleanText(input);
  if (!text) throw new UserError('Name a state: a name like "texas" or a code like "TX".');
  const match = matchState(text);
  if (match.kind === 'exact') return match.state;
  if (match.kind === 'near') throw new UserError(`Unknown state "${text}". Did you mean ${match.state.name}?`);
  throw new UserError(`Unknown state "${text}". Use a state name or USPS code, like "texas" or "TX".`);
}

/** Reads a model argument: JEM, TFM, WSO or their full names, any case. */
export function parseModelArgument(input: string): Model {
  const text = cleanText(input).toUpperCase();
  const byCode = MODELS.find((m) => m === text);
  if (byCode) return byCode;
  const byName = MODELS.find((m) => MODEL_NAMES[m].toUpperCase() === text);
  if (byName) return byName;
  throw new UserError(`Unknown model "${cleanText(input)}". Use JEM (jail enforcement), TFM (task force) or WSO (warrant service officer).`);
}

/** Reads a date argument as YYYY-MM-DD and checks that the day exists. */
export function parseDateArgument(input: string): string {
  const text = cleanText(input);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
  if (!m || !date || date.toISOString().slice(0, 10) !== text) {
    throw new UserError(`"${text}" is not a date. Use YYYY-MM-DD, like 2025-01-20.`);
  }
  return text;
}
