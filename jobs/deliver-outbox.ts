import type { Job } from './job';

/** Retries what the outbox still holds (failed sends wait for their backoff), every 30 seconds. */
export default {
  name: 'deliver-outbox',
  leader: true,
  schedule: () => '*/30 * * * * *',
  async run({ delivery }) {
    await delivery.drain();
  },
} satisfies Job;
