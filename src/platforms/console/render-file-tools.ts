import { plural } from '../../domain/text';
import type { ListEvent } from '../../domain/agreements/events';
import type { ParsedList } from '../../domain/types';
import { plainText } from './render-reply';

/**
 * The terminal's file tools that have no message of their own on any platform: what `parse`
 * read from a workbook, and what `diff` judged (answers and alerts render from their Reply).
 */
export function renderParsedAsText(path: string, parsed: ParsedList): string {
  const states = new Set(parsed.rows.map((r) => r.stateCode ?? r.state)).size;
  const lines = [
    `${path}: ${parsed.detectedKind} list, sheet "${plainText(parsed.sheetName)}", ${plural(parsed.rows.length, 'row')} in ${plural(states, 'state')}`,
    `columns: ${parsed.headers.join(', ')}`,
  ];
  for (const w of parsed.warnings) lines.push(`warning: ${plainText(w)}`);
  return lines.join('\n');
}

export function renderPublicationAsText(path: string, doc: { verdict: string; reason: string | null; events: ListEvent[] }): string {
  const lines = [`${path}: ${doc.verdict}${doc.reason ? ` (${doc.reason})` : ''}, ${plural(doc.events.length, 'event')}`];
  for (const e of doc.events) {
    const who = 'agency' in e ? ` ${plainText(e.agency)} [${e.model}${e.signed ? `, ${e.signed}` : ''}]` : '';
    const was =
      e.type === 'agreement.renamed' ? ` (was ${plainText(e.previousAgency)}${e.previousState ? ` in ${e.previousState}` : ''})` : '';
    lines.push(`  ${e.type.padEnd(18)} ${e.stateCode ?? e.state}${who}${was}`);
  }
  return lines.join('\n');
}
