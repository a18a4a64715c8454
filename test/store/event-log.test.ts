/**
 * The event log on every engine: recording is idempotent by the alert's id (a re-judged file after
 * a crash records the same ids), entries come newest first, per state or all, and a filter of kinds
 * and models both chooses the entries (in SQL, by their facets) and cuts each to the events asked for.
 */
import type { StateAlert } from '../../src/domain/alerts/alerts';
import type { TotalsAlert } from '../../src/domain/totals/totals-alerts';
import { createEventLog, type EventLog, type FeedFilter } from '../../src/store/event-log';
import { type DatabaseUnderTest, describeEachDatabase } from '../helpers/databases';
import { ev, floridaAlert } from '../helpers/alert-events';

const T1 = new Date('2025-06-03T21:05:00.000Z');
const T2 = new Date('2025-06-04T21:05:00.000Z');
const T3 = new Date('2025-06-05T21:05:00.000Z');

const all: FeedFilter = { stateCode: null, kinds: null, models: null };
const state = (stateCode: string, over: Partial<FeedFilter> = {}): FeedFilter => ({ ...all, stateCode, ...over });

/** A Florida alert of the first poll: one TFM signed, one JEM ended. */
const florida = floridaAlert([ev.signed('Okaloosa County Sheriff'), ev.ended('Walton County Jail', null, { model: 'JEM' })]);
/** A Texas alert of the next poll, with a date correction (WSO) and a new pending request. */
const texas: StateAlert = {
  ...floridaAlert([
    ev.corrected("Jim Wells County Sheriff's Office", '2025-02-27', 'same-document', { state: 'Texas', stateCode: 'TX', model: 'WSO' }),
    ev.pendingAdded('Harris County', { state: 'Texas', stateCode: 'TX', model: 'JEM' }),
  ]),
  id: 'participating:def456:TX',
  state: 'Texas',
  stateCode: 'TX',
  title: 'Texas changes',
};
const daily: TotalsAlert = {
  id: 'daily:2025-06-05',
  kind: 'daily.reported',
  fetchedAt: '2025-06-05T21:00:00.000Z',
  report: {
    date: '2025-06-04',
    arrests: 1500,
    detainersLodged: null,
    isRecordHigh: false,
    previousRecord: null,
    sevenDayAverage: null,
    daysInAverage: 1,
    averageDates: ['2025-06-04'],
    paceShare: 0.55,
    pace: 'below',
  },
};

const ids = (entries: Array<{ id: string }>) => entries.map((e) => e.id);
const eventTypes = (entry: { alert: unknown }) => (entry.alert as StateAlert).events.map((e) => e.type);

