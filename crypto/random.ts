// Randomness is injected: production code passes nothing and gets the OS CSPRNG; tests pass a
// seeded source to make keys, nonces and salts reproducible.
import { randomBytes, randomFillSync } from 'node:crypto';

/** Returns `length` fresh random bytes. */
export type RandomSource = (length: number) => Uint8Array;

// One randomBytes(12) call costs about as much as an AES-GCM encryption of a KPI record, which
// made it a third of the cost of session-key sealing. Small requests are served from a 4 KiB
// block filled in one call; bytes are zeroed in the block as they are handed out, so no copy of
// a key or nonce stays behind. Worker threads and child processes each get their own block.
const BLOCK_BYTES = 4096;
const SMALL_REQUEST = 64;
const block = new Uint8Array(BLOCK_BYTES);
let used = BLOCK_BYTES;

/** The operating system's CSPRNG (node:crypto). Not a clock, so pure modules may use it. */
export const systemRandom: RandomSource = (length) => {
  if (length > SMALL_REQUEST) {
    const b = randomBytes(length);
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  }
  if (used + length > BLOCK_BYTES) {
    randomFillSync(block);
    used = 0;
  }
  const out = block.slice(used, used + length);
  block.fill(0, used, used + length);
  used += length;
  return out;
};
