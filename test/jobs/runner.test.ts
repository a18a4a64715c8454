import type { Job } from '../../jobs/job';
import { createJobRunner } from '../../jobs/runner';
import { loadConfig } from '../../src/config';
import { createDelivery } from '../../src/delivery/delivery';
import type { OperatorNotice } from '../../src/domain/alerts/operator-notice';
import { createLogger } from '../../src/logging/logger';
import { SourceFailingError } from '../../src/pipelines/guarded-poll';
import { createPolls } from '../../src/pipelines/polls';
import { openStores } from '../../src/store/open-stores';

/** The runner over a real delivery (memory store) whose operators' channel and terminal are recorded. */
function world(mayLead = async () => true) {
  const config = loadConfig({ STORE_URL: 'memory://' });
  const stores = openStores({ url: 'memory://' });
  const logger = createLogger('silent');
  const now = () => new Date('2026-03-02T10:00:00Z');
  const channel: string[] = [];
  const terminal: OperatorNotice[] = [];
  const delivery = createDelivery({
    stores,
    owner: 'test',
    logger,
    now,
    noticeRetryDelaysMs: [],
    platforms: [
      {
        sender: { platform: 'console', send: async () => ({ ok: true }) },
        operatorChannel: async (text) => (channel.push(text), { ok: true }),
        terminal: async (notices) => void terminal.push(...notices),
      },
    ],
  });
  const pipelines = createPolls({ config, stores, router: delivery.router, notifyOperators: delivery.notifyOperators, logger, now });
  const runner = createJobRunner({ jobs: [], config, deps: { logger, now, pipelines, delivery }, mayLead });
  return { runner, channel, terminal, close: () => stores.close() };
}

const job = (name: string, run: Job['run'], leader = false): Job => ({ name, leader, schedule: () => '*/5 * * * *', run });

describe('the job runner', () => {
  test('a failing job is one "job failed" episode for operators, ended by one "runs again"; the run itself never rejects', async () => {
    const w = world();
    let broken = true;
    const flaky = job('flaky', async () => {
      if (broken) throw new Error('the store did not answer');
    });
    await expect(w.runner.run(flaky)).resolves.toBeUndefined();
    await w.runner.run(flaky);
    expect(w.channel).toEqual([
      'ice-watch · job failed: flaky failed: the store did not answer. It runs again at its next scheduled time (*/5 * * * *).',
    ]);
    broken = false;
    await w.runner.run(flaky);
    await w.runner.run(flaky);
    expect(w.channel).toHaveLength(2);
    expect(w.channel[1]).toMatch(/^ice-watch · recovered: flaky runs again \(first told 2026-03-02 10:00 UTC\)$/);
    await w.close();
  });

  test('a failing source is told on the terminal at each failure, not as a job failure on the channels (the source has its own notices)', async () => {
    const w = world();
    const poll = job('poll-287g', async () => {
      throw new SourceFailingError(
        'GET https://ice.example/287g answered 503. 2 failed polls in a row; next try after 2026-03-02 10:10 UTC',
      );
    });
    await w.runner.run(poll);
    await w.runner.run(poll);
    expect(w.channel).toEqual([]);
    expect(w.terminal.map((n) => [n.kind, n.text])).toEqual([
      ['failing', 'poll-287g: GET https://ice.example/287g answered 503. 2 failed polls in a row; next try after 2026-03-02 10:10 UTC.'],
      ['failing', 'poll-287g: GET https://ice.example/287g answered 503. 2 failed polls in a row; next try after 2026-03-02 10:10 UTC.'],
    ]);
    await w.close();
  });

  test('a leader job runs only where the poll lease allows; the others always', async () => {
    const w = world(async () => false);
    const ran: string[] = [];
    await w.runner.run(job('lead', async () => void ran.push('lead'), true));
    await w.runner.run(job('anyone', async () => void ran.push('anyone')));
    await w.runner.idle();
    expect(ran).toEqual(['anyone']);
    await w.close();
  });
});
