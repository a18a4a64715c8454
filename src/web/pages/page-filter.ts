import { parseDateArgument, parseModelArgument } from '../../domain/arguments';
import type { StateFilter } from '../../domain/agreements/summary';
import { cleanText } from '../../domain/text';
import { UserError } from '../../domain/user-error';

/** A county name longer than this is no county (the longest ICE lists is about 30 characters). */
const MAX_COUNTY = 80;

/**
 * The filters of a state page from its query string (`?model=TFM&county=Harris&since=2025-03-01`), read
 * as the chat arguments are: a bad model or date is a UserError with the same words. Empty fields (a
 * form submitted with "All models") and `all` mean no filter; other parameters are ignored.
 */
export function parsePageFilter(query: URLSearchParams): StateFilter {
  const value = (name: string) => {
    const v = cleanText(query.get(name) ?? '');
    return v && v.toLowerCase() !== 'all' ? v : undefined;
  };
  const model = value('model');
  const county = value('county');
  const since = value('since');
  if (county && county.length > MAX_COUNTY) throw new UserError(`"${county.slice(0, 20)}…" is not a county name.`);
  return {
    ...(model ? { model: parseModelArgument(model) } : {}),
    ...(county ? { county } : {}),
    ...(since ? { since: parseDateArgument(since) } : {}),
  };
}

/** The query string of a filter, in one order (`?model=TFM&county=Harris`), or '' when there is none. */
export function filterQuery(filter: StateFilter): string {
  const params = new URLSearchParams();
  if (filter.model) params.set('model', filter.model);
  if (filter.county) params.set('county', filter.county);
  if (filter.since) params.set('since', filter.since);
  const text = params.toString();
  return text ? `?${text}` : '';
}
