/**
 * Values that run code when read: a Proxy whose every trap counts and throws, and a getter that
 * counts and returns such a Proxy. Tests hand them to the plugins' extractors, which read plain data
 * only, and expect `runs()` to stay 0.
 */
export interface HostileValues {
  /** A Proxy whose get, getOwnPropertyDescriptor, ownKeys and getPrototypeOf traps count and throw. */
  hostile(): object;
  /** `o` with an enumerable getter at `key` that counts and returns a hostile Proxy. */
  withGetter<T extends object>(o: T, key: string): T;
  /** How many traps and getters ran. */
  runs(): number;
}

export function hostileValues(): HostileValues {
  let runs = 0;
  const trap = (): never => {
    runs++;
    throw new Error("trap");
  };
  const hostile = (): object => new Proxy({}, { get: trap, getOwnPropertyDescriptor: trap, ownKeys: trap, getPrototypeOf: trap });
  return {
    hostile,
    withGetter: (o, key) => Object.defineProperty(o, key, { enumerable: true, get: () => (runs++, hostile()) }),
    runs: () => runs,
  };
}
