/**
 * Runs read-modify-write sections one at a time within this process: keyv has no
 * transactions, and two overlapping rewrites of one index record would lose one side's
 * change (a poll's new outbox entries vanishing from the pending index while a drain
 * reindexes). Several instances sharing a store need more than this (the scale-out issue).
 */
export function createSerializer(): <T>(section: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (section) => {
    const run = tail.then(section, section);
    tail = run.catch(() => undefined);
    return run;
  };
}
