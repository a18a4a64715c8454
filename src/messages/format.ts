import type { ModelCounts } from '../domain/agreements/summary';
import { MODEL_NAMES, type Agreement, type FileMeta, type Model } from '../domain/types';
import { UserError } from '../domain/user-error';
import type { Line, Paging } from './reply';
import { formatUtcMinute } from '../domain/text';

/** "JEM 39 · TFM 47 · WSO 119" */
export function modelCounts(m: ModelCounts): Line {
  return [`JEM ${m.JEM} · TFM ${m.TFM} · WSO ${m.WSO}${m.other ? ` · other ${m.other}` : ''}`];
}

/** One agreement: agency in bold, county, model, signed date, MOA link. */
export function agreementLine(a: Pick<Agreement, 'agency' | 'county' | 'model' | 'signed' | 'moaUrl'> & { state?: string }): Line {
  const line: Line = [{ bold: a.agency }];
  const where = [a.county, a.state].filter(Boolean).join(', ');
  if (where) line.push(` (${where})`);
  line.push(` · ${a.model in MODEL_NAMES ? a.model : `model "${a.model}"`}`);
  if (a.signed) line.push(` · signed ${a.signed}`);
  if (a.moaUrl) line.push(' · ', { link: a.moaUrl, text: 'MOA' });
  return line;
}

export function modelName(model: string): string {
  return MODEL_NAMES[model as Model] ?? model;
}

export function sourceFooter(meta: FileMeta): string {
  return `Source: ICE ${meta.fileName}, fetched ${formatUtcMinute(meta.fetchedAt)}`;
}

export function parsePage(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`"${value}" is not a page number.`);
  return n;
}

/** One page of a list, and the paging a platform needs to offer the others. */
export function pageOf<T>(items: readonly T[], page: number, perPage: number, command: string, args: Record<string, string>): { items: T[]; paging?: Paging } {
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const current = Math.min(page, pages);
  const slice = items.slice((current - 1) * perPage, current * perPage);
  return { items: slice, paging: pages > 1 ? { command, args, page: current, pages } : undefined };
}
