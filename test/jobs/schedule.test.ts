import { Writable } from 'node:stream';
import type { ScheduledTask } from 'node-cron';
import type { Config } from '../../src/config';
import { createLogger } from '../../src/logging/logger';
import type { Job } from '../../jobs/job';
import { scheduleJobs } from '../../jobs/schedule';
import { waitUntil } from '../helpers/wait';

describe('scheduled jobs', () => {
  test("node-cron's own warnings (an overlapping run) are JSON lines of our logger with the job's name, never coloured console text", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => void (lines.push(...String(chunk).split('\n').filter(Boolean)), done()) });
    const logger = createLogger('debug', sink);
    let release = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    // Every second; the first run holds until released, so the next tick finds it still running.
    const job: Job = { name: 'slow-job', schedule: () => '* * * * * *', run: async () => undefined };
    let tasks: ScheduledTask[] = [];
    try {
      tasks = scheduleJobs([job], {} as Config, () => blocked, logger);
      await waitUntil(() => lines.some((l) => l.includes('overlap')), 'the overlap warning', 5000);
    } finally {
      release();
      await Promise.all(tasks.map((t) => t.destroy()));
    }
    const warning = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l.msg).includes('overlap'))!;
    expect(warning).toMatchObject({
      level: 40,
      job: 'slow-job',
      msg: 'node-cron: task still running, new execution blocked by overlap prevention!',
    });
    expect(lines.join('\n')).not.toMatch(/\x1b\[/);
  });
});
