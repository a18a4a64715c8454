import type { OutboxStore } from '../../src/store/outbox-store';

/**
 * An outbox whose writes can be made to fail, as when the database connection is cut after a
 * platform accepted a message: `failWrites(message)` makes `save` and `saveMany` throw (reads,
 * claims and the rest go on), `heal()` lets them through again. Counts the saves it refused.
 */
export function switchableOutbox(inner: OutboxStore): OutboxStore & { failWrites(message: string): void; heal(): void; refused: number } {
  let failure: string | null = null;
  const control = {
    refused: 0,
    failWrites: (message: string) => void (failure = message),
    heal: () => void (failure = null),
  };
  const refuse = () => {
    control.refused++;
    return Promise.reject(new Error(failure!));
  };
  // A proxy, not a copy: the store's own methods (and any it calls on itself) stay as they are.
  return new Proxy(inner, {
    get(target, key, receiver) {
      if (key in control) return control[key as keyof typeof control];
      if (failure && (key === 'save' || key === 'saveMany')) return refuse;
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as OutboxStore & typeof control;
}
