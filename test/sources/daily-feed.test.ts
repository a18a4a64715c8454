import { readFileSync } from 'node:fs';
import type { DailyCount } from '../../src/domain/totals/daily-counts';
import { parseDailyFeed } from '../../src/sources/daily-feed';
import { detentionPath } from '../helpers/fixtures';

const CSV = readFileSync(detentionPath('ice-x-daily-arrests-2025-01.csv'), 'utf8');
const TODAY = '2026-11-28';
const january = () => parseDailyFeed(CSV, { today: TODAY });
const day = (date: string, arrests: number | null, detainersLodged: number | null = null): DailyCount => ({
  date,
  arrests,
  detainersLodged,
});

describe('parseDailyFeed on the real January 2025 series', () => {
  it('reads 9 days, 7 reported, with 01-29 and 01-30 kept as gaps, not zeros', () => {
    const { days, warnings } = january();
    expect(warnings).toEqual([]);
    expect(days).toHaveLength(9);
    expect(days.map((d) => d.date)).toEqual([
      '2025-01-23',
      '2025-01-24',
      '2025-01-25',
      '2025-01-26',
      '2025-01-27',
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-01-31',
    ]);
    expect(days.filter((d) => d.arrests !== null)).toHaveLength(7);
    expect(days.find((d) => d.date === '2025-01-29')).toEqual({
      date: '2025-01-29',
      arrests: null,
      detainersLodged: null,
      source: 'not found in the stored sources',
    });
    expect(days.find((d) => d.date === '2025-01-30')).toMatchObject({ arrests: null, detainersLodged: null });
    expect(days.find((d) => d.date === '2025-01-27')).toMatchObject({ arrests: 1179, detainersLodged: 853 });
    // The 7 reported days sum to 5,385; Behind the Border's 8,276 for the period includes the 2 unreported days.
    expect(days.reduce((sum, d) => sum + (d.arrests ?? 0), 0)).toBe(5385);
  });

  it('gives the same days from JSON as from CSV, as an array or as { days }', () => {
    const { days } = january();
    const objects = days.map((d) => ({ date: d.date, arrests: d.arrests, detainers_lodged: d.detainersLodged, source: d.source }));
    expect(parseDailyFeed(JSON.stringify(objects), { today: TODAY })).toEqual({ days, warnings: [] });
    expect(parseDailyFeed(JSON.stringify({ days: objects }), { today: TODAY, format: 'json' })).toEqual({ days, warnings: [] });
  });
});

describe('parseDailyFeed: bad rows are skipped with a warning, never turned into a day', () => {
  it('warns once each for a malformed row, a duplicate date, a future date and a negative count', () => {
    const feed = [
      'date,arrests,detainers_lodged',
      '2025-01-26,956,554',
      'not a row at all',
      '2025-01-27,1179,853',
      '2025-01-27,1180,853',
      '2025-02-03,900,500',
      '2025-01-28,-969,869',
      '2025-01-29,,',
    ].join('\n');
    const { days, warnings } = parseDailyFeed(feed, { today: '2025-02-01' });
    expect(days).toEqual([day('2025-01-26', 956, 554), day('2025-01-27', 1179, 853), day('2025-01-29', null, null)]);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatch(/^line 3: .*row skipped/);
    expect(warnings[1]).toMatch(/^line 5: 2025-01-27 appears twice and the two disagree .*1,179 arrests.*1,180 arrests.*kept the first/);
    expect(warnings[2]).toMatch(/^line 6: 2025-02-03 is in the future \(today is 2025-02-01\)/);
    expect(warnings[3]).toMatch(/^line 7 \(2025-01-28\): arrests "-969" is negative/);
  });

  it('says a duplicate agrees when it does, and refuses bad dates and fractional counts', () => {
    const feed = [
      'date,arrests',
      '2025-01-23,538',
      '2025-01-23,538',
      '2025-02-30,100',
      '01/24/2025,593',
      '2025-01-25,286.5',
      '2025-01-26,abc',
    ].join('\r\n');
    const { days, warnings } = parseDailyFeed(feed, { today: TODAY });
    expect(days).toEqual([day('2025-01-23', 538), day('2025-01-24', 593)]);
    expect(warnings).toEqual([
      expect.stringMatching(/^line 3: 2025-01-23 appears twice \(first at line 2, same counts\); kept the first/),
      expect.stringMatching(/^line 4: "2025-02-30" is not a date/),
      expect.stringMatching(/^line 6 \(2025-01-25\): arrests "286.5" is not a whole number/),
      expect.stringMatching(/^line 7 \(2025-01-26\): arrests "abc" is not a whole number/),
    ]);
  });

  it('finds columns by header name, ignores extra columns and reads quoted fields with commas', () => {
    const feed = [
      'Source,Detainers Lodged,Notes,Arrests,Date',
      '"ICE on X, via a news page","853","said ""record"", again","1,179",2025-01-27',
    ].join('\n');
    expect(parseDailyFeed(feed, { today: TODAY })).toEqual({
      days: [{ date: '2025-01-27', arrests: 1179, detainersLodged: 853, source: 'ICE on X, via a news page' }],
      warnings: [],
    });
  });

  it('refuses an unquoted thousands comma rather than reading 1 arrest', () => {
    const { days, warnings } = parseDailyFeed('date,arrests,detainers_lodged\n2025-01-27,1,179,853\n', { today: TODAY });
    expect(days).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/^line 2: 4 fields where the header has 3/)]);
  });

  it('warns, without crashing, on a feed with no header, broken JSON or JSON of the wrong shape', () => {
    for (const text of ['', '2025-01-27,1179\n', '[{"date": "2025-01-27", "arrests": 1179}', '{"count": 3}']) {
      const { days, warnings } = parseDailyFeed(text, { today: TODAY });
      expect(days).toEqual([]);
      expect(warnings).toHaveLength(1);
    }
  });

  it('skips bad JSON entries with a warning and keeps null counts as gaps', () => {
    const json = JSON.stringify([
      { date: '2025-01-31', arrests: 864, detainers_lodged: 621 },
      'nope',
      { date: '2025-01-30', arrests: null },
      { date: '2025-01-29', arrest: 5 },
      { date: '2025-01-28', arrests: 9.5 },
    ]);
    const { days, warnings } = parseDailyFeed(json, { today: TODAY });
    expect(days).toEqual([day('2025-01-30', null, null), day('2025-01-31', 864, 621)]);
    expect(warnings).toEqual([
      expect.stringMatching(/^entry 2: not an object/),
      expect.stringMatching(/^entry 4: no "arrests"/),
      expect.stringMatching(/^entry 5 \(2025-01-28\): arrests 9.5 is not a whole number/),
    ]);
  });
});
