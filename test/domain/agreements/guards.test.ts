import { DEFAULT_GUARDS, judgePublication, resolveHeld, type SourceState } from '../../../src/domain/agreements/guards';
import { contentHashOf } from '../../../src/domain/agreements/snapshot';
import type { Agreement, Snapshot } from '../../../src/domain/types';
import { loadSnapshot, PARTICIPATING_IN_ORDER } from '../../helpers/fixtures';

const HOUR = 3_600_000;
const at = (h: number) => new Date(Date.UTC(2025, 8, 22) + h * HOUR);
const opts = (h: number) => ({ now: at(h), guards: DEFAULT_GUARDS });

/** A publication of other rows, as a new file fetched at hour h. */
function publish(base: Snapshot, rows: Agreement[], h: number): Snapshot {
  return {
    ...base,
    rows,
    contentHash: contentHashOf(rows),
    meta: { ...base.meta, sha256: `sha-${h}-${rows.length}`, fetchedAt: at(h).toISOString(), fileName: `file-${h}.xlsx` },
  };
}

function accepted(snapshot: Snapshot): SourceState {
  const outcome = judgePublication(null, snapshot, opts(0));
  expect(outcome.verdict).toBe('baseline');
  return outcome.next!;
}

describe('judgePublication guards', () => {
  test('the first snapshot is a baseline: stored, announced to operators, no events', async () => {
    const snap = await loadSnapshot('participatingAgencies10162025pm.xlsx');
    const outcome = judgePublication(null, snap, opts(0));
    expect(outcome).toMatchObject({ verdict: 'baseline', events: [] });
    expect(outcome.next?.view.rows).toHaveLength(1033);
    expect(outcome.notices.map((n) => n.kind)).toEqual(['baseline']);
  });

  test('different bytes with the same rows (in another order) are no change', async () => {
    const snap = await loadSnapshot('participatingAgencies10162025pm.xlsx');
    const state = accepted(snap);
    const outcome = judgePublication(state, publish(snap, [...snap.rows].reverse(), 1), opts(1));
    expect(outcome.verdict).toBe('unchanged');
    expect(outcome.events).toEqual([]);
  });

  test('the same file again is unchanged and stores nothing new', async () => {
    const snap = await loadSnapshot('participatingAgencies10162025pm.xlsx');
    const outcome = judgePublication(accepted(snap), snap, opts(1));
    expect(outcome).toMatchObject({ verdict: 'unchanged', next: null });
  });

  test('the 2025-09-22 swap is rejected in both directions and the next good file diffs against the last good one', async () => {
    const good = await loadSnapshot('participatingAgencies09222025am.xlsx');
    const swappedParticipating = await loadSnapshot('participatingAgencies09222025pm.xlsx', 'participating');
    const swappedPending = await loadSnapshot('pendingAgencies09222025pm.xlsx', 'pending');
    const state = accepted(good);

    const p = judgePublication(state, swappedParticipating, opts(1));
    expect(p.verdict).toBe('rejected');
    expect(p.reason).toMatch(/no SIGNED column.*pending list/);
    expect(p.next).toBeNull();
    expect(p.events).toEqual([]);

    const pendingState = accepted(await loadSnapshot('pendingAgencies09222025am.xlsx'));
    const q = judgePublication(pendingState, swappedPending, { ...opts(1), participating: good.rows });
    expect(q.verdict).toBe('rejected');
    expect(q.reason).toMatch(/SIGNED column.*participating list/);

    // The state was not moved, so 10-16 is diffed against 09-22am: no flood of 1,000 endings.
    const next = await loadSnapshot('participatingAgencies10162025pm.xlsx');
    const r = judgePublication(state, next, opts(2));
    expect(r.verdict).toBe('accepted');
    expect(r.events.filter((e) => e.type === 'agreement.ended').length).toBeLessThan(10);
  });

  test('an empty list is rejected', async () => {
    const snap = await loadSnapshot('participatingAgencies10162025pm.xlsx');
    const outcome = judgePublication(accepted(snap), publish(snap, [], 1), opts(1));
    expect(outcome).toMatchObject({ verdict: 'rejected', next: null });
  });

  describe('mass-ending hold', () => {
    test('holds a suspect mass ending, still alerts the rest, and confirms it an hour later', async () => {
      const snap = await loadSnapshot('participatingAgencies10162025pm.xlsx');
      const state = accepted(snap);
      const extra: Agreement = {
        ...snap.rows[100],
        agency: 'Brand New Police Department',
        agencyKey: 'brand new police department',
        signed: '2025-10-20',
      };
      const stale = [...snap.rows.slice(60), extra]; // the first 60 rows leave: 5.8% of 1,033 and more than 10

      const held = judgePublication(state, publish(snap, stale, 1), opts(1));
      expect(held.verdict).toBe('held');
      expect(held.events.map((e) => e.type)).toEqual(['agreement.signed']);
      expect(held.next!.held).toHaveLength(60);
      expect(held.next!.view.rows).toHaveLength(1033 + 1); // held rows stay in the accepted view
      expect(held.notices[0].text).toMatch(/60 of 1033/);

      // 30 minutes later: still lacking them, but too soon to confirm; nothing alerted, still held.
      const soon = judgePublication(held.next, publish(snap, [...stale], 1.5), opts(1.5));
      expect(soon.events).toEqual([]);
      expect(soon.next!.held).toHaveLength(60);

      // Over an hour after: confirmed, the 60 endings are alerted once.
      const later = judgePublication(soon.next, publish(snap, [...stale].reverse(), 2.5), opts(2.5));
      expect(later.verdict).toBe('accepted');
      expect(later.events.filter((e) => e.type === 'agreement.ended')).toHaveLength(60);
      expect(later.next!.held).toEqual([]);
      expect(later.notices.map((n) => n.kind)).toContain('confirmed');
    });

    test('a later publication with the rows back discards the hold and alerts nothing for them', async () => {
      const snap = await loadSnapshot('participatingAgencies10162025pm.xlsx');
      const held = judgePublication(accepted(snap), publish(snap, snap.rows.slice(100), 1), opts(1));
      expect(held.verdict).toBe('held');
      const back = judgePublication(held.next, publish(snap, [...snap.rows].reverse(), 3), opts(3));
      expect(back.events).toEqual([]);
      expect(back.next!.held).toEqual([]);
      expect(back.notices.map((n) => n.kind)).toEqual(['discarded']);
    });

    test('ten endings or fewer are never held, even on a small list', async () => {
      const snap = await loadSnapshot('participatingAgencies-20250221214937.xlsx');
      const outcome = judgePublication(accepted(snap), publish(snap, snap.rows.slice(10), 1), opts(1));
      expect(outcome.verdict).toBe('accepted');
      expect(outcome.events.filter((e) => e.type === 'agreement.ended')).toHaveLength(10);
    });

    test('the threshold is configurable', async () => {
      const snap = await loadSnapshot('participatingAgencies10162025pm.xlsx');
      const outcome = judgePublication(accepted(snap), publish(snap, snap.rows.slice(60), 1), {
        now: at(1),
        guards: { ...DEFAULT_GUARDS, massEndShare: 0.1 },
      });
      expect(outcome.verdict).toBe('accepted');
    });
  });

  test('replaying every participating file in date order never holds or floods', async () => {
    let state: SourceState | null = null;
    const endings: number[] = [];
    for (const [i, name] of PARTICIPATING_IN_ORDER.entries()) {
      const snap = await loadSnapshot(name, 'participating', at(i).toISOString());
      const outcome = judgePublication(state, snap, opts(i));
      expect(outcome.verdict).not.toBe('held');
      if (outcome.next) state = outcome.next;
      endings.push(outcome.events.filter((e) => e.type === 'agreement.ended').length);
    }
    expect(Math.max(...endings)).toBeLessThanOrEqual(22);
    expect(state!.view.meta.fileName).toBe('participatingAgencies12122025pm.xlsx');
  });
});

