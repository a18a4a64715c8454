/**
 * Property tests of the argument parsers (issue 7, robustness): whatever a user types,
 * each parser returns a value or throws a UserError with a message, never anything else;
 * and every spelling the SPEC promises (names and USPS codes in any case and spacing,
 * lists of them) reads back as what was meant.
 */
import fc from 'fast-check';
import {
  parseDateArgument,
  parseKindsArgument,
  parseModeArgument,
  parseModelArgument,
  parseModelsArgument,
  parseStateArgument,
  parseStatesArgument,
} from '../../src/domain/arguments';
import { matchState, STATES } from '../../src/domain/states';
import { KINDS, MODES } from '../../src/domain/alerts/subscriptions';
import { MODEL_NAMES, MODELS } from '../../src/domain/types';
import { UserError } from '../../src/domain/user-error';

const RUNS = 300;

/** Text a user could type: any unicode, plus words near the parsers' vocabulary so the interesting branches are reached. */
const vocabulary = fc.constantFrom(
  ...STATES.flatMap((s) => [s.code, s.name, s.name.toLowerCase()]),
  ...MODELS,
  ...Object.values(MODEL_NAMES),
  ...KINDS,
  ...MODES,
  'all',
  'texs',
  'Massachusets',
  'new',
  'york',
  'washington dc',
  'N/A',
  '2025-02-29',
  '2024-02-29',
  '0000-00-00',
  ',',
  ';',
  ' ',
  '\u00a0',
  '\u200b',
  '\t',
  '\n',
  '',
  'é',
  '🇺🇸',
  '\uD800',
);
const userText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(vocabulary, { maxLength: 6 }).map((words) => words.join(' ')),
  fc.array(fc.oneof(vocabulary, fc.string({ unit: 'grapheme-ascii', maxLength: 6 })), { maxLength: 6 }).map((w) => w.join('')),
);

/** Runs `parse` and classifies the outcome; anything but a value or a UserError with a message fails the property. */
function outcomeOf<T>(parse: () => T): { ok: T } | { userError: string } {
  try {
    return { ok: parse() };
  } catch (err) {
    if (err instanceof UserError && err.message.length > 0) return { userError: err.message };
    throw err;
  }
}

/** Random case and spacing of a spelling ("new york" -> "NeW   yOrK "). */
const respelled = (text: string) =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }),
      fc.constantFrom(' ', '  ', '\u00a0', ' \t'),
      fc.constantFrom('', ' ', '\u00a0'),
    )
    .map(
      ([upper, space, pad]) =>
        pad +
        [...text]
          .map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase()))
          .join('')
          .replace(/ /g, space) +
        pad,
    );

describe('argument parsers on any text', () => {
  test.each([
    ['parseStateArgument', parseStateArgument],
    ['parseStatesArgument', parseStatesArgument],
    ['parseModelArgument', parseModelArgument],
    ['parseModelsArgument', parseModelsArgument],
    ['parseDateArgument', parseDateArgument],
    ['parseKindsArgument', parseKindsArgument],
    ['parseModeArgument', parseModeArgument],
  ] as const)('%s returns a value or throws a UserError, for any string', (_name, parse) => {
    fc.assert(
      fc.property(userText, (text) => {
        outcomeOf(() => (parse as (s: string) => unknown)(text));
      }),
      { numRuns: RUNS },
    );
  });

  test('matchState never throws and never answers a state outside the table', () => {
    fc.assert(
      fc.property(userText, (text) => {
        const match = matchState(text);
        if (match.kind !== 'none') expect(STATES).toContain(match.state);
      }),
      { numRuns: RUNS },
    );
  });

  test('parseStateArgument: a near miss is never accepted silently; an accepted text names its state exactly', () => {
    fc.assert(
      fc.property(userText, (text) => {
        const outcome = outcomeOf(() => parseStateArgument(text));
        if ('ok' in outcome) expect(matchState(text)).toEqual({ kind: 'exact', state: outcome.ok });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('argument parsers on what users mean', () => {
  const state = fc.constantFrom(...STATES);

  test('every state reads back from its name or its code, in any case and spacing', () => {
    fc.assert(
      fc.property(
        state.chain((s) => fc.tuple(fc.constant(s), fc.oneof(respelled(s.name), respelled(s.code)))),
        ([s, typed]) => {
          expect(parseStateArgument(typed)).toBe(s);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a list of states, by name or code, separated by commas or semicolons, reads back as those states in order, once each', () => {
    const spelling = state.chain((s) => fc.tuple(fc.constant(s), fc.oneof(respelled(s.name), respelled(s.code))));
    fc.assert(
      fc.property(fc.array(spelling, { minLength: 1, maxLength: 6 }), fc.constantFrom(',', ', ', ';', ' ;', ',,'), (picked, sep) => {
        const typed = picked.map(([, t]) => t).join(sep);
        const expected = [...new Set(picked.map(([s]) => s))];
        expect(parseStatesArgument(typed)).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  test('a list of USPS codes separated by spaces reads back as those states', () => {
    fc.assert(
      fc.property(fc.array(state, { minLength: 1, maxLength: 8 }), fc.constantFrom(' ', '  ', '\u00a0'), (picked, sep) => {
        expect(parseStatesArgument(picked.map((s) => s.code).join(sep))).toEqual([...new Set(picked)]);
      }),
      { numRuns: RUNS },
    );
  });

  test('models, kinds and modes read back from their codes or names in any case', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MODELS).chain((m) => fc.tuple(fc.constant(m), fc.oneof(respelled(m), respelled(MODEL_NAMES[m])))),
        ([m, typed]) => {
          expect(parseModelArgument(typed)).toBe(m);
        },
      ),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...KINDS), { minLength: 1 }), (kinds) => {
        expect(parseKindsArgument(kinds.join(','))).toEqual(kinds);
      }),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...MODES).chain((m) => fc.tuple(fc.constant(m), respelled(m))),
        ([m, typed]) => {
          expect(parseModeArgument(typed)).toBe(m);
        },
      ),
      { numRuns: 50 },
    );
  });

  test('a date reads back exactly when the day exists; any other YYYY-MM-DD is a UserError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const real = m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
        const outcome = outcomeOf(() => parseDateArgument(text));
        expect(outcome).toEqual(real ? { ok: text } : { userError: expect.stringContaining('is not a date') });
      }),
      { numRuns: RUNS },
    );
  });
});
