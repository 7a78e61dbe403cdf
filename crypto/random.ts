// Randomness is injected: production code passes nothing and gets the OS CSPRNG; tests pass a
// seeded source to make keys, nonces and salts reproducible.
import { randomBytes } from 'node:crypto';

/** Returns `length` fresh random bytes. */
export type RandomSource = (length: number) => Uint8Array;

/** The operating system's CSPRNG (node:crypto randomBytes). Not a clock, so pure modules may use it. */
export const systemRandom: RandomSource = (length) => {
  const b = randomBytes(length);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
};
