import type { Config } from '../src/config';
import { SourceFailingError } from '../src/pipelines/guarded-poll';
import { describeJobFailure } from './job-failure';
import type { Job, JobDeps } from './job';

export interface JobRunnerDeps {
  jobs: readonly Job[];
  config: Config;
  deps: JobDeps;
  /** Whether a `leader` job may run here now (the poll lease, with several instances). */
  mayLead: () => Promise<boolean>;
}

/**
 * Runs jobs, one run at a time per call, and says how each run went: a job that runs again
 * after failing ends its "job failed" episode; a failure is logged (a failing source's stack
 * only at debug: its guarded poll said why at warn) and told, to operators as a `job-failed`
 * episode, or for a failing source to the terminal alone (the channels hear that source's own
 * notices after SOURCE_ALERT_AFTER_MINUTES). Never rejects.
 */
export function createJobRunner({ jobs, config, deps, mayLead }: JobRunnerDeps) {
  const { delivery } = deps;
  const running = new Set<Promise<void>>();

  function run(job: Job): Promise<void> {
    const logger = deps.logger.child({ job: job.name });
    const lead = async () => (!job.leader || (await mayLead()) ? job.run({ ...deps, logger }) : undefined);
    const p = lead()
      .then(
        () => delivery.notifyOperators([{ kind: 'recovered', subject: `job ${job.name}`, text: `${job.name} runs again` }]),
        async (err: unknown) => {
          const failure = describeJobFailure(job.name, job.schedule(config), err);
          if (failure.expected) logger.debug({ err }, `${job.name} failed`);
          else logger.error({ err }, `${job.name} failed; it runs again at its next scheduled time`);
          if (err instanceof SourceFailingError) await delivery.tellTerminal([{ kind: 'failing', text: failure.text }]);
          else await delivery.notifyOperators([{ kind: 'job-failed', subject: `job ${job.name}`, text: failure.text }]);
        },
      )
      .catch((err: unknown) => logger.error({ err }, 'operator notice failed'));
    running.add(p);
    void p.finally(() => running.delete(p));
    return p;
  }

  return {
    run,
    /** The jobs that run at start (the polls), now: when the bot starts, and when this instance takes the poll lease over. */
    runStartJobs(which: 'all' | 'leaders' = 'all'): void {
      for (const job of jobs) if (job.runAtStart && (which === 'all' || job.leader)) void run(job);
    },
    /** Resolves when every run under way has ended. */
    idle: async (): Promise<void> => void (await Promise.all(running)),
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
