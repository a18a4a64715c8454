/**
 * A link target from ICE's data (or a publication's address), only when it is an absolute http(s) URL: a `javascript:` or `data:` URL
 * in a cell must never become something a reader can click. Null otherwise (the page or feed shows no link).
 */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}
