import type { Metrics } from './metrics';

/**
 * Runs a command and reports how long it took, whatever its outcome: the one helper the
 * Discord and Slack handlers share around `command.run(ctx, args)`. Without metrics it
 * only runs the command.
 */
export async function timeCommand<T>(metrics: Pick<Metrics, 'commandFinished'> | undefined, platform: string, command: string, run: () => Promise<T>): Promise<T> {
  if (!metrics) return run();
  const start = process.hrtime.bigint();
  try {
    return await run();
  } finally {
    metrics.commandFinished(platform, command, Number(process.hrtime.bigint() - start) / 1e9);
  }
}
