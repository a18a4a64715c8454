/** The promise's value, or a rejection saying `what` took longer than `ms`: a hung database never hangs the caller. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  p.catch(() => undefined); // a rejection after the bound is nobody's to handle
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
