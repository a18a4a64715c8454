/**
 * Repair of the MOA and addendum links in a 287(g) row. Pure: values in, values out.
 * ICE's links arrive wrapped in Outlook safelinks, prefixed by Chrome's PDF viewer, or
 * with a slash missing from the scheme; each is repaired to the URL a user can open, and
 * what cannot be repaired gives null rather than a broken link.
 */
import { tidy } from '../text';

/** The prefix Chrome's PDF viewer puts before a URL copied from its address bar. */
const CHROME_VIEWER = /^chrome-extension:\/\/[a-z]+\//i;

/** An http(s) URL with a plausible host; cheaper than `new URL` on every row. */
const WELL_FORMED = /^https?:\/\/[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?(?:[/?#][^\t\n\r]*)?$/i;

/** An Outlook safelink; group 1 is its `url` parameter, still percent-encoded. */
const SAFELINK = /^https?:\/\/[a-z0-9-]+\.safelinks\.protection\.outlook\.com\/?\?(?:[^#]*&)?url=([^&#]*)/i;

/** The `url` parameter of an Outlook safelink, decoded; null for any other URL. */
function unwrapSafelink(url: string): string | null {
  const m = SAFELINK.exec(url);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1].replace(/\+/g, ' '));
  } catch {
    return null; // a malformed %-sequence: keep the safelink rather than guess
  }
}

/**
 * The document URL a user can open, or null. Unwraps Outlook safelinks (the `url`
 * parameter), Chrome's PDF-viewer prefix, repairs `https:/www` to `https://www`, encodes
 * literal spaces; other percent-encoding is kept as is. `mailto:` and other non-http
 * links give null.
 */
export function repairDocumentUrl(url: string | null | undefined): string | null {
  if (url === null || url === undefined) return null;
  let s = tidy(url);
  let wellFormed = WELL_FORMED.test(s);
  // A safelink can wrap a malformed or already-wrapped URL: repair, unwrap, repeat.
  for (let i = 0; i < 3; i++) {
    if (!wellFormed) {
      s = s
        .replace(CHROME_VIEWER, '')
        .replace(/^(https?):\/*/i, (_m, scheme: string) => `${scheme.toLowerCase()}://`)
        .replace(/^www\./i, 'https://www.');
      wellFormed = WELL_FORMED.test(s);
    }
    const inner = wellFormed ? unwrapSafelink(s) : null;
    if (inner === null) break;
    s = tidy(inner);
    wellFormed = WELL_FORMED.test(s);
  }
  if (!wellFormed) return null;
  return s.includes(' ') ? s.replace(/ /g, '%20') : s;
}
