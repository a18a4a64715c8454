import { buildAgreementsChart } from '../../../src/domain/charts/agreements-chart';
import { summarizeAgreements, type NationalSummary, type StateSummary } from '../../../src/domain/agreements/state-summary';
import { buildDigestChart, buildStateMap, buildStateTrend, buildTotalsChart } from '../../../src/domain/charts/chart-series';
import { buildDigest } from '../../../src/domain/alerts/digest';
import { stateByCode } from '../../../src/domain/states';
import { agreementIdentity, type Agreement } from '../../../src/domain/types';

const row = (agency: string, model: string, signed: string | null, stateCode = 'TX'): Agreement => ({
  state: stateByCode(stateCode)!.name,
  stateCode,
  agency,
  agencyKey: agency.toLowerCase(),
  type: 'County',
  county: null,
  model,
  signed,
  moaUrl: null,
  addendumUrl: null,
});
const base = { title: 'Texas', state: 'Texas', asOf: '2025-04-15T21:00:00.000Z', source: 'ICE participating list, x.xlsx' };

describe('buildStateTrend', () => {
  test('counts each agreement from its SIGNED date to the as-of day, by model, at every month end', () => {
    const chart = buildStateTrend(base, [
      row('A', 'JEM', '2019-05-01'),
      row('B', 'TFM', '2025-02-10'),
      row('C', 'TFM', '2025-03-31'),
      row('D', 'WSO', '2025-04-02'),
    ]);
    expect(chart.asOf).toBe('2025-04-15');
    expect(chart.points.map((p) => [p.date, p.JEM, p.TFM, p.WSO, p.total])).toEqual([
      ['2024-12-31', 1, 0, 0, 1], // the trend starts at the end of 2024: older signings are the baseline
      ['2025-01-31', 1, 0, 0, 1],
      ['2025-02-28', 1, 1, 0, 2],
      ['2025-03-31', 1, 2, 0, 3],
      ['2025-04-15', 1, 2, 1, 4],
    ]);
  });

  test('an agreement that ended counts until its end; one renewed keeps the start the ledger first saw', () => {
    const renewed = row('R', 'WSO', '2025-04-01');
    const chart = buildStateTrend(
      base,
      [renewed],
      [{ model: 'JEM', signed: '2025-01-20', firstSeen: '2025-01-21T00:00:00Z', endedAt: '2025-03-05T10:00:00Z' }],
      new Map([[agreementIdentity(renewed), '2025-02-01T00:00:00Z']]),
    );
    expect(chart.points.map((p) => [p.date, p.JEM, p.WSO])).toEqual([
      ['2025-01-31', 1, 0],
      ['2025-02-28', 1, 1],
      ['2025-03-31', 0, 1],
      ['2025-04-15', 0, 1],
    ]);
  });

  test('the last point is exactly the current list, whatever the dates say (no date, a date after the as-of day, a misspelt model)', () => {
    const chart = buildStateTrend(base, [row('A', 'JEM', null), row('B', 'TFM', '2026-01-01'), row('C', 'Warrant Thing', '2025-02-01')]);
    const last = chart.points.at(-1)!;
    expect([last.JEM, last.TFM, last.WSO, last.other, last.total]).toEqual([1, 1, 0, 1, 3]);
    expect(chart.points.slice(0, -1).every((p) => p.total === p.other && p.JEM === 0)).toBe(true);
  });
});

