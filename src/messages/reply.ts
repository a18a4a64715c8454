import type { ChartSpec } from '../domain/charts/chart-series';

/**
 * The neutral answer of a command, rendered once per platform (STYLE rule 5).
 *
 * Text is a list of spans. A plain string is UNTRUSTED text (agency names, ICE's URLs,
 * what a user typed): every renderer escapes it for its platform so that it can neither
 * format nor mention anyone. Formatting is only ever added by the renderer, from the
 * span kinds below.
 */
export type Span = string | { bold: string } | { code: string } | { link: string; text: string };
export type Line = Span[];

export interface ReplyField {
  name: string;
  value: Line;
  inline?: boolean;
}

export type ReplyBlock =
  | { kind: 'text'; lines: Line[] }
  | { kind: 'fields'; fields: ReplyField[] }
  /**
   * A list of items; a renderer that must cut it says "… and N more" followed by `moreHint`
   * (for alerts: which command lists them all) or its own hint when there is none.
   */
  | { kind: 'list'; heading?: string; items: Line[]; moreHint?: string };

/** A page of a longer answer; platforms show Previous/Next controls that re-run the command with another page. */
export interface Paging {
  command: string;
  /** The command's arguments, so a button can rebuild the page after a restart. */
  args: Record<string, string>;
  page: number;
  pages: number;
}

export interface Reply {
  tone: 'info' | 'success' | 'error';
  title: string;
  blocks: ReplyBlock[];
  /** Source, as-of date and the like. */
  footer?: string;
  /** Shown only to the person who asked (errors). */
  ephemeral?: boolean;
  /** Posted for the whole channel to see even on platforms that default to private answers (subscription confirmations). */
  announce?: boolean;
  paging?: Paging;
  /**
   * A picture of the answer, as data (the series behind it, never pixels): each platform
   * draws it with src/charts and attaches it when it is ready in time, else sends the text alone.
   */
  chart?: ChartSpec;
  /**
   * The facts the answer was built from, as plain JSON (a summary, a release), for surfaces that
   * print data rather than messages: the terminal's `--json` prints it. Chat renderers ignore it.
   */
  data?: unknown;
}

/** The plain text of a line, spans joined, for logs and the terminal. */
export function lineText(line: Line): string {
  return line.map((s) => (typeof s === 'string' ? s : 'bold' in s ? s.bold : 'code' in s ? s.code : s.text)).join('');
}

/** A user-facing error reply. */
export function errorReply(message: string): Reply {
  return { tone: 'error', title: 'Sorry', blocks: [{ kind: 'text', lines: [[message]] }], ephemeral: true };
}
