/**
 * Every kind of operator notice, each with its own meaning (and label, in
 * src/delivery/operator-notices.ts): the guards' verdicts on a file, a source's health, a
 * channel's delivery, a job's run.
 */
export type OperatorNoticeKind =
  | 'baseline' // a first list stored: nothing alerted
  | 'rejected' // a readable 287(g) list the guards refused (empty, a swapped list, a stale copy of an older one)
  | 'not-a-workbook' // a 287(g) link served something else (an HTML page: maintenance, a block of automated requests)
  | 'workbook-unreadable' // a workbook that cannot be read (broken ZIP, missing sheet or columns), 287(g) or detention
  | 'feed-warning' // the daily feed read with a warning (an empty feed, a row skipped as unreadable; the rest is kept)
  | 'held' // changes held for confirmation
  | 'confirmed' // held changes confirmed and alerted
  | 'discarded' // held changes dropped
  | 'corrected' // dates corrected in place
  | 'unreadable' // rows kept from the last list because they cannot be read
  | 'failing' // a source unreachable or erroring past SOURCE_ALERT_AFTER_MINUTES, or the process in trouble
  | 'recovered' // an episode is over
  | 'paused' // a channel's alerts paused (the channel is gone or forbids the bot)
  | 'gave-up' // an alert given up after its retries
  | 'revised' // a source revised data it had published
  | 'job-failed'; // a scheduled job failed (a store that stops answering shows here)

export interface OperatorNotice {
  kind: OperatorNoticeKind;
  text: string;
  /**
   * What the problem is about (`287(g) participating list`, `discord channel 123`): with it the
   * notice is an episode (kind + subject), told once when it starts, repeated at growing intervals,
   * and a `recovered` notice on the same subject ends it. Without it, told every time.
   */
  subject?: string;
}
