import { matchState, type StateInfo } from './states';
import { KINDS, MODES, type Kind, type Mode } from './alerts/subscriptions';
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
  throw new UserError(
    `Unknown model "${cleanText(input)}". Use JEM (jail enforcement), TFM (task force) or WSO (warrant service officer).`,
  );
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

/**
 * Reads several states: "tx ok", "TX,OK", "new york, tx", "all". Multi-word names are
 * matched greedily, longest first. A near miss is an error with a suggestion, never a guess.
 */
export function parseStatesArgument(input: string): StateInfo[] | 'all' {
  const text = cleanText(input);
  if (!text) throw new UserError('Name one or more states ("tx ok", "TX,OK") or "all".');
  if (text.toLowerCase() === 'all') return 'all';
  const found: StateInfo[] = [];
  for (const part of text
    .split(/[,;]+/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const words = part.split(' ');
    let i = 0;
    while (i < words.length) {
      let taken = 0;
      for (let j = words.length; j > i && !taken; j--) {
        const match = matchState(words.slice(i, j).join(' '));
        if (match.kind === 'exact') {
          if (!found.includes(match.state)) found.push(match.state);
          taken = j - i;
        }
      }
      if (!taken) throw unknownStateError(words.slice(i));
      i += taken;
    }
  }
  return found;
}

/** Reads a list of models ("tfm,wso", "TFM WSO"). */
export function parseModelsArgument(input: string): Model[] {
  const models = cleanText(input)
    .split(/[,\s]+/)
    .filter(Boolean)
    .map(parseModelArgument);
  if (!models.length) throw new UserError('Name one or more models: JEM, TFM, WSO.');
  return [...new Set(models)];
}

/** Reads a list of kinds ("agreements,endings"). */
export function parseKindsArgument(input: string): Kind[] {
  const words = cleanText(input)
    .toLowerCase()
    .split(/[,\s]+/)
    .filter(Boolean);
  const kinds: Kind[] = [];
  for (const w of words) {
    // Singular or plural, as people type them: "ending", "endings", "facility", "facilities".
    const kind = KINDS.find((k) => k === w || `${k}s` === w || k === `${w}s` || k === w.replace(/y$/, 'ies'));
    if (!kind) throw new UserError(`Unknown kind "${w}". Use ${KINDS.join(', ')}.`);
    if (!kinds.includes(kind)) kinds.push(kind);
  }
  if (!kinds.length) throw new UserError(`Name one or more kinds: ${KINDS.join(', ')}.`);
  return kinds;
}

/** Reads a delivery mode: instant, daily or weekly. */
export function parseModeArgument(input: string): Mode {
  const word = cleanText(input).toLowerCase();
  const mode = MODES.find((m) => m === word);
  if (!mode) throw new UserError(`Unknown mode "${cleanText(input)}". Use instant, daily or weekly.`);
  return mode;
}

/** The most helpful error for words that start with no state: a suggestion for the whole rest, or for its first word. */
function unknownStateError(words: string[]): UserError {
  for (const candidate of [words.join(' '), words[0]]) {
    const match = matchState(candidate);
    if (match.kind === 'near') return new UserError(`Unknown state "${candidate}". Did you mean ${match.state.name}?`);
  }
  return new UserError(`Unknown state "${words[0]}". Use state names or USPS codes, like "tx ok" or "Texas, Oklahoma".`);
}
