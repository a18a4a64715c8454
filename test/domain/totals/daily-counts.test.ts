import { readFileSync } from 'node:fs';
import { describeDailyReport, mergeDailyHistory, MILLION_A_YEAR_PER_DAY, type DailyCount } from '../../../src/domain/totals/daily-counts';
import { parseDailyFeed } from '../../../src/sources/daily-feed';
import { detentionPath } from '../../helpers/fixtures';

const CSV = readFileSync(detentionPath('ice-x-daily-arrests-2025-01.csv'), 'utf8');
const TODAY = '2026-11-28';
const january = () => parseDailyFeed(CSV, { today: TODAY });
const day = (date: string, arrests: number | null, detainersLodged: number | null = null): DailyCount => ({
  date,
  arrests,
  detainersLodged,
});

describe('mergeDailyHistory', () => {
  it('reports a new day and a revised one, keeps gaps, and lets no blank erase a known count', () => {
    const history = [day('2025-01-26', 956, 554), day('2025-01-27', 1179, 853), day('2025-01-28', 969, 869), day('2025-01-29', null, null)];
    const incoming = [
      day('2025-01-27', 1179, 853),
      day('2025-01-28', 975, 869),
      day('2025-01-29', null, null),
      day('2025-01-30', null, null),
      day('2025-01-31', 864, 621),
    ];
    const merged = mergeDailyHistory(history, incoming);
    expect(merged.newDays).toEqual([day('2025-01-31', 864, 621)]);
    expect(merged.revised).toEqual([{ date: '2025-01-28', before: day('2025-01-28', 969, 869), after: day('2025-01-28', 975, 869) }]);
    expect(merged.days.map((d) => [d.date, d.arrests])).toEqual([
      ['2025-01-26', 956],
      ['2025-01-27', 1179],
      ['2025-01-28', 975],
      ['2025-01-29', null],
      ['2025-01-30', null],
      ['2025-01-31', 864],
    ]);

    const again = mergeDailyHistory(merged.days, [day('2025-01-29', 700), day('2025-01-31', null, null)]);
    expect(again.newDays).toEqual([day('2025-01-29', 700)]);
    expect(again.revised).toEqual([]);
    expect(again.days.find((d) => d.date === '2025-01-31')).toEqual(day('2025-01-31', 864, 621));
  });

  it('reports nothing when the feed repeats what is known', () => {
    const { days } = january();
    expect(mergeDailyHistory(days, days)).toEqual({ days, newDays: [], revised: [] });
    expect(mergeDailyHistory([], days).newDays).toHaveLength(7);
  });
});

describe('describeDailyReport on January 2025', () => {
  const { days } = january();

  it('flags 1,179 on 2025-01-27 as the record high, over 01-26', () => {
    const report = describeDailyReport(days, '2025-01-27')!;
    expect(report).toMatchObject({
      date: '2025-01-27',
      arrests: 1179,
      detainersLodged: 853,
      isRecordHigh: true,
      previousRecord: { date: '2025-01-26', arrests: 956 },
      pace: 'below',
    });
    expect(MILLION_A_YEAR_PER_DAY).toBe(2740);
    expect(report.paceShare).toBeCloseTo(0.43, 2);
  });

  it('called 01-26 (956) a record in its day, but not 01-28 (969), nor the first day ever', () => {
    expect(describeDailyReport(days, '2025-01-26')).toMatchObject({
      isRecordHigh: true,
      previousRecord: { date: '2025-01-24', arrests: 593 },
    });
    expect(describeDailyReport(days, '2025-01-28')).toMatchObject({
      isRecordHigh: false,
      previousRecord: { date: '2025-01-27', arrests: 1179 },
    });
    expect(describeDailyReport(days, '2025-01-23')).toMatchObject({
      isRecordHigh: false,
      previousRecord: null,
      sevenDayAverage: 538,
      daysInAverage: 1,
    });
    expect(describeDailyReport(days, '2025-01-31')).toMatchObject({ isRecordHigh: false });
  });

  it('averages 01-31 over the 5 reported days from 01-25 to 01-31, leaving the 01-29 and 01-30 gaps out', () => {
    const report = describeDailyReport(days, '2025-01-31')!;
    expect(report.averageDates).toEqual(['2025-01-25', '2025-01-26', '2025-01-27', '2025-01-28', '2025-01-31']);
    expect(report.daysInAverage).toBe(5);
    expect(report.sevenDayAverage).toBeCloseTo((286 + 956 + 1179 + 969 + 864) / 5, 10); // 850.8, not 607.7 with zeros
  });

  it('says above pace at 2,740 or more, and has no report for a gap or an unknown day', () => {
    expect(describeDailyReport([day('2025-02-01', 2740)], '2025-02-01')).toMatchObject({ pace: 'above', paceShare: 1 });
    expect(describeDailyReport(days, '2025-01-29')).toBeNull();
    expect(describeDailyReport(days, '2025-02-01')).toBeNull();
  });
});
