import { escapeMarkup } from '../markup';

/**
 * HTML built from values, escaped by default: every interpolated string (ICE's agency names, counties,
 * URLs, what a reader typed in the query string) is escaped; only fragments built by `html` itself pass
 * through as they are. So a page can never carry markup that came from data.
 *
 *   html`<td>${row.agency}</td>`          // "<script>" in ICE's cell becomes "&lt;script&gt;"
 *   html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = string | number | Html | null | undefined | false | readonly HtmlValue[];

function fragment(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(fragment).join('');
  return escapeMarkup(String(value));
}

/** The tag of every fragment of a page: strings are escaped, Html fragments and arrays of them are kept. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += fragment(values[i]) + strings[i + 1]!;
  return new Html(out);
}

export { safeHref } from '../safe-href';
export { escapeMarkup } from '../markup';
