// The browser's stand-in for crypto/random.ts: the page's CSPRNG. Swapped in by console/bundle.ts.
export type RandomSource = (length: number) => Uint8Array;

export const systemRandom: RandomSource = (length) => crypto.getRandomValues(new Uint8Array(length));
