/**
 * Polls `check` every `everyMs` until it holds; throws `timed out waiting for <what>` after `ms`.
 * For tests that wait on other processes or queues (no fixed sleeps standing in for "done").
 */
export async function waitUntil(check: () => Promise<boolean> | boolean, what: string, ms = 20_000, everyMs = 50): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
