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
import { UserError } from '../../src/domain/user-error';

describe('matchState', () => {
  test('knows the 50 states, DC and five territories', () => {
    expect(STATES.filter((s) => !s.territory)).toHaveLength(51);
    expect(
      STATES.filter((s) => s.territory)
        .map((s) => s.code)
        .sort(),
    ).toEqual(['AS', 'GU', 'MP', 'PR', 'VI']);
  });

  test.each([
    ['TEXAS ', 'TX'],
    ['texas', 'TX'],
    ['tx', 'TX'],
    ['NEW HAMPSHIRE', 'NH'],
    ['GUAM', 'GU'],
    ['NORTHERN MARIANA ISLANDS', 'MP'],
    ['DISTRICT OF COLUMBIA', 'DC'],
    ['Washington, D.C.', 'DC'],
    ['N. Mariana Islands', 'MP'],
  ])('%j is exactly %s', (input, code) => {
    const m = matchState(input);
    expect(m.kind).toBe('exact');
    expect(m.kind === 'exact' && m.state.code).toBe(code);
  });

  test.each([
    ['TEXS', 'TX'],
    ['Massachusets', 'MA'],
    ['NEW HAMSHIRE', 'NH'],
    ['Pensylvania', 'PA'],
  ])('%j is a near miss for %s', (input, code) => {
    const m = matchState(input);
    expect(m.kind).toBe('near');
    expect(m.kind === 'near' && m.state.code).toBe(code);
  });

  test.each(['XX', 'Narnia', '', 'Virginia Beach Police'])('%j matches no state', (input) => expect(matchState(input).kind).toBe('none'));

  test('an ambiguous near miss is not guessed', () => {
    // "Dakota" is as near North Dakota as South Dakota: neither.
    expect(matchState('Dakota').kind).toBe('none');
  });
});

describe('command arguments', () => {
  test('states: names, codes, suggestions, and clear errors', () => {
    expect(parseStateArgument('Texas').code).toBe('TX');
    expect(() => parseStateArgument('Texs')).toThrow('Unknown state "Texs". Did you mean Texas?');
    expect(() => parseStateArgument('   ')).toThrow(UserError);
    expect(() => parseStateArgument('@everyone')).toThrow(/Unknown state "@everyone"/);
  });

  test('models and dates', () => {
    expect(parseModelArgument('tfm')).toBe('TFM');
    expect(parseModelArgument('Warrant Service Officer')).toBe('WSO');
    expect(() => parseModelArgument('ABC')).toThrow(UserError);
    expect(parseDateArgument('2025-01-20')).toBe('2025-01-20');
    expect(() => parseDateArgument('2025-02-30')).toThrow(/not a date/);
    expect(() => parseDateArgument('01/20/2025')).toThrow(/YYYY-MM-DD/);
  });
});

describe('several states in one argument', () => {
  const codes = (input: string) => {
    const r = parseStatesArgument(input);
    return r === 'all' ? r : r.map((s) => s.code);
  };
  test.each([
    ['tx ok', ['TX', 'OK']],
    ['TX,OK', ['TX', 'OK']],
    ['new york, tx', ['NY', 'TX']],
    ['New York New Jersey', ['NY', 'NJ']],
    ['west virginia virginia', ['WV', 'VA']],
    ['tx tx', ['TX']],
    ['ALL', 'all'],
  ])('%j is %j', (input, expected) => expect(codes(input)).toEqual(expected));

  test.each([
    ['tx texs', /Unknown state "texs"\. Did you mean Texas\?/],
    ['new yrok', /Did you mean New York\?/],
    ['tx narnia', /Unknown state "narnia"/],
    ['', /Name one or more states/],
  ])('%j is refused: %s', (input, message) => expect(() => parseStatesArgument(input)).toThrow(message));

  test('models, kinds and modes', () => {
    expect(parseModelsArgument('tfm,WSO tfm')).toEqual(['TFM', 'WSO']);
    expect(parseKindsArgument('agreements,ending')).toEqual(['agreements', 'endings']);
    expect(parseKindsArgument('facility totals')).toEqual(['facilities', 'totals']);
    expect(parseKindsArgument('Facilities, correction')).toEqual(['facilities', 'corrections']);
    expect(() => parseKindsArgument('everything')).toThrow(/Unknown kind "everything"/);
    expect(parseModeArgument('Daily')).toBe('daily');
    expect(() => parseModeArgument('hourly')).toThrow(/instant, daily or weekly/);
  });
});
