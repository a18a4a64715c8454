import { cleanText } from '../domain/text';
/**
 * Errors a source raises when ICE's file cannot be fetched or served something it cannot
 * read. Each carries a short `reason` code so guards and `/status` can report why a file
 * was refused without parsing the message.
 */

export type FetchFailure = 'http-status' | 'timeout' | 'too-large' | 'network' | 'not-a-workbook' | 'not-found';

/**
 * A source could not be fetched, or what came back is not what we asked for. Raised by
 * fetch-file.ts over HTTP and fetch-local.ts on a local mirror alike.
 */
export class SourceFetchError extends Error {
  override readonly name = 'SourceFetchError';
  constructor(
    message: string,
    /** The URL, with credentials and secret-looking query values redacted. */
    readonly url: string,
    readonly reason: FetchFailure,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A size cap as the fetch errors state it: "20 MiB", "48.8 KiB", "512 bytes". */
export function describeSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** Why the bytes are not a readable xlsx at all. */
export type WorkbookFormatReason = 'empty' | 'html' | 'not-zip' | 'truncated' | 'too-large';

/**
 * The bytes are not a readable workbook: an empty body, an HTML page (ICE's CDN answers
 * some requests with one and status 200), something that is not a ZIP, a ZIP that
 * is cut short or corrupt, or one that inflates or runs past the parse limits ('too-large').
 */
export class WorkbookFormatError extends Error {
  override readonly name = 'WorkbookFormatError';

  constructor(
    readonly reason: WorkbookFormatReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Why a readable workbook holds no 287(g) table, or more rows than a parse reads ('too-large'). */
export type WorkbookSchemaReason = 'no-rows' | 'no-header' | 'too-large';

/**
 * A readable workbook in which no 287(g) table can be found: it has no rows at all, or
 * no sheet has a header row naming STATE, LAW ENFORCEMENT AGENCY and SUPPORT TYPE.
 */
export class WorkbookSchemaError extends Error {
  override readonly name = 'WorkbookSchemaError';

  constructor(
    readonly reason: WorkbookSchemaReason,
    message: string,
  ) {
    super(message);
  }
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Refuses bytes that cannot be an xlsx before a reader sees them, with a message saying what they are. */
export function assertLooksLikeXlsx(bytes: Buffer): void {
  if (bytes.length === 0) throw new WorkbookFormatError('empty', 'not a workbook: empty body (0 bytes)');
  const head = bytes.subarray(0, 1024).toString('latin1');
  const start = head.replace(/^(?:\uFEFF|\u00EF\u00BB\u00BF|\s)+/, '');
  if (start.startsWith('<') || /<html/i.test(head)) {
    const firstLine = cleanText(start.split('\n', 1)[0]).slice(0, 40);
    throw new WorkbookFormatError('html', `not a workbook: the body is an HTML page (starts with ${firstLine})`);
  }
  if (!bytes.subarray(0, 4).equals(ZIP_MAGIC)) {
    const hex = bytes
      .subarray(0, 4)
      .toString('hex')
      .replace(/(..)(?!$)/g, '$1 ');
    const ole = hex === 'd0 cf 11 e0' ? ': an old-format .xls or an encrypted workbook' : '';
    throw new WorkbookFormatError('not-zip', `not a workbook: not a ZIP file (starts with bytes ${hex})${ole}`);
  }
}

/**
 * How much of a workbook a parse reads before refusing it as too large. ICE's largest list so
 * far is about 2,500 rows and under 1 MB of XML; the detention workbook about 15 MB of XML.
 * A small ZIP can inflate to gigabytes, so the download cap alone bounds nothing.
 */
export interface WorkbookLimits {
  /** Inflated bytes of all the parts read (sheet XML, shared strings, styles, ...), together. */
  maxInflatedBytes: number;
  /** Rows of the sheet read (every <row> element counts, empty or not). */
  maxRows: number;
}

export const DEFAULT_WORKBOOK_LIMITS: WorkbookLimits = { maxInflatedBytes: 64 * 1024 * 1024, maxRows: 50_000 };

/** The refusal of a workbook that inflates past the cap. */
export function inflatedTooLarge(limits: WorkbookLimits, part: string): WorkbookFormatError {
  return new WorkbookFormatError(
    'too-large',
    `workbook too large: its parts inflate past the ${describeSize(limits.maxInflatedBytes)} cap on inflated XML (WORKBOOK_MAX_INFLATED_BYTES), reached in ${part}`,
  );
}

/** The refusal of a sheet with more rows than the cap. */
export function rowsTooMany(limits: WorkbookLimits, sheet: string): WorkbookSchemaError {
  return new WorkbookSchemaError(
    'too-large',
    `workbook too large: sheet '${sheet}' has more than ${limits.maxRows.toLocaleString('en-US')} rows, the cap (WORKBOOK_MAX_ROWS)`,
  );
}
