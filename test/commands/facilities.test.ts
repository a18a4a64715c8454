import { readFileSync } from 'node:fs';
import agreements from '../../commands/agreements';
import facilities from '../../commands/facilities';
import facility from '../../commands/facility';
import subscribe from '../../commands/subscribe';
import totals from '../../commands/totals';
import unsubscribe from '../../commands/unsubscribe';
import type { CommandContext } from '../../commands/command';
import { planFacilityDeliveries } from '../../src/domain/alerts/delivery-plan';
import type { Subscription } from '../../src/domain/alerts/subscriptions';
import { DEFAULT_FACILITY_SETTINGS } from '../../src/domain/facilities/facility-events';
import { lineText, type Reply } from '../../src/messages/reply';
import { totalsAlertToReply } from '../../src/messages/totals-message';
import { facilityAlertsOf } from '../../src/pipelines/poll-totals';
import { parseDetentionWorkbook } from '../../src/sources/detention-workbook';
import { cli } from '../helpers/cli';
import { memoryStores } from '../helpers/stores';
import { commandWorld, type CommandWorld } from '../helpers/command-context';
import { adpByState, facilitiesFromCells } from '../helpers/facility-cells';
import { detentionPath } from '../helpers/fixtures';

const JAN = '2026-01-09_FY26_detentionStats01082026.xlsx';
const FEB = '2026-02-03_FY26_detentionStats02022026.xlsx';
const whole = (x: number) => Math.round(x).toLocaleString('en-US');

/** Every line of a reply as plain text, for content assertions. */
function textOf(reply: Reply): string {
  return reply.blocks
    .flatMap((b) =>
      b.kind === 'text'
        ? b.lines.map(lineText)
        : b.kind === 'list'
          ? [b.heading ?? '', ...b.items.map(lineText)]
          : b.fields.map((f) => `${f.name}: ${lineText(f.value)}`),
    )
    .join('\n');
}

let world: CommandWorld;
let ctx: () => CommandContext;
let txCount: number;
let txAdp: number;
beforeAll(async () => {
  world = await commandWorld();
  const store = memoryStores().totals;
  for (const [file, at] of [
    [JAN, '2026-01-09T12:00:00.000Z'],
    [FEB, '2026-02-03T12:00:00.000Z'],
  ]) {
    const release = await parseDetentionWorkbook(readFileSync(detentionPath(file)));
    await store.addRelease({ release, fileName: file, sha256: file, url: `file://${file}`, fetchedAt: at });
  }
  ctx = () => {
    const base = world.ctx();
    return { ...base, services: { ...base.services, totals: store } };
  };
  const cells = (await facilitiesFromCells(FEB)).filter((c) => c.state === 'TX');
  txCount = cells.length;
  txAdp = adpByState(cells).get('TX')!;
});
afterAll(() => world.close());