describe('judgePublication: lists that go back in time', () => {
  test('a list equal to an older accepted list that later lists changed much is rejected, and the state stays', async () => {
    const old = await loadSnapshot('participatingAgencies03062025am.xlsx');
    const current = await loadSnapshot('participatingAgencies-20250317231040.xlsx');
    const state = judgePublication(accepted(old), publish(current, current.rows, 1), opts(1)).next!;
    const stale = publish(old, [...old.rows].reverse(), 2);
    const outcome = judgePublication(state, stale, {
      ...opts(2),
      olderLists: [{ rows: old.rows, fileName: 'participatingAgencies03062025am.xlsx', fetchedAt: at(0).toISOString() }],
    });
    expect(outcome.verdict).toBe('rejected');
    expect(outcome.reason).toMatch(
      /goes back in time: it holds the same agreements as the older list participatingAgencies03062025am\.xlsx/,
    );
    expect(outcome.events).toEqual([]);
    expect(outcome.next?.view).toBe(state.view);
    // The same stale bytes next poll are quiet.
    expect(judgePublication(outcome.next, stale, opts(3)).verdict).toBe('unchanged');
  });

  test('a list that undoes one or two rows of the last change is judged as usual, not as stale', async () => {
    const base = await loadSnapshot('participatingAgencies10162025pm.xlsx');
    const older = base.rows.slice(0, 1000);
    const state = judgePublication(accepted(publish(base, older, 0)), publish(base, base.rows.slice(0, 1002), 1), opts(1)).next!;
    const outcome = judgePublication(state, publish(base, base.rows.slice(0, 1001), 2), {
      ...opts(2),
      olderLists: [{ rows: older, fileName: 'file-0.xlsx', fetchedAt: at(0).toISOString() }],
    });
    expect(outcome.verdict).toBe('accepted');
    expect(outcome.events.filter((e) => e.type === 'agreement.ended')).toHaveLength(1);
  });
});

