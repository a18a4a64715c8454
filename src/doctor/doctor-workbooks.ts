import { judgePublication, type GuardSettings, type Verdict } from '../domain/agreements/guards';
import { makeSnapshot } from '../domain/agreements/snapshot';
import { olderListsLike } from '../pipelines/ingest-287g';
import { plural } from '../domain/text';
import { compareReleases } from '../domain/totals/totals';
import type { FileMeta, ListKind } from '../domain/types';
import { parseDetentionWorkbook } from '../sources/detention-workbook';
import { WorkbookFormatError, WorkbookSchemaError, type WorkbookLimits } from '../sources/errors';
import { fetchWorkbook, type FetchOptions } from '../sources/fetch-file';
import { parse287gWorkbook } from '../sources/workbook-287g';
import type { SnapshotStore } from '../store/snapshot-store';
import type { TotalsStore } from '../store/totals-store';
import type { DoctorCheck } from './doctor-report';

/** What the doctor judges a linked workbook with: the bot's own parse caps and guards, and what it has stored (when the store answers). */
export interface WorkbookJudge {
  guards: GuardSettings;
  parseLimits: WorkbookLimits;
  fetchOptions: FetchOptions;
  snapshots: SnapshotStore | null;
  totals: TotalsStore | null;
  now: Date;
}

const WOULD: Record<Verdict, string> = {
  baseline: 'take it as its baseline (nothing stored yet)',
  accepted: 'accept it',
  unchanged: 'find nothing new in it',
  held: 'hold it',
  rejected: 'reject it',
};

const unreadable = (err: unknown) => err instanceof WorkbookFormatError || err instanceof WorkbookSchemaError;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Fetches a linked workbook and reads it as the bot would: a file the bot would reject fails the check. */
async function fetchAndRead(
  name: string,
  url: string,
  judge: WorkbookJudge,
  read: (bytes: Buffer, meta: FileMeta) => Promise<DoctorCheck>,
): Promise<DoctorCheck> {
  try {
    const got = await fetchWorkbook(url, judge.fetchOptions);
    if (got.status !== 'fetched') return { name, status: 'ok', detail: 'not modified' };
    return await read(got.bytes, got.meta);
  } catch (err) {
    if (unreadable(err)) return { name, status: 'fail', detail: `the bot would reject it: ${message(err)}` };
    return { name, status: 'fail', detail: message(err) };
  }
}

/**
 * A 287(g) list the page links, judged as a poll would judge it: parsed with the bot's
 * parser and caps, then put through the guards against the stored list when there is one
 * (without storing anything). A truncated or HTML file, or one the guards reject, fails;
 * one they would hold warns.
 *
 *   ok    participating list  participatingAgencies12122025pm.xlsx (512 KiB): parsed 1245 rows; the bot would accept it against the stored list (1240 rows): 7 events
 *   FAIL  participating list  the bot would reject it: the workbook is cut short (truncated ZIP) ...
 */
export function judgeListWorkbook(name: string, source: ListKind, url: string, judge: WorkbookJudge): Promise<DoctorCheck> {
  return fetchAndRead(name, url, judge, async (bytes, meta) => {
    const parsed = await parse287gWorkbook(bytes, judge.parseLimits);
    const stored = (await judge.snapshots?.getState(source)) ?? null;
    const participating = source === 'pending' ? (await judge.snapshots?.getState('participating'))?.view.rows : undefined;
    const olderLists =
      stored && judge.snapshots ? await olderListsLike(judge.snapshots, source, parsed.rows.length, stored.view.contentHash) : [];
    const outcome = judgePublication(stored, makeSnapshot(source, parsed, meta), {
      now: judge.now,
      guards: judge.guards,
      participating,
      olderLists,
    });
    const against = stored ? ` against the stored list (${plural(stored.view.rows.length, 'row')})` : '';
    const events = outcome.events.length ? `: ${plural(outcome.events.length, 'event')}` : '';
    const reason = outcome.reason && outcome.verdict !== 'accepted' ? `: ${outcome.reason}` : '';
    const status = outcome.verdict === 'rejected' ? 'fail' : outcome.verdict === 'held' ? 'warn' : 'ok';
    return {
      name,
      status,
      detail: `${meta.fileName} (${Math.round(meta.bytes / 1024)} KiB): parsed ${plural(parsed.rows.length, 'row')}; the bot would ${WOULD[outcome.verdict]}${against}${events}${reason}`,
    };
  });
}

/** The detention-statistics workbook, read as a poll would and compared with the stored release when there is one. */
export function judgeDetentionWorkbook(name: string, url: string, judge: WorkbookJudge): Promise<DoctorCheck> {
  return fetchAndRead(name, url, judge, async (bytes, meta) => {
    const release = await parseDetentionWorkbook(bytes, judge.parseLimits);
    const head = `${meta.fileName} (${Math.round(meta.bytes / 1024)} KiB): as of ${release.asOf}, ${release.detained.total.toLocaleString('en-US')} detained`;
    const releases = (await judge.totals?.releases()) ?? [];
    const last = releases.at(-1);
    if (releases.some((r) => r.sha256 === meta.sha256)) return { name, status: 'ok', detail: `${head}; already stored` };
    if (!last)
      return { name, status: 'ok', detail: `${head}; the bot would take it as its baseline${judge.totals ? ' (nothing stored yet)' : ''}` };
    const comparison = compareReleases(last.release, release);
    if (comparison.republished)
      return { name, status: 'ok', detail: `${head}; republishes the numbers of ${last.fileName}: the bot would alert no one` };
    if (comparison.days < 0)
      return {
        name,
        status: 'warn',
        detail: `${head}; describes an earlier day than the stored ${last.fileName} (${last.release.asOf}): the bot would refuse it`,
      };
    return {
      name,
      status: 'ok',
      detail: `${head}; the bot would alert totals subscribers (a new release, ${plural(comparison.days, 'day')} after ${last.release.asOf})`,
    };
  });
}
