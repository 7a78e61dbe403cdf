// Promise.withResolvers arrived in Node 22; libp2p 2.x's dependencies call it. This module must be
// the first import of every entry point (CLI, node process, worker threads, bench mains, the
// devnet load drivers, vitest setup). It lives here, below cli/ and devnet/, so that all of them
// may import it.
type Resolvers<T> = {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
};
const P = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = <T>(): Resolvers<T> => {
    let resolve!: Resolvers<T>['resolve'];
    let reject!: Resolvers<T>['reject'];
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

export {};
