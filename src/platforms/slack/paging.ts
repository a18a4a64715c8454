/**
 * The Previous/Next buttons of a paged Slack answer. A button carries everything needed to
 * rebuild its page (command, arguments, page), so it still works after a restart.
 */

export const PAGE_PREV_ACTION_ID = 'page_prev';
export const PAGE_NEXT_ACTION_ID = 'page_next';
/** Slack's limit on a button's `value`. */
export const BUTTON_VALUE_MAX_CHARS = 2000;

/** Which page of which command a button asks for. */
export interface PageTarget {
  command: string;
  args: Record<string, string>;
  page: number;
}

/** The button value for a page, or null when it would not fit Slack's limit (the buttons are then left out). */
export function encodePageValue(target: PageTarget): string | null {
  const value = JSON.stringify({ command: target.command, args: target.args, page: target.page });
  return value.length <= BUTTON_VALUE_MAX_CHARS ? value : null;
}

/** Reads a button value back; null for anything that is not one of ours (old or malformed buttons). */
export function decodePageValue(value: string | undefined): PageTarget | null {
  if (!value) return null;
  let data: unknown;
  try {
    data = JSON.parse(value);
  } catch {
    return null;
  }
  if (!data || typeof data !== 'object') return null;
  const { command, args, page } = data as Record<string, unknown>;
  if (typeof command !== 'string' || !Number.isInteger(page) || (page as number) < 1) return null;
  if (!args || typeof args !== 'object' || Array.isArray(args)) return null;
  const entries = Object.entries(args as Record<string, unknown>);
  if (!entries.every(([, v]) => typeof v === 'string')) return null;
  return { command, args: Object.fromEntries(entries) as Record<string, string>, page: page as number };
}
