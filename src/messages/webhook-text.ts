/**
 * The words the chat command (/webhook) and the terminal (ice-watch subscribe --webhook,
 * ice-watch webhooks) share about webhooks, written once: how a URL is shown, what "totals" alone
 * means, and how the states an endpoint follows are described.
 */

/** How much of a URL's path displayUrl shows at most. */
const SHOWN_PATH_CHARS = 24;

/**
 * A URL as listings, replies and logs may show it: its origin and its first whole path segments
 * (at most 24 characters), never its last segment nor its query, which is where services put a
 * token. For Slack's and Teams' incoming webhooks the URL IS the credential
 * (hooks.slack.com/services/T…/B…/<token>, …/invoke?…&sig=<token>), so no surface prints one whole:
 * "https://hooks.slack.com/services/T0001/B0002/…".
 */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    const segments = u.pathname.split('/').slice(1, -1);
    let shown = '';
    for (const s of segments) {
      if (shown.length + 1 + s.length > SHOWN_PATH_CHARS) break;
      shown += `/${s}`;
    }
    const hidden = shown.length + 1 < u.pathname.length || u.search;
    return `${u.origin}${shown}/${hidden ? '…' : ''}`;
  } catch {
    return '(unreadable URL)';
  }
}

/** Every http(s) URL inside free text shown as displayUrl shows it (for a command's arguments in a log line). */
export function redactUrls(text: string): string {
  return text.replace(/https?:\/\/[^\s<>"]+/gi, (url) => displayUrl(url));
}

/**
 * Does a subscription's states argument ask for the national totals only? Typed as free text,
 * "totals" is read as a kind: alone, it means the totals feed.
 */
export function readsAsTotalsOnly(statesText: string): boolean {
  return statesText.trim().toLowerCase() === 'totals';
}

/** What an endpoint follows, in words: "all states", "TX OK", "totals" (no state), or "no subscription" (null). */
export function describeFollowedStates(states: readonly string[] | 'all' | null): string {
  if (states === null) return 'no subscription';
  return states === 'all' ? 'all states' : states.join(' ') || 'totals';
}
