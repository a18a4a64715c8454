import { buildStateAlerts, type StateAlert } from '../domain/alerts/alerts';
import { resolveHeld, type HeldRow, type OperatorNotice } from '../domain/agreements/guards';
import type { ListKind } from '../domain/types';
import { UserError } from '../domain/user-error';
import type { SnapshotStore } from '../store/snapshot-store';

/** The endings (and signings, from a mass addition) held as suspect for a source (empty when none). */
export async function listHeld(snapshots: SnapshotStore, source: ListKind): Promise<{ endings: HeldRow[]; signings: HeldRow[] }> {
  const state = await snapshots.getState(source);
  return { endings: state?.held ?? [], signings: state?.heldAdditions ?? [] };
}

/**
 * Applies an operator's decision on a source's held endings and stores it.
 * Returns the alerts an acceptance produces (the endings, as one alert per state).
 */
export async function decideHeld(
  snapshots: SnapshotStore,
  source: ListKind,
  action: 'accept' | 'discard',
  at: Date,
): Promise<{ count: number; alerts: StateAlert[]; notices: OperatorNotice[] }> {
  const state = await snapshots.getState(source);
  if (!state || (state.held.length === 0 && !state.heldAdditions?.length)) throw new UserError(`Nothing is held for the ${source} list.`);
  const { events, next, notices } = resolveHeld(state, action, at);
  await snapshots.saveState(source, next, 'accepted', events);
  await snapshots.recordJudgement(source, {
    verdict: 'accepted',
    reason: notices[0].text,
    fileName: state.view.meta.fileName,
    sha256: state.view.meta.sha256,
    at: at.toISOString(),
    eventCount: events.length,
    notices,
  });
  const participating = source === 'participating' ? next.view.rows : ((await snapshots.getState('participating'))?.view.rows ?? []);
  const pending = source === 'pending' ? next.view.rows : ((await snapshots.getState('pending'))?.view.rows ?? null);
  const alerts = events.length ? buildStateAlerts({ source, events, participating, pending, file: state.view.meta }) : [];
  return { count: state.held.length + (state.heldAdditions?.length ?? 0), alerts, notices };
}
