// Inclusion proofs for the store's trace bundles, with crypto's RFC 9162 hash primitives.
// The tree is built bottom-up, a lone last node promoted unchanged (the RFC's tree). Aligned
// chunks of CHUNK leaves are whole subtrees, so at commit the store keeps the tree's level
// log2(CHUNK) (one hash per chunk); a proof then hashes only the envelope's own chunk and climbs
// the stored level: about 100 hashes instead of 2n for a 1,000-envelope block. crypto's
// verifyInclusion checks these proofs in the tests, so the two cannot drift apart.
import { EMPTY_TREE_ROOT, leafHash, nodeHash } from '../../crypto/merkle-hash.js';
import { StoreError, StoreErrorCode } from './errors.js';

export const CHUNK = 16;

/** Climbs from `level` to the root, appending the sibling of position `i` at each level. */
function climb(level: Uint8Array[], i: number, path: Uint8Array[] | undefined): Uint8Array {
  let cur = level;
  let at = i;
  while (cur.length > 1) {
    const sibling = at ^ 1;
    if (path !== undefined && sibling < cur.length) path.push(cur[sibling] as Uint8Array);
    const next: Uint8Array[] = [];
    for (let j = 0; j + 1 < cur.length; j += 2)
      next.push(nodeHash(cur[j] as Uint8Array, cur[j + 1] as Uint8Array));
    if (cur.length % 2 === 1) next.push(cur[cur.length - 1] as Uint8Array);
    cur = next;
    at >>= 1;
  }
  return cur[0] as Uint8Array;
}

function chunkRoot(leaves: readonly Uint8Array[], c: number, path?: Uint8Array[], index = 0): Uint8Array {
  const chunk = leaves.slice(c * CHUNK, (c + 1) * CHUNK).map(leafHash);
  return climb(chunk, index, path);
}

/** The tree's level log2(CHUNK): one subtree hash per chunk of leaves, concatenated. */
export function chunkLevel(leaves: readonly Uint8Array[]): Uint8Array {
  const n = Math.ceil(leaves.length / CHUNK);
  const out = new Uint8Array(32 * n);
  for (let c = 0; c < n; c++) out.set(chunkRoot(leaves, c), 32 * c);
  return out;
}

/**
 * Chunk levels of blocks, per envelope list: the block builder (or validator) computes the level
 * for the header's txRoot and the commit stores the same level, so the leaves are hashed once per
 * block instead of twice (profiled: the two passes were 7% of a one-node cluster's main thread).
 * Keyed by the list object, which nobody modifies once a block holds it.
 */
const levels = new WeakMap<readonly Uint8Array[], Uint8Array>();

/** chunkLevel(leaves), where `leaves` are the tracing codes of `envelopes`, remembered per list. */
export function blockChunkLevel(envelopes: readonly Uint8Array[], leaves: readonly Uint8Array[]): Uint8Array {
  let level = levels.get(envelopes);
  if (level === undefined) {
    level = chunkLevel(leaves);
    levels.set(envelopes, level);
  }
  return level;
}

/** The tree's root from its chunk level (equal to crypto's merkleRoot of the leaves). */
export function rootOfChunkLevel(level: Uint8Array): Uint8Array {
  if (level.length === 0) return EMPTY_TREE_ROOT;
  return climb(split(level), 0, undefined);
}

function split(level: Uint8Array): Uint8Array[] {
  return Array.from({ length: level.length / 32 }, (_, j) => level.subarray(32 * j, 32 * j + 32));
}

/** RFC 9162 audit path of leaf `index` among `leaves`, given their stored chunk level. */
export function inclusionPath(leaves: readonly Uint8Array[], index: number, level: Uint8Array): Uint8Array[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length)
    throw new StoreError(StoreErrorCode.NotFound, 'leaf index outside the block', {
      index,
      size: leaves.length,
    });
  const chunks = Math.ceil(leaves.length / CHUNK);
  if (level.length !== 32 * chunks)
    throw new StoreError(StoreErrorCode.Corrupt, 'chunk level does not match leaves');
  const path: Uint8Array[] = [];
  const c = Math.floor(index / CHUNK);
  chunkRoot(leaves, c, path, index % CHUNK);
  climb(split(level), c, path);
  return path;
}
