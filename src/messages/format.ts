import type { ModelCounts } from '../domain/agreements/summary';
import { MODEL_NAMES, type Agreement, type Model } from '../domain/types';
import { UserError } from '../domain/user-error';
import type { Line, Paging } from './reply';
import { formatUtcMinute } from '../domain/text';

/**
 * The phrases every message shares, written once: what an agreement line says, the model
 * counts, the active totals and the source footer. Alerts, digests, answers and the terminal
 * all build from these, so a change of wording is a change in one place.
 */

/** "JEM 39 · TFM 47 · WSO 119" (and "· other 2" when ICE misspelled a model beyond recognition). */
export function modelCountsText(m: ModelCounts): string {
  return `JEM ${m.JEM} · TFM ${m.TFM} · WSO ${m.WSO}${m.other ? ` · other ${m.other}` : ''}`;
}

/** The model counts as a line (a field's value). */
export function modelCounts(m: ModelCounts): Line {
  return [modelCountsText(m)];
}

/** "205 active (JEM 39 · TFM 47 · WSO 119)": the agreements in force in a state, or in all of them. */
export function activeCounts(total: number, m: ModelCounts): string {
  return `${total} active (${modelCountsText(m)})`;
}

/** What an agreement line needs; `state` is shown in answers that list several states' agreements. */
export type AgreementLineFacts = Pick<Agreement, 'agency' | 'county' | 'model' | 'signed' | 'moaUrl'> & { state?: string };

export interface AgreementLineOptions {
  /**
   * `list` (the default): answers that list many agreements, compact: the model's code, the
   * county and state, " · signed 2025-06-02". `alert`: a message about a change, read without
   * context: the model named in full ("Task Force Model (TFM)"), the county only (the alert is
   * about one state), ", signed 2025-06-02".
   */
  style?: 'list' | 'alert';
  /** What happened to it, after the date and before the links (", last listed …"). */
  extra?: Line;
  /** false: leave the SIGNED date out (a correction states both dates itself). */
  signed?: boolean;
  /** The document a renewal replaces, linked after the new one. */
  previousMoaUrl?: string | null;
}

/** "Task Force Model (TFM)" in an alert, "TFM" in a list; a model ICE misspelled beyond recognition is quoted as written. */
function modelLabel(model: string, full: boolean): string {
  const name = MODEL_NAMES[model as Model];
  if (!name) return `model "${model}"`;
  return full ? `${name} (${model})` : model;
}

/**
 * One agreement: agency in bold, where, model, SIGNED date, then `extra`, then its document
 * links. Links always come last, so a renderer that shows URLs on lines of their own (the
 * terminal) can move them without breaking the sentence.
 *
 *   list:  **Harris County Sheriff's Office** (Harris County, Texas) · JEM · signed 2025-10-16 · [MOA]
 *   alert: **Harris County Sheriff's Office** (Harris County) · Jail Enforcement Model (JEM), signed 2025-10-16 · [MOA]
 */
export function agreementLine(a: AgreementLineFacts, options: AgreementLineOptions = {}): Line {
  const alert = options.style === 'alert';
  const line: Line = [{ bold: a.agency }];
  const where = [a.county, alert ? null : a.state].filter(Boolean).join(', ');
  if (where) line.push(` (${where})`);
  line.push(` · ${modelLabel(a.model, alert)}`);
  if (a.signed && options.signed !== false) line.push(alert ? `, signed ${a.signed}` : ` · signed ${a.signed}`);
  if (options.extra) line.push(...options.extra);
  if (a.moaUrl) line.push(' · ', { link: a.moaUrl, text: 'MOA' });
  if (options.previousMoaUrl && options.previousMoaUrl !== a.moaUrl)
    line.push(' · ', { link: options.previousMoaUrl, text: 'previous MOA' });
  return line;
}

export function modelName(model: string): string {
  return MODEL_NAMES[model as Model] ?? model;
}

/** A stored file as far as a footer needs it. */
export interface SourceFile {
  /** Absent for a source that is no file (a feed) or several (a digest's lists). */
  fileName?: string;
  /** When a poll fetched it (for a file read from disk: when it was read). */
  fetchedAt: string;
  /** The workbook's own saved time, when it has one. */
  modifiedInFile?: string | null;
}

export interface SourceFooterOptions {
  /** Which of ICE's publications: "participating list", "detention statistics"; absent: the file name says it. */
  list?: string;
  /** The file was read from disk by the terminal (`--file`), not fetched by a poll. */
  readFromDisk?: boolean;
  /** Several files (a digest): the time is the last fetch. */
  last?: boolean;
}

/**
 * Where an answer's or an alert's numbers come from, and which date they are as of:
 *
 *   Source: ICE participating list, participatingAgencies12122025pm.xlsx, fetched 2025-12-12 18:30 UTC
 *   Source: ICE participatingAgencies12122025pm.xlsx, read from disk; workbook saved 2025-12-12 17:02 UTC
 *   Source: ICE daily counts feed, fetched 2025-12-12 18:07 UTC
 *
 * A poll dates its data by when it fetched them; a file read from disk by when the workbook was
 * saved (the read time says nothing about the data), so the two never pass for one another.
 */
export function sourceFooter(file: SourceFile, options: SourceFooterOptions = {}): string {
  const what = ['ICE', [options.list, file.fileName].filter(Boolean).join(', ')].join(' ');
  if (!options.readFromDisk) return `Source: ${what}, ${options.last ? 'last ' : ''}fetched ${formatUtcMinute(file.fetchedAt)}`;
  return file.modifiedInFile
    ? `Source: ${what}, read from disk; workbook saved ${formatUtcMinute(file.modifiedInFile)}`
    : `Source: ${what}, read from disk`;
}

/** The time the data of a file are as of (pictures say "as of" this day): as `sourceFooter` words it. */
export function dataDate(file: SourceFile, readFromDisk = false): string {
  return (readFromDisk && file.modifiedInFile) || file.fetchedAt;
}

export function parsePage(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`"${value}" is not a page number.`);
  return n;
}

/** One page of a list, and the paging a platform needs to offer the others. */
export function pageOf<T>(
  items: readonly T[],
  page: number,
  perPage: number,
  command: string,
  args: Record<string, string>,
): { items: T[]; paging?: Paging } {
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const current = Math.min(page, pages);
  const slice = items.slice((current - 1) * perPage, current * perPage);
  return { items: slice, paging: pages > 1 ? { command, args, page: current, pages } : undefined };
}
