import type { OperatorNoticeKind } from '../domain/alerts/operator-notice';
import type { PartObservation } from '../domain/source-health';
import type { ListKind } from '../domain/types';
import type { Logger } from '../logging/logger';
import { discover287gLinks } from '../sources/discover-links';
import { SourceFetchError } from '../sources/errors';
import { fetchPage, fetchWorkbook, type FetchOptions } from '../sources/fetch-file';
import type { SnapshotStore } from '../store/snapshot-store';
import type { Ingest287g, IngestResult } from './ingest-287g';

export interface Poll287gDeps {
  pageUrl: string;
  fetchOptions: Omit<FetchOptions, 'etag' | 'lastModified'>;
  snapshots: SnapshotStore;
  ingest: Ingest287g;
  logger: Logger;
}

/** A 287(g) list as operator notices and health name it: one subject per list, whatever its file. */
export function listSubject(source: ListKind): string {
  return `287(g) ${source} list`;
}

/** What a poll saw of each list, for the source's health: a refused file (its reason) or a good one. */
export function partsOf287gPoll(results: readonly IngestResult[]): PartObservation[] {
  return results.map((r) => ({
    subject: listSubject(r.source),
    rejectedReason: r.verdict === 'rejected' ? (r.reason ?? 'rejected') : null,
  }));
}

/** The notices of a refused file: an unreadable workbook, or a list the guards rejected. */
const REFUSALS: ReadonlySet<OperatorNoticeKind> = new Set(['rejected', 'workbook-unreadable']);

/** A refused file's notice, named by its list so that the same refusal poll after poll is one episode. */
function withSubject(result: IngestResult): IngestResult {
  return { ...result, notices: result.notices.map((n) => (REFUSALS.has(n.kind) ? { ...n, subject: listSubject(result.source) } : n)) };
}

/** The 287(g) page no longer links what it should. */
export class SourceLayoutError extends Error {
  override name = 'SourceLayoutError';
}

/**
 * One poll of ICE's 287(g) page: discover the workbook links afresh (their URLs change),
 * fetch each with a conditional GET, and ingest what is new. The participating list
 * goes first so that the pending list can tell signed requests from withdrawn ones.
 * A body that is not a workbook becomes a `rejected` judgement; a network failure throws
 * (the job reports it and retries).
 */
export function createPoll287g(deps: Poll287gDeps): { poll(): Promise<IngestResult[]> } {
  const { snapshots, ingest, logger } = deps;
  return {
    async poll() {
      const page = await fetchPage(deps.pageUrl, deps.fetchOptions);
      const links = discover287gLinks(page.html, page.url);
      await snapshots.setPageLinks({ at: (deps.fetchOptions.now?.() ?? new Date()).toISOString(), ...links });
      if (!links.participating) {
        // "No longer" only when a list was once read from there; on a first poll the page may not be the right one.
        const known = (await snapshots.getState('participating')) !== null;
        throw new SourceLayoutError(
          known
            ? `${page.url} no longer links a participating-agencies workbook`
            : `${page.url} links no participating-agencies workbook (is ICE_287G_PAGE_URL ICE's 287(g) page, or a mirror of it?)`,
        );
      }
      const results: IngestResult[] = [];
      for (const source of ['participating', 'pending'] as ListKind[]) {
        const url = links[source];
        if (!url) {
          logger.info({ source }, 'the 287(g) page links no pending list right now');
          continue;
        }
        const last = await snapshots.lastFetch(source);
        const validators = last?.url === url ? { etag: last.etag, lastModified: last.lastModified } : {};
        try {
          const fetched = await fetchWorkbook(url, { ...deps.fetchOptions, ...validators });
          if (fetched.status === 'not-modified') continue;
          results.push(withSubject(await ingest.ingest(source, fetched.bytes, fetched.meta)));
          await snapshots.setLastFetch(source, { url, etag: fetched.meta.etag, lastModified: fetched.meta.lastModified });
        } catch (err) {
          if (!(err instanceof SourceFetchError && err.reason === 'not-a-workbook')) throw err;
          const reason = err.message;
          await snapshots.recordJudgement(source, {
            verdict: 'rejected',
            reason,
            fileName: url,
            sha256: '',
            at: new Date().toISOString(),
            eventCount: 0,
            notices: [],
          });
          // The next fetch is unconditional: the good file back behind the same validators is a 304, which would
          // say nothing, while a full read judges it (unchanged) and ends the episode.
          await snapshots.setLastFetch(source, { url, etag: null, lastModified: null });
          logger.warn({ source, url, reason }, 'publication rejected');
          results.push({
            source,
            verdict: 'rejected',
            reason,
            events: [],
            alerts: [],
            warnings: [],
            notices: [
              {
                kind: 'not-a-workbook',
                subject: listSubject(source),
                text:
                  `the ${source} list was not read: ${reason}. Nothing is alerted and the last good list stands; ` +
                  'ICE often serves such a page during maintenance or to block automated requests, and the next poll tries again. ' +
                  'If it lasts, open the page in a browser, and try FETCH_USER_AGENT or a file:// mirror (see the README).',
              },
            ],
            file: {
              url,
              fileName: url,
              etag: null,
              lastModified: null,
              sha256: '',
              bytes: 0,
              fetchedAt: new Date().toISOString(),
              modifiedInFile: null,
            },
          });
        }
      }
      return results;
    },
  };
}
