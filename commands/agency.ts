import { agencyKey } from '../src/domain/agreements/agency';
import { cleanText, editDistance } from '../src/domain/text';
import { activeAgreements } from '../src/domain/agreements/identity';
import { agreementIdentity, type Agreement } from '../src/domain/types';
import type { LedgerEntry } from '../src/store/snapshot-store';
import { UserError } from '../src/domain/user-error';
import { NothingStoredError, type Command } from './command';
import { agreementLine, pageOf, parsePage, sourceFooter } from '../src/messages/format';
import type { Line } from '../src/messages/reply';

const PER_PAGE = 10;
/**
 * The longest name asked for: ICE's longest agency name is under 90 characters. A longer
 * one (10 KB pasted in) would fill the answer's title, where the platforms cut it to "...".
 */
export const MAX_NAME_CHARS = 150;

/**
 * How well an agency name answers a query: every query word must start a word of the
 * name, or be one typo away from one (for words of 5+ letters). Lower is better; null: no match.
 */
export function agencyMatchScore(query: string[], name: string): number | null {
  const words = name.split(' ');
  let score = 0;
  for (const q of query) {
    if (words.some((w) => w === q)) continue;
    if (words.some((w) => w.startsWith(q))) score += 1;
    else if (q.length >= 5 && words.some((w) => editDistance(q, w, 1) <= 1)) score += 2;
    else return null;
  }
  return score;
}

/** What the ledger knows beyond the current row: SIGNED dates ICE corrected, earlier names, times off the list. */
function ledgerNotes(entry: LedgerEntry | undefined): Line {
  if (!entry) return [];
  const notes: string[] = [];
  for (const c of entry.corrections ?? [])
    notes.push(`SIGNED date corrected by ICE ${c.from ?? 'unknown'} → ${c.to ?? 'unknown'} (seen ${c.at.slice(0, 10)})`);
  if (entry.previousNames?.length) notes.push(`listed before as ${entry.previousNames.join('; ')}`);
  for (const g of entry.gaps ?? []) notes.push(`off ICE's list ${g.from.slice(0, 10)} to ${g.to.slice(0, 10)}`);
  return notes.length ? [` · ${notes.join(' · ')}`] : [];
}

/** `/agency <name>`: agencies whose name matches, across states, with their agreements and pending requests. */
export default {
  name: 'agency',
  description: 'Find agencies by name, with their 287(g) agreements and MOA links',
  permission: 'anyone',
  usage: 'harris county sheriff',
  options: [{ name: 'name', description: 'Part of the agency name, e.g. "harris county"', type: 'text', required: true }],
  async run(ctx, args) {
    const text = cleanText(args.name ?? '');
    if (text.length > MAX_NAME_CHARS) {
      throw new UserError(
        `That name is ${text.length} characters long; give at most ${MAX_NAME_CHARS}, like "harris county" or "tampa police".`,
      );
    }
    const query = agencyKey(text)
      .split(' ')
      .filter((w) => w.length > 1 || /\d/.test(w));
    if (!query.length) throw new UserError('Give part of an agency name, like "harris county" or "tampa police".');
    const stored = await ctx.services.snapshots.getState('participating');
    if (!stored) throw new NothingStoredError('No 287(g) list has been fetched yet. Try again after the first poll.');
    const pending = (await ctx.services.snapshots.getState('pending'))?.view.rows ?? [];
    const matches = (rows: readonly Agreement[]) =>
      rows
        .map((r) => ({ r, score: agencyMatchScore(query, r.agencyKey) }))
        .filter((m): m is { r: Agreement; score: number } => m.score !== null)
        .sort(
          (a, b) =>
            a.score - b.score ||
            a.r.state.localeCompare(b.r.state) ||
            a.r.agency.localeCompare(b.r.agency) ||
            (b.r.signed ?? '').localeCompare(a.r.signed ?? ''),
        )
        .map((m) => m.r);
    const found = matches(activeAgreements(stored.view.rows));
    const waiting = matches(activeAgreements(pending));
    if (!found.length && !waiting.length) throw new UserError(`No agency in ICE's 287(g) lists matches "${text}".`);
    const ledger = found.length ? await ctx.services.snapshots.ledger('participating') : {};
    const items: Line[] = [
      ...found.map((a) => [...agreementLine(a), ...ledgerNotes(ledger[agreementIdentity(a)])]),
      ...waiting.map((a) => [...agreementLine(a), ' · ', { bold: 'pending' }]),
    ];
    const { items: page, paging } = pageOf(items, parsePage(args.page), PER_PAGE, 'agency', { name: text });
    const agencies = new Set([...found, ...waiting].map((a) => `${a.stateCode}|${a.agencyKey}`)).size;
    return {
      tone: 'info',
      title: `${agencies} ${agencies === 1 ? 'agency matches' : 'agencies match'} "${text}": ${found.length} active agreements${waiting.length ? `, ${waiting.length} pending` : ''}`,
      blocks: [{ kind: 'list', items: page }],
      footer: sourceFooter(stored.view.meta, { readFromDisk: ctx.services.readFromDisk }),
      paging,
    };
  },
} satisfies Command;
