/**
 * ENDING_CONFIRM_HOURS: an ending waits; when ICE publishes nothing new for that long, the same file,
 * polled again, announces it. That alert must reach the channels and the event log even when the
 * file's first alert already went to the same state (alert ids dedupe deliveries and log entries).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { DEFAULT_GUARDS } from '../../src/domain/agreements/guards';
import { createAlertRouter } from '../../src/delivery/alert-router';
import { createLogger } from '../../src/logging/logger';
import { createIngest287g } from '../../src/pipelines/ingest-287g';
import { openStores, type Stores } from '../../src/store/open-stores';
import { fixturePath, metaFor } from '../helpers/fixtures';
import { subscriptionOf } from '../helpers/subscriptions';

const LIST = 'participatingAgencies10162025pm.xlsx';
const HOUR = 3_600_000;
const T0 = Date.parse('2025-10-17T00:00:00.000Z');

/** The real list without the data row at `row` (2 is the first data row; the list starts with Alabama). */
async function listWithout(row: number, target: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(fixturePath(LIST));
  workbook.worksheets[0]!.spliceRows(row, 1);
  await workbook.xlsx.writeFile(target);
  return readFileSync(target);
}

describe('endings confirmed by time on a file already judged', () => {
  let dir: string;
  let stores: Stores;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ice-watch-confirm-'));
    stores = openStores({ url: 'memory://' });
  });
  afterEach(async () => {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("reach the channels and the event log, though the file's first alert went to the same state", async () => {
    await stores.subscriptions.put(subscriptionOf('discord', 'G1', '1400', { states: 'all', kinds: ['agreements', 'endings', 'pending'] }));
    const router = createAlertRouter(stores);
    let clock = T0;
    const ingest = createIngest287g({
      snapshots: stores.snapshots,
      guards: { ...DEFAULT_GUARDS, endingConfirmMs: 24 * HOUR },
      logger: createLogger('silent'),
      now: () => new Date(clock),
      route: async (alerts, at) => void (await router.route(alerts, at)),
    });
    const publish = (bytes: Buffer, name: string) =>
      ingest.ingest('participating', bytes, metaFor(name, bytes, new Date(clock).toISOString()));

    // The baseline lacks Alabama's first row; the next list has it back (a signing) and lacks the second (an ending, which waits).
    expect((await publish(await listWithout(2, join(dir, 'a.xlsx')), 'a.xlsx')).verdict).toBe('baseline');
    clock += HOUR;
    const next = await listWithout(3, join(dir, 'b.xlsx'));
    const first = await publish(next, 'b.xlsx');
    const alabama = first.alerts.filter((a) => a.stateCode === 'AL');
    expect(alabama.flatMap((a) => a.events.map((e) => e.type))).toEqual(['agreement.signed']);

    // A day later ICE has published nothing new: the same file, polled again, confirms the ending.
    clock += 25 * HOUR;
    const confirmed = await publish(next, 'b.xlsx');
    expect(confirmed.alerts.flatMap((a) => a.events.map((e) => `${e.stateCode} ${e.type}`))).toEqual(['AL agreement.ended']);
    expect(confirmed.alerts[0]!.id).not.toBe(alabama[0]!.id);

    const due = await stores.outbox.due(new Date(clock + HOUR), 50);
    expect(due.filter((d) => d.delivery.alert?.stateCode === 'AL').map((d) => d.delivery.alert!.events.map((e) => e.type))).toEqual([
      ['agreement.signed'],
      ['agreement.ended'],
    ]);
    const logged = await stores.events.latest({ stateCode: 'AL', kinds: null, models: null }, 10);
    expect(logged.map((e) => (e.alert as { events: Array<{ type: string }> }).events.map((x) => x.type))).toEqual([
      ['agreement.ended'],
      ['agreement.signed'],
    ]);

    // Polled once more: nothing new, nothing planned twice.
    clock += HOUR;
    expect((await publish(next, 'b.xlsx')).alerts).toEqual([]);
    expect(await stores.outbox.due(new Date(clock + HOUR), 50)).toHaveLength(due.length);
  });
});
