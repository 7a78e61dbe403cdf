// Single-core and pool verification rates measured by timing loops (ops/s), shared by the crypto
// benchmark and the cluster benchmark (which sizes its expectations by what one core can verify).
import { performance } from 'node:perf_hooks';
import { generateEd25519, sign, verify } from '../../crypto/ed25519.js';
import { verifyNode } from '../../crypto/ed25519-node.js';
import type { VerifyItem, VerifyPool } from '../../crypto/verify-pool.js';

/** n distinct signed 200-byte messages from a few keys. */
export function signedItems(n: number): VerifyItem[] {
  const keys = Array.from({ length: 8 }, () => generateEd25519());
  return Array.from({ length: n }, (_, i) => {
    const key = keys[i % keys.length]!;
    const message = Uint8Array.from({ length: 200 }, (_, j) => (i * 7 + j) & 255);
    return { publicKey: key.publicKey, message, signature: sign(key, message) };
  });
}

type VerifyFn = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;

/** Calls `fn` in a loop for about `ms` milliseconds; returns calls per second. */
export function loopRate(fn: () => void, ms: number): number {
  let done = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let k = 0; k < 64; k++) fn();
    done += 64;
    now = performance.now();
  }
  return (done * 1000) / (now - start);
}

/**
 * Best rates of several functions measured in alternation over `rounds` rounds: on a shared
 * machine a burst of someone else's work then lowers one sample, not one side of a ratio.
 */
export function bestRates(
  fns: Record<string, () => void>,
  rounds: number,
  ms: number,
): Record<string, number> {
  const best: Record<string, number> = {};
  for (let r = 0; r < rounds; r++)
    for (const [name, fn] of Object.entries(fns)) best[name] = Math.max(best[name] ?? 0, loopRate(fn, ms));
  return best;
}

/** Verifies items round-robin on this thread for about `ms` milliseconds; returns ops/s. */
export function loopVerifyRate(fn: VerifyFn, items: readonly VerifyItem[], ms: number): number {
  let i = 0;
  return loopRate(() => {
    const it = items[i++ % items.length]!;
    if (!fn(it.publicKey, it.message, it.signature)) throw new Error('benchmark item failed to verify');
  }, ms);
}

/**
 * Ed25519 verifications per second on one core with the faster of libsodium and node:crypto
 * (each measured for `ms`; the first pass warms up both).
 */
export function measureBestVerifyRate(ms: number): number {
  const items = signedItems(256);
  loopVerifyRate(verify, items, Math.min(100, ms));
  loopVerifyRate(verifyNode, items, Math.min(100, ms));
  return Math.max(loopVerifyRate(verify, items, ms), loopVerifyRate(verifyNode, items, ms));
}

/** Pool throughput: `items` in batches of `batchSize`, `concurrency` batches in flight; ops/s. */
export async function poolVerifyRate(
  pool: VerifyPool,
  items: readonly VerifyItem[],
  batchSize: number,
  concurrency: number,
): Promise<number> {
  const batches: VerifyItem[][] = [];
  for (let at = 0; at < items.length; at += batchSize) batches.push(items.slice(at, at + batchSize));
  let next = 0;
  const start = performance.now();
  const lane = async (): Promise<void> => {
    while (next < batches.length) {
      const answer = await pool.verifyBatch(batches[next++]!);
      if (!answer.every(Boolean)) throw new Error('benchmark item failed to verify in the pool');
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return (items.length * 1000) / (performance.now() - start);
}