describe('buildAgreementsChart', () => {
  const rows = [row('A', 'JEM', '2025-01-10'), row('B', 'TFM', '2025-02-10'), row('C', 'TFM', '2025-03-10', 'FL')];
  const meta = { fetchedAt: '2025-04-01T00:00:00Z', fileName: 'x.xlsx' };
  test("a state's chart ends at the text reply's numbers and uses only that state's ledger entries, filtered by model", () => {
    const s = summarizeAgreements(rows, null, stateByCode('TX')!, { model: 'TFM' }) as StateSummary;
    const ledger = {
      'TX|gone|TFM': { stateCode: 'TX', model: 'TFM', signed: '2025-01-02', firstSeen: '2025-01-03', endedAt: '2025-02-15' },
      'TX|gone jem|JEM': { stateCode: 'TX', model: 'JEM', signed: '2025-01-02', firstSeen: '2025-01-03', endedAt: '2025-02-15' },
      'FL|gone|TFM': { stateCode: 'FL', model: 'TFM', signed: '2025-01-02', firstSeen: '2025-01-03', endedAt: '2025-02-15' },
    };
    const chart = buildAgreementsChart(s, meta, ledger);
    if (chart.kind !== 'state-trend') throw new Error(chart.kind);
    expect(chart.title).toBe('Texas: active 287(g) agreements by model (TFM)');
    expect(chart.points.map((p) => [p.date, p.TFM, p.JEM])).toEqual([
      ['2025-01-31', 1, 0],
      ['2025-02-28', 1, 0],
      ['2025-03-31', 1, 0],
      ['2025-04-01', 1, 0],
    ]);
    expect(chart.points.at(-1)!.total).toBe(s.total);
  });

  test('`all` is the map of every state and territory, with 0 where ICE lists none', () => {
    const chart = buildAgreementsChart(summarizeAgreements(rows, null, 'all'), meta);
    if (chart.kind !== 'state-map') throw new Error(chart.kind);
    expect(chart.states).toHaveLength(56);
    expect(chart.states.find((s) => s.code === 'TX')!.total).toBe(2);
    expect(chart.states.find((s) => s.code === 'GU')).toEqual({ code: 'GU', name: 'Guam', territory: true, total: 0 });
    expect(chart.total).toBe(3);
  });
});

test('buildStateMap takes each state count from the national summary', () => {
  const national = summarizeAgreements([row('A', 'JEM', null, 'PR'), row('B', 'JEM', null, 'PR')], null, 'all') as NationalSummary;
  expect(buildStateMap({ title: 't', asOf: '2025-01-01', source: 's' }, national).states.find((s) => s.code === 'PR')!.total).toBe(2);
});

test('buildTotalsChart sorts releases by date and keeps the daily stretch ICE reported, gaps as null', () => {
  const chart = buildTotalsChart(
    { title: 't', asOf: '2026-01-25', source: 's' },
    [
      { asOf: '2026-01-25', detained: 70766 },
      { asOf: '2025-02-09', detained: 41169 },
    ],
    [
      { date: '2025-01-22', arrests: null, detainersLodged: null },
      { date: '2025-01-23', arrests: 538, detainersLodged: 373 },
      { date: '2025-01-24', arrests: null, detainersLodged: null },
      { date: '2025-01-25', arrests: 286, detainersLodged: 421 },
      { date: '2025-01-26', arrests: null, detainersLodged: null },
    ],
    2740,
  );
  expect(chart.detained).toEqual([
    { date: '2025-02-09', total: 41169 },
    { date: '2026-01-25', total: 70766 },
  ]);
  expect(chart.daily).toEqual([
    { date: '2025-01-23', arrests: 538 },
    { date: '2025-01-24', arrests: null },
    { date: '2025-01-25', arrests: 286 },
  ]);
  expect(
    buildTotalsChart(
      { title: 't', asOf: '2026-01-25', source: 's' },
      [],
      [{ date: '2025-01-22', arrests: null, detainersLodged: null }],
      2740,
    ).daily,
  ).toEqual([]);
});

test("buildDigestChart has each state's totals by model and what the period signed and ended", () => {
  const file = { fileName: 'x.xlsx', url: 'u', fetchedAt: '2025-10-17T20:00:00.000Z', sha256: 'h' };
  const ev = (type: 'agreement.signed' | 'agreement.ended', agency: string) =>
    ({ ...row(agency, 'TFM', '2025-10-01'), type, agencyType: 'County' }) as never;
  const alert = {
    id: 'a',
    source: 'participating' as const,
    state: 'Texas',
    stateCode: 'TX',
    title: 'x',
    file,
    events: [ev('agreement.signed', 'A'), ev('agreement.signed', 'B'), ev('agreement.ended', 'C')],
    totals: { total: 10, byModel: { JEM: 2, TFM: 5, WSO: 3, other: 0 }, pending: null },
  };
  const chart = buildDigestChart(buildDigest('weekly', '2025-W42', [alert]), 'ICE');
  expect(chart.asOf).toBe('2025-10-17');
  expect(chart.states).toEqual([{ state: 'Texas', total: 10, signed: 2, ended: 1, JEM: 2, TFM: 5, WSO: 3, other: 0 }]);
});
