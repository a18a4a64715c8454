import { isStateAlert, type PublishedAlert } from './feed-cut';

/** The ICE publication an alert came from (the fields an alert's kind does not know, e.g. a daily count's file, are null). */
export interface Publication {
  fileName: string | null;
  url: string | null;
  sha256: string | null;
  fetchedAt: string | null;
}

/**
 * The publication of an alert, as the event log stores it and a webhook's JSON body carries it:
 * a state alert's file whole; a totals or facilities alert's file name and fetch time.
 */
export function publicationOf(alert: PublishedAlert): Publication {
  if (isStateAlert(alert)) {
    const f = alert.file;
    return { fileName: f.fileName ?? null, url: f.url ?? null, sha256: f.sha256 ?? null, fetchedAt: f.fetchedAt };
  }
  return { fileName: 'fileName' in alert ? alert.fileName : null, url: null, sha256: null, fetchedAt: alert.fetchedAt };
}