describe('/facilities <state>', () => {
  test('Texas: title with the count and ADP computed from the sheet, each facility with type and change, 287(g) beside it, what ADP is, a chart', async () => {
    const reply = await facilities.run(ctx(), { state: 'texas' });
    expect(reply.title).toBe(`Texas: ${txCount} detention facilities, ADP ${whole(txAdp)}, as of 2026-01-25`);
    const text = textOf(reply);
    const page2 = textOf(await facilities.run(ctx(), { state: 'texas', page: '2' }));
    expect(`${text}\n${page2}`).toMatch(/VAL VERDE CORRECTIONAL FACILITY, DEL RIO · \S.* · AOR \S+ · ADP [\d,]+ \(new in this release\)/);
    // A facility in both releases shows its change (same fiscal year).
    expect(text).toMatch(/ERO EL PASO CAMP EAST MONTANA, EL PASO · CDF · AOR ELP · ADP [\d,]+ \([+−±][\d,]+\)/);
    expect(text).toContain("ADP is ICE's fiscal-year-to-date average daily population");
    expect(text).toMatch(/Total ADP: [\d,]+, [+−][\d,]+ \([+−]\d+\.\d%\) since 2026-01-07/);
    const agreementsTx = (await agreements.run(ctx(), { state: 'texas' })).title.match(/: (\d+) active/)![1];
    expect(text).toContain(`Active 287(g) agreements: ${agreementsTx}`);
    expect(reply.paging).toEqual({ command: 'facilities', args: { state: 'TX' }, page: 1, pages: Math.ceil(txCount / 15) });
    expect(reply.chart).toMatchObject({ kind: 'state-adp', state: 'Texas', asOf: '2026-01-25' });
    if (reply.chart?.kind !== 'state-adp') throw new Error('no chart');
    expect(reply.chart.points.map((p) => p.date)).toEqual(['2026-01-07', '2026-01-25']);
    expect(reply.chart.points[1]).toEqual({ date: '2026-01-25', fiscalYear: 2026, adp: Math.round(txAdp), facilities: txCount });
  });

  test('a state ICE lists no facility in still answers; a typo gets a suggestion', async () => {
    const vt = await facilities.run(ctx(), { state: 'VT' });
    expect(vt.title).toMatch(/^Vermont: \d+ detention facilit/);
    await expect(facilities.run(ctx(), { state: 'Texs' })).rejects.toThrow('Did you mean Texas?');
  });

  test('/totals tx adds the state’s detention to the national figures; /agreements texas mentions it', async () => {
    const t = textOf(await totals.run(ctx(), { state: 'tx' }));
    expect(t).toContain(`Texas: Detention (ICE facility list as of 2026-01-25): ${txCount} facilities · ADP ${whole(txAdp)}`);
    const a = textOf(await agreements.run(ctx(), { state: 'texas' }));
    expect(a).toContain(`Detention (ICE facility list as of 2026-01-25): ${txCount} facilities · ADP ${whole(txAdp)}`);
  });
});

describe('/facility <name>', () => {
  test('one facility across releases, with the names ICE used (Cambria County, PA)', async () => {
    const reply = await facility.run(ctx(), { name: 'cambria' });
    expect(reply.title).toBe('CAMBRIA COUNTY PRISON, EBENSBURG, PA: 2 of 2 releases');
    const text = textOf(reply);
    expect(text).toContain('Names ICE has used: CAMBRIA COUNTY JAIL, PA → CAMBRIA COUNTY PRISON');
    expect(text).toMatch(/2026-01-07 \(FY2026\): ADP [\d,]+ · \S+ · listed as CAMBRIA COUNTY JAIL, PA/);
  });

  test('Discord autocomplete suggests facilities by the words typed', async () => {
    const choices = await facility.suggest(ctx().services, 'name', 'karnes');
    expect(choices.map((c) => c.name)).toContain('KARNES COUNTY IMMIGRATION PROCESSING CENTER, KARNES CITY, TX');
    expect(choices.length).toBeLessThanOrEqual(25);
  });

  test('no match is the asker’s mistake, said plainly', async () => {
    await expect(facility.run(ctx(), { name: 'zzzz nowhere' })).rejects.toThrow('No facility in ICE\'s lists matches "zzzz nowhere".');
  });
});

