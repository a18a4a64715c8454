import { describeJobFailure, OFFLINE_HINT } from '../../jobs/job-failure';
import { SourceFailingError } from '../../src/pipelines/guarded-poll';
import { SourceFetchError } from '../../src/sources/errors';

describe('describeJobFailure', () => {
  const offline = new SourceFetchError(
    'GET https://www.ice.gov/identify-and-arrest/287g failed: host not found (ENOTFOUND)',
    'https://www.ice.gov/identify-and-arrest/287g',
    'network',
  );
  const failing = (cause: unknown) =>
    new SourceFailingError(
      `${cause instanceof Error ? cause.message : String(cause)}. 1 failed poll in a row; next try after 2026-12-04 11:05 UTC`,
      { cause },
    );

  test('a first run offline: one "next try" (the back-off), no claim about stored data, and how to work offline', () => {
    const failure = describeJobFailure('poll-287g', '*/15 * * * *', failing(offline));
    expect(failure).toEqual({
      expected: true,
      text: `poll-287g: GET https://www.ice.gov/identify-and-arrest/287g failed: host not found (ENOTFOUND). 1 failed poll in a row; next try after 2026-12-04 11:05 UTC. ${OFFLINE_HINT}`,
    });
    expect(failure.text.match(/next try/g)).toHaveLength(1);
    expect(failure.text).not.toMatch(/stored data/);
  });

  test('the totals poll gathers its sources’ errors: a network failure among them still brings the hint', () => {
    const gathered = new AggregateError(
      [new Error('daily feed: bad CSV'), offline],
      'daily feed: bad CSV; detention statistics: GET … failed',
    );
    expect(describeJobFailure('poll-totals', '7 * * * *', failing(gathered)).text).toContain(OFFLINE_HINT);
  });

  test('a 500 or an HTML page is an expected failure without the offline hint', () => {
    const http = new SourceFetchError(
      'GET https://www.ice.gov/x answered 500 Internal Server Error',
      'https://www.ice.gov/x',
      'http-status',
      500,
    );
    expect(describeJobFailure('poll-287g', '*/15 * * * *', failing(http))).toEqual({
      expected: true,
      text: 'poll-287g: GET https://www.ice.gov/x answered 500 Internal Server Error. 1 failed poll in a row; next try after 2026-12-04 11:05 UTC.',
    });
  });

  test('anything else is unexpected (logged with its stack) and runs again at the next scheduled time', () => {
    expect(describeJobFailure('send-digests', '0 * * * *', new TypeError('x is undefined'))).toEqual({
      expected: false,
      text: 'send-digests failed: x is undefined. It runs again at its next scheduled time (0 * * * *).',
    });
  });
});
