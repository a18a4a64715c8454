/**
 * Errors a source raises when ICE served something it cannot read. Both carry a short
 * `reason` code so guards and `/status` can report why a file was refused without
 * parsing the message.
 */

/** Why the bytes are not a readable xlsx at all. */
export type WorkbookFormatReason = 'empty' | 'html' | 'not-zip' | 'truncated';

/**
 * The bytes are not a readable workbook: an empty body, an HTML page (ICE's CDN answers
 * some requests with one and status 200), something that is not a ZIP, or a ZIP that
 * is cut short or corrupt.
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

/** Why a readable workbook holds no 287(g) table. */
export type WorkbookSchemaReason = 'no-rows' | 'no-header';

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
