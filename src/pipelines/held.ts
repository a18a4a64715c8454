import { buildStateAlerts, type StateAlert } from '../domain/alerts/alerts';
import { resolveHeld, type HeldRow, type OperatorNotice } from '../domain/agreements/guards';
import type { ListKind } from '../domain/types';
import { UserError } from '../domain/user-error';
import { createAlertRouter } from '../delivery/alert-router';
import type { Stores } from '../store/open-stores';
import type { SnapshotStore } from '../store/snapshot-store';

/** The endings (and signings, from a mass addition) held as suspect for a source (empty when none). */
export async function listHeld(snapshots: SnapshotStore, source: ListKind): Promise<{ endings: HeldRow[]; signings: HeldRow[] }> {
  const state = await snapshots.getState(source);
  return { endings: state?.held ?? [], signings: state?.heldAdditions ?? [] };
}

/**
 * Applies an operator's decision on a source's held endings and signings and stores it. An
 * acceptance's alerts (the endings and signings, one alert per state) are planned for the channels
 * that follow them and kept in the event log, as a poll's are, BEFORE the decision is stored: a
 * crash in between leaves the changes held, and accepting again plans the same ids (deduped).
 * The bot that runs sends them (its outbox drain).
 */
export async function decideHeld(
  stores: Pick<Stores, 'snapshots' | 'subscriptions' | 'outbox' | 'digests' | 'events'>,
  source: ListKind,
  action: 'accept' | 'discard',
  at: Date,
): Promise<{ count: number; alerts: StateAlert[]; planned: number; notices: OperatorNotice[] }> {
  const { snapshots } = stores;
  const state = await snapshots.getState(source);
  if (!state || (state.held.length === 0 && !state.heldAdditions?.length)) throw new UserError(`Nothing is held for the ${source} list.`);
  const { events, next, notices } = resolveHeld(state, action, at);
  const participating = source === 'participating' ? next.view.rows : ((await snapshots.getState('participating'))?.view.rows ?? []);
  const pending = source === 'pending' ? next.view.rows : ((await snapshots.getState('pending'))?.view.rows ?? null);
  const alerts = events.length
    ? buildStateAlerts({ source, events, participating, pending, file: state.view.meta, occasion: 'held-accepted' })
    : [];
  const planned = alerts.length ? await createAlertRouter(stores).route(alerts, at) : 0;
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
  return { count: state.held.length + (state.heldAdditions?.length ?? 0), alerts, planned, notices };
}
