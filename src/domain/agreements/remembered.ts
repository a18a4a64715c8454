/**
 * What the guards remember between publications, so that a later list is judged with its
 * history: agreements announced as ended (one back on the list is a relisting), renames
 * announced lately (ICE flipping a name back and forth is announced once), and when a held
 * ending's row was last listed. Pure, like guards.ts that uses it.
 */
import { agencyKey } from './agency';
import type { EndedAgreement, ListDiff } from './diff';
import type { ListEvent } from './events';
import { agreementKey } from './identity';
import type { Agreement } from '../types';

/** How long an announced ending is remembered, so that its return is a relisting. */
const REMEMBER_ENDED_MS = 400 * 86_400_000;
const REMEMBER_ENDED_MAX = 2_000;

/** A rename announced: the two names (either order) of one agreement, and when. */
export interface RecentRename {
  names: string;
  at: string;
}

/** How long a rename is remembered: a rename back within this time is ICE flip-flopping, not news. */
const REMEMBER_RENAMES_MS = 30 * 86_400_000;
const REMEMBER_RENAMES_MAX = 1_000;

/**
 * Drops renames that only undo a rename announced in the last 30 days. ICE alternated
 * "Hopewell County Sheriff's Office" and "Hopewell Sheriff's Office" (Virginia, JEM) from
 * list to list in September 2025, and "Pettis County Sheriff's Department" / "... Office":
 * the first rename is news, the flip back and forth is not. The ledger still records each name.
 */
export function withoutFlipFlops(
  events: ListEvent[],
  recent: readonly RecentRename[],
  now: Date,
): { events: ListEvent[]; remembered: RecentRename[] } {
  const cutoff = now.getTime() - REMEMBER_RENAMES_MS;
  const kept = recent.filter((r) => Date.parse(r.at) >= cutoff);
  const known = new Set(kept.map((r) => r.names));
  const added: RecentRename[] = [];
  const out = events.filter((e) => {
    if (e.type !== 'agreement.renamed') return true;
    const names =
      [`${e.previousStateCode ?? e.stateCode}|${agencyKey(e.previousAgency)}`, `${e.stateCode}|${agencyKey(e.agency)}`].sort().join('>') +
      `|${e.model}`;
    if (known.has(names)) return false;
    added.push({ names, at: now.toISOString() });
    return true;
  });
  return { events: out, remembered: [...kept, ...added].slice(-REMEMBER_RENAMES_MAX) };
}

/** Endings of rows that were held or waited carry the time they were last listed, not the last publication's. */
export function withLastListed(events: ListEvent[], rows: readonly { row: Agreement; lastListedAt?: string | null }[]): ListEvent[] {
  if (!rows.length) return events;
  const byKey = new Map(rows.map((h) => [agreementKey(h.row), h.lastListedAt ?? null]));
  return events.map((e) =>
    e.type === 'agreement.ended' && byKey.has(agreementKey(e)) ? { ...e, lastListedAt: byKey.get(agreementKey(e))! } : e,
  );
}

/** The remembered endings after a diff: its endings added, those back on the list dropped, the oldest forgotten. */
export function rememberEnded(before: readonly EndedAgreement[], diff: ListDiff, now: Date): EndedAgreement[] {
  const back = new Set(diff.relistedFrom);
  const cutoff = now.getTime() - REMEMBER_ENDED_MS;
  const kept = before.filter((e) => !back.has(e.row) && Date.parse(e.since) >= cutoff);
  return [...kept, ...diff.ended.map((row) => ({ row, since: now.toISOString() }))].slice(-REMEMBER_ENDED_MAX);
}