describe('judgePublication: endings waiting for confirmation (ENDING_CONFIRM_HOURS)', () => {
  const confirming = (h: number) => ({ now: at(h), guards: { ...DEFAULT_GUARDS, endingConfirmMs: 6 * HOUR } });

  test('an ending waits; with no new publication it is announced after the hours pass, saying when it was last listed', async () => {
    const snap = await loadSnapshot('participatingAgencies10162025pm.xlsx');
    const state = accepted(snap);
    const without = publish(snap, snap.rows.slice(1), 1);
    const first = judgePublication(state, without, confirming(1));
    expect(first.events).toEqual([]);
    expect(first.next?.unconfirmed).toHaveLength(1);
    expect(judgePublication(first.next, without, confirming(3)).verdict).toBe('unchanged');
    const later = judgePublication(first.next, without, confirming(8));
    expect(later.events.map((e) => e.type)).toEqual(['agreement.ended']);
    expect(later.events[0]).toMatchObject({ agency: snap.rows[0].agency, lastListedAt: snap.meta.fetchedAt });
    expect(later.next?.unconfirmed).toEqual([]);
  });

  test('a row back before the ending was confirmed was never news', async () => {
    const snap = await loadSnapshot('participatingAgencies10162025pm.xlsx');
    const first = judgePublication(accepted(snap), publish(snap, snap.rows.slice(1), 1), confirming(1));
    const back = judgePublication(first.next, publish(snap, [...snap.rows].reverse(), 2), confirming(2));
    expect(back.events).toEqual([]);
    expect(back.next?.unconfirmed).toEqual([]);
  });
});

describe('judgePublication: names ICE flips back and forth', () => {
  test('the first rename is announced, renames back and forth within 30 days are not', async () => {
    const snap = await loadSnapshot('participatingAgencies10162025pm.xlsx');
    const renamed = (name: string, h: number) =>
      publish(snap, [{ ...snap.rows[0], agency: name, agencyKey: name.toLowerCase() }, ...snap.rows.slice(1)], h);
    let state = accepted(snap);
    const names = [`${snap.rows[0].agency} Unit`, snap.rows[0].agency, `${snap.rows[0].agency} Unit`];
    const counts: number[] = [];
    for (const [i, name] of names.entries()) {
      const outcome = judgePublication(
        state,
        name === snap.rows[0].agency ? publish(snap, snap.rows, 10 + i) : renamed(name, 10 + i),
        opts(10 + i),
      );
      counts.push(outcome.events.filter((e) => e.type === 'agreement.renamed').length);
      state = outcome.next!;
    }
    expect(counts).toEqual([1, 0, 0]);
  });
});

describe('resolveHeld: an operator decides on held signings', () => {
  test('accept adds the held signings and alerts them; discard keeps them out', async () => {
    const snap = await loadSnapshot('participatingAgencies-20250221214937.xlsx');
    const guards = { ...DEFAULT_GUARDS, massAddMinRows: 10, massAddShare: 0.5 };
    const later = await loadSnapshot('participatingAgencies-20250226183301.xlsx');
    const held = judgePublication(accepted(snap), publish(later, later.rows, 1), { now: at(1), guards });
    expect(held.verdict).toBe('held');
    expect(held.next?.heldAdditions?.length).toBe(88);
    expect(held.events.filter((e) => e.type === 'agreement.signed')).toEqual([]);
    const accept = resolveHeld(held.next!, 'accept', at(2));
    expect(accept.events.filter((e) => e.type === 'agreement.signed')).toHaveLength(88);
    expect(accept.next.heldAdditions).toEqual([]);
    const discard = resolveHeld(held.next!, 'discard', at(2));
    expect(discard.events).toEqual([]);
    expect(discard.next.view.rows).toHaveLength(held.next!.view.rows.length);
  });
});
