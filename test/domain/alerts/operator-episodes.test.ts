import { EPISODE_STALE_MS, observeProblem, observeRecovery, REPEAT_GAPS_MS } from '../../../src/domain/alerts/operator-episodes';

const H = 3_600_000;
const T0 = Date.parse('2025-10-16T20:00:00Z');
const at = (ms: number) => new Date(T0 + ms);

describe('observeProblem', () => {
  test('a problem seen every 15 minutes for three days is told at its start, 6 h later, then once a day', () => {
    let episode = null;
    const told: number[] = [];
    for (let t = 0; t <= 72 * H; t += H / 4) {
      const { next, tell } = observeProblem(episode, 'rejected', '287(g) participating list', at(t));
      episode = next;
      if (tell) told.push(t / H);
    }
    expect(REPEAT_GAPS_MS).toEqual([6 * H, 24 * H]);
    expect(told).toEqual([0, 6, 30, 54]);
    expect(episode).toMatchObject({ key: 'rejected|287(g) participating list', told: 4, startedAt: at(0).toISOString() });
  });

  test('the identity is kind plus subject: another kind on the same subject is its own episode', () => {
    const first = observeProblem(null, 'failing', '287(g) page', at(0));
    expect(observeProblem(first.next, 'failing', '287(g) page', at(H)).tell).toBeNull();
    expect(observeProblem(null, 'rejected', '287(g) page', at(H)).tell).toBe('start');
  });

  test('a problem not seen for two days starts afresh (a paused channel resumed and lost again)', () => {
    const first = observeProblem(null, 'paused', 'slack channel C1', at(0));
    expect(observeProblem(first.next, 'paused', 'slack channel C1', at(EPISODE_STALE_MS - 1)).tell).toBe('repeat');
    expect(observeProblem(first.next, 'paused', 'slack channel C1', at(EPISODE_STALE_MS))).toMatchObject({
      tell: 'start',
      next: { told: 1 },
    });
  });
});

describe('observeRecovery', () => {
  test('ends every open episode on the subject and is told once; with none open, nothing is told', () => {
    const open = [observeProblem(null, 'failing', 's', at(0)).next, observeProblem(null, 'job-failed', 's', at(0)).next];
    expect(observeRecovery(open, at(H))).toEqual({ ended: open, tell: true });
    expect(observeRecovery([], at(H))).toEqual({ ended: [], tell: false });
  });
});
