/**
 * The words the chat command (/webhook) and the terminal (ice-watch subscribe --webhook,
 * ice-watch webhooks) share about webhooks, written once: how a URL is shown, what "totals" alone
 * means, and how the states an endpoint follows are described.
 */

/**
 * A URL as listings, replies and logs may show it: its origin and the start of its path, never
 * its query. For Slack's and Teams' incoming webhooks the URL IS the credential
 * (hooks.slack.com/services/T…/B…/<token>), so no surface prints one whole.
 */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname.length > 24 ? `${u.pathname.slice(0, 24)}…` : u.pathname}${u.search ? '?…' : ''}`;
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