describeEachDatabase()('event log on %s', (_name, engine) => {
  let db: DatabaseUnderTest;
  let log: EventLog;
  beforeEach(async () => {
    db = await engine();
    log = createEventLog(db.db);
    expect(await log.record([florida], T1)).toBe(1);
    expect(await log.record([texas], T2)).toBe(1);
    expect(await log.record([daily], T3)).toBe(1);
  });
  afterEach(() => db.cleanup());

  test('recording the same ids again (a re-judged file) keeps the first record: same count, same time, same payload', async () => {
    const before = await log.lastChange(all);
    const later = new Date('2025-07-01T00:00:00.000Z');
    expect(await log.record([{ ...florida, title: 'changed' }, texas, daily], later)).toBe(0);
    expect(await log.lastChange(all)).toEqual(before);
    const [entry] = await log.latest(state('FL'), 10);
    expect(entry).toMatchObject({ id: florida.id, publishedAt: T1.toISOString(), alert: { title: florida.title } });
  });

  test('a second connection (another instance) recording the same alerts at once records each once', async () => {
    const second = db.second();
    if (!second) return; // SQLite in memory has no second connection
    const other = createEventLog(second);
    const fresh = { ...florida, id: 'participating:zzz:FL' };
    const counts = await Promise.all([log.record([fresh], T3), other.record([fresh], T3)]);
    expect(counts.sort()).toEqual([0, 1]);
    expect((await log.lastChange(state('FL'))).count).toBe(2);
  });

  test('all: every entry, newest first, with its publication; a state: only its own', async () => {
    const entries = await log.latest(all, 10);
    expect(ids(entries)).toEqual([daily.id, texas.id, florida.id]);
    expect(entries[2]).toEqual({
      id: florida.id,
      stateCode: 'FL',
      publishedAt: T1.toISOString(),
      publication: {
        fileName: florida.file.fileName,
        url: florida.file.url,
        sha256: florida.file.sha256,
        fetchedAt: florida.file.fetchedAt,
      },
      alert: florida,
    });
    expect(entries[0]).toMatchObject({ stateCode: null, alert: daily, publication: { fetchedAt: daily.fetchedAt, fileName: null } });
    expect(ids(await log.latest(state('TX'), 10))).toEqual([texas.id]);
    expect(ids(await log.latest(state('OK'), 10))).toEqual([]);
    expect(ids(await log.latest(all, 2))).toEqual([daily.id, texas.id]);
  });

  test('one publication\'s alerts keep their order (states alphabetical) under "newest first"', async () => {
    const a = { ...florida, id: 'participating:p3:AL', stateCode: 'AL', state: 'Alabama' };
    const b = { ...florida, id: 'participating:p3:GA', stateCode: 'GA', state: 'Georgia' };
    await log.record([a, b], new Date('2025-06-06T00:00:00.000Z'));
    expect(ids(await log.latest(all, 2))).toEqual([b.id, a.id]);
  });

  test('a kinds filter keeps the entries with events of those kinds, each cut to them, titled anew', async () => {
    const endings = await log.latest({ ...all, kinds: ['endings'] }, 10);
    expect(ids(endings)).toEqual([florida.id]);
    expect(eventTypes(endings[0])).toEqual(['agreement.ended']);
    expect((endings[0].alert as StateAlert).title).toBe("287(g) agreement in Florida: 1 no longer on ICE's list");
    expect(ids(await log.latest({ ...all, kinds: ['corrections', 'totals'] }, 10))).toEqual([daily.id, texas.id]);
    expect(ids(await log.latest(state('TX', { kinds: ['agreements'] }), 10))).toEqual([]);
  });

  test('a models filter keeps events of those models (and events without one), as a channel of those models gets them', async () => {
    const tfm = await log.latest({ ...all, models: ['TFM'] }, 10);
    // The daily count has no model: a channel following TFM with totals gets it.
    expect(ids(tfm)).toEqual([daily.id, florida.id]);
    expect(eventTypes(tfm[1])).toEqual(['agreement.signed']);
    const both = await log.latest({ ...all, kinds: ['endings', 'pending'], models: ['JEM'] }, 10);
    expect(ids(both)).toEqual([texas.id, florida.id]);
    expect(eventTypes(both[0])).toEqual(['pending.added']);
    expect(eventTypes(both[1])).toEqual(['agreement.ended']);
  });

  test('a model cell ICE printed as none of the three, however long, and a long unmatched state are recorded, and no model filter takes that model', async () => {
    const odd = 'Task Force Model / Jail Enforcement Model (pending review by the field office)';
    const oddState = 'Commonwealth of the Northern Mariana Islands (per the field office in Saipan, Guam and the CNMI)';
    const alert: StateAlert = {
      ...floridaAlert([ev.signed('Saipan Police', { model: odd, state: oddState, stateCode: null })]),
      id: `participating:0dd:${oddState}`,
      state: oddState,
      stateCode: null,
    };
    expect(await log.record([alert], T3)).toBe(1);
    const [entry] = await log.latest(state(oddState), 10);
    expect((entry!.alert as StateAlert).events[0]).toMatchObject({ model: odd });
    expect(ids(await log.latest({ ...all, models: ['TFM', 'JEM', 'WSO'], kinds: ['agreements'] }, 10))).not.toContain(alert.id);
    expect(ids(await log.latest({ ...all, kinds: ['agreements'] }, 10))).toContain(alert.id);
  });

  test("lastChange counts the filter's part and dates its newest entry", async () => {
    expect(await log.lastChange(all)).toEqual({ count: 3, lastPublishedAt: T3.toISOString() });
    expect(await log.lastChange(state('FL'))).toEqual({ count: 1, lastPublishedAt: T1.toISOString() });
    expect(await log.lastChange(state('FL', { kinds: ['pending'] }))).toEqual({ count: 0, lastPublishedAt: null });
    expect(await log.lastChange({ ...all, kinds: ['corrections'], models: ['WSO'] })).toEqual({
      count: 1,
      lastPublishedAt: T2.toISOString(),
    });
  });
});