describe('facility alerts', () => {
  test("Pennsylvania's alert of 2026-01-25 reports the Cambria rename once, with the state's figures and what ADP is", async () => {
    const [jan, feb] = await Promise.all([JAN, FEB].map((f) => parseDetentionWorkbook(readFileSync(detentionPath(f)))));
    const alerts = facilityAlertsOf(
      [jan],
      feb,
      { fileName: FEB, sha256: 'ab'.repeat(32), fetchedAt: '2026-02-03T12:00:00.000Z' },
      DEFAULT_FACILITY_SETTINGS,
    );
    const pa = alerts.find((a) => a.stateCode === 'PA')!;
    expect(pa.id).toBe(`facilities:2026-01-25:${'ab'.repeat(8)}:PA`);
    const reply = totalsAlertToReply(pa);
    expect(reply.title).toMatch(/^Pennsylvania detention: .*1 renamed/);
    const text = textOf(reply);
    expect(text).toContain(
      'Renamed by ICE (same facility: not new, not closed)\nCAMBRIA COUNTY JAIL, PA → CAMBRIA COUNTY PRISON, EBENSBURG · same address (425 MANOR DRIVE)',
    );
    expect(text.match(/CAMBRIA/g)).toHaveLength(2);
    expect(text).toContain("ADP is ICE's fiscal-year-to-date average daily population");
    expect(reply.footer).toBe(`Source: ICE detention statistics, ${FEB}, fetched 2026-02-03 12:00 UTC`);
  });

  test('planned for the channels following the state with `facilities`, not the others, not paused ones', () => {
    const sub = (key: string, states: Subscription['states'], kinds: Subscription['kinds'], paused = false): Subscription => ({
      key,
      platform: 'slack',
      workspaceId: 'T',
      channelId: key,
      channelName: null,
      states,
      kinds,
      models: null,
      mode: 'daily',
      createdBy: { id: 'u', name: 'u' },
      createdAt: '2026-01-01T00:00:00Z',
      updatedBy: { id: 'u', name: 'u' },
      updatedAt: '2026-01-01T00:00:00Z',
      paused: paused ? { reason: 'gone', since: '2026-01-02T00:00:00Z' } : null,
    });
    const subs = [
      sub('tx-fac', ['TX'], ['agreements', 'facilities']),
      sub('tx-287g', ['TX'], ['agreements', 'totals']),
      sub('all-fac', 'all', ['totals', 'facilities']),
      sub('tx-paused', ['TX'], ['facilities'], true),
    ];
    const alert = { id: 'facilities:2026-01-25:x:TX', stateCode: 'TX' } as Parameters<typeof planFacilityDeliveries>[0][number];
    const planned = planFacilityDeliveries([alert], () => subs);
    expect(planned.map((p) => [p.id, p.subscriptionKey, p.totals === alert])).toEqual([
      ['facilities:2026-01-25:x:TX:tx-fac', 'tx-fac', true],
      ['facilities:2026-01-25:x:TX:all-fac', 'all-fac', true],
    ]);
  });
});

describe('the facilities subscription kind', () => {
  test('/subscribe totals turns facilities on with totals; /unsubscribe totals ends both; a state subscription alone does not', async () => {
    const c = () => world.ctx({ channelId: 'C-FAC' });
    await subscribe.run(c(), { states: 'tx' });
    const key = 'discord:G1:C-FAC';
    expect((await world.subscriptions.get(key))!.kinds).toEqual(['agreements', 'endings', 'pending']);
    await subscribe.run(c(), { states: 'totals' });
    expect((await world.subscriptions.get(key))!.kinds).toEqual(['agreements', 'endings', 'pending', 'totals', 'facilities']);
    await unsubscribe.run(c(), { what: 'totals' });
    expect((await world.subscriptions.get(key))!.kinds).toEqual(['agreements', 'endings', 'pending']);
    await subscribe.run(c(), { states: 'tx', kinds: 'agreements,facilities' });
    expect((await world.subscriptions.get(key))!.kinds).toEqual(['agreements', 'facilities']);
  });
});

describe('ice-watch facilities <state> --file F --json', () => {
  test('prints the SPEC shape, with the count and ADP the sheet’s cells give', async () => {
    const run = await cli('facilities', 'texas', '--file', detentionPath(FEB), '--json');
    expect(run.code).toBe(0);
    const json = run.json();
    expect(json).toMatchObject({ state: 'Texas', stateCode: 'TX', asOf: '2026-01-25', fiscalYear: 2026, total: { facilities: txCount } });
    expect(json.total.adp).toBeCloseTo(txAdp, 3);
    expect(json.facilities).toHaveLength(txCount);
    for (const f of json.facilities) {
      expect(f).toEqual(
        expect.objectContaining({
          name: expect.any(String),
          city: expect.any(String),
          state: 'TX',
          aor: expect.any(String),
          type: expect.any(String),
          adp: expect.any(Number),
        }),
      );
      expect(f.zip).toMatch(/^\d{5}$/);
    }
    const adps = json.facilities.map((f: { adp: number }) => f.adp);
    expect(adps).toEqual([...adps].sort((a, b) => b - a));
  });
});
