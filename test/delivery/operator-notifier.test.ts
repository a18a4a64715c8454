import { createOperatorNotifier } from '../../src/delivery/operator-notifier';
import type { SendResult } from '../../src/delivery/sender';
import type { OperatorNotice } from '../../src/domain/agreements/guards';
import { createLogger } from '../../src/logging/logger';
import { createEpisodeStore, type EpisodeStore } from '../../src/store/episode-store';
import { openDatabase } from '../../src/store/db/database';

const MIN = 60_000;
const html: OperatorNotice = {
  kind: 'rejected',
  subject: '287(g) participating list',
  text: 'the participating list was not read: an HTML page',
};
const back: OperatorNotice = {
  kind: 'recovered',
  subject: '287(g) participating list',
  text: '287(g) participating list: a good file again',
};

describe('the operator notifier', () => {
  let clock: Date;
  let told: string[];
  const output = async (text: string): Promise<SendResult> => (told.push(text), { ok: true });
  const notifierOn = (episodes: EpisodeStore, outputs = [output]) =>
    createOperatorNotifier({ outputs, episodes, logger: createLogger('silent'), now: () => clock, retryDelaysMs: [1, 1] });
  beforeEach(() => {
    clock = new Date('2025-10-16T20:00:00Z');
    told = [];
  });

  test('a restart mid-episode (a new notifier on the same store) neither repeats the notice nor forgets to tell the recovery', async () => {
    const db = openDatabase('memory://');
    try {
      await notifierOn(createEpisodeStore(db))([html]);
      clock = new Date(clock.getTime() + 15 * MIN);
      const restarted = notifierOn(createEpisodeStore(db));
      await restarted([html]);
      expect(told).toEqual(['ice-watch · file rejected: the participating list was not read: an HTML page']);
      clock = new Date(clock.getTime() + 15 * MIN);
      await restarted([back]);
      await restarted([back]); // a second good poll: the episode is over, nothing more
      expect(told).toEqual([
        'ice-watch · file rejected: the participating list was not read: an HTML page',
        'ice-watch · recovered: 287(g) participating list: a good file again (first told 2025-10-16 20:00 UTC)',
      ]);
    } finally {
      await db.close();
    }
  });

  test('a notice without a subject is told every time; a recovery with no episode is not told', async () => {
    const db = openDatabase('memory://');
    try {
      const notify = notifierOn(createEpisodeStore(db));
      await notify([
        { kind: 'baseline', text: 'participating baseline: 1033 rows' },
        { kind: 'baseline', text: 'participating baseline: 1033 rows' },
        back,
      ]);
      expect(told).toEqual([
        'ice-watch · baseline stored: participating baseline: 1033 rows',
        'ice-watch · baseline stored: participating baseline: 1033 rows',
      ]);
    } finally {
      await db.close();
    }
  });

  test('a store that stops answering: the notice still goes out, once, from what the process remembers', async () => {
    const down: EpisodeStore = {
      get: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
      set: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
      delete: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
    };
    const notify = notifierOn(down);
    const storeDown: OperatorNotice = {
      kind: 'job-failed',
      subject: 'job poll-287g',
      text: 'poll-287g failed: connect ECONNREFUSED 127.0.0.1:5432',
    };
    for (let i = 0; i < 4; i++) {
      await notify([storeDown]);
      clock = new Date(clock.getTime() + 15 * MIN);
    }
    await notify([{ kind: 'recovered', subject: 'job poll-287g', text: 'poll-287g runs again' }]);
    expect(told).toEqual([
      'ice-watch · job failed: poll-287g failed: connect ECONNREFUSED 127.0.0.1:5432',
      'ice-watch · recovered: poll-287g runs again (first told 2025-10-16 20:00 UTC)',
    ]);
  });

  test('one socket error does not lose a notice: the output is tried again', async () => {
    const db = openDatabase('memory://');
    try {
      let calls = 0;
      const flaky = async (text: string): Promise<SendResult> => {
        if (++calls === 1) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return output(text);
      };
      await notifierOn(createEpisodeStore(db), [flaky])([{ kind: 'held', text: '900000 new agreements in Texas held' }]);
      expect(calls).toBe(2);
      expect(told).toEqual(['ice-watch · changes held: 900000 new agreements in Texas held']);
    } finally {
      await db.close();
    }
  });
});
