// Test helpers: a deterministic random source (SHA-256 in counter mode over a seed) and hex.
import { createHash } from 'node:crypto';
import { CryptoError } from '../../../crypto/errors.js';
import type { RandomSource } from '../../../crypto/random.js';

export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let at = 0; at < length; at += 32) {
      const block = createHash('sha256').update(`${seed}/${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, length - at)), at);
    }
    return out;
  };
}

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export function toHexString(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** The CryptoError code `fn` throws, 'other' for another exception, undefined when it returns. */
export function errorCodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof CryptoError ? e.code : 'other';
  }
  return undefined;
}

/** errorCodeOf for a promise. */
export async function asyncErrorCodeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return e instanceof CryptoError ? e.code : 'other';
  }
  return undefined;
}
