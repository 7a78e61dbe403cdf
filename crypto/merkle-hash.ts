// RFC 9162 section 2.1.1 Merkle hashing: leaf = SHA-256(0x00 || data), node = SHA-256(0x01 ||
// left || right), empty tree = SHA-256(""). The prefixes keep a leaf from being passed off as an
// interior node (second-preimage). libsodium's one-shot SHA-256 over a reused 65-byte scratch
// buffer is about 2x faster than node:crypto for these short inputs.
import type { Hash32 } from '../codec/types.js';
import { concatBytes } from './bytes.js';
import { sha256, sodiumSha256 } from './hash.js';

const LEAF_PREFIX = Uint8Array.of(0x00);
// Both scratch inputs are reused; sodiumSha256 copies short ones off the V8 heap before hashing.
const scratch = new Uint8Array(65);
scratch[0] = 0x01;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_TREE_ROOT: Hash32 = sha256(new Uint8Array(0));

const leafScratch = new Uint8Array(33);

export function leafHash(data: Uint8Array): Hash32 {
  // Leaves are nearly always 32-byte tracing codes or block hashes: no concatenation for those.
  if (data.length !== 32) return sha256(concatBytes(LEAF_PREFIX, data));
  leafScratch.set(data, 1);
  return sodiumSha256(leafScratch);
}

/** SHA-256(0x01 || left || right); both children are 32-byte hashes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Hash32 {
  scratch.set(left, 1);
  scratch.set(right, 33);
  return sodiumSha256(scratch);
}

/** Largest power of two strictly less than n (n >= 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  /** Sibling hashes from the leaf's level upward (RFC 9162 PATH order). */
  path: Hash32[];
}

export interface ConsistencyProof {
  firstSize: number;
  secondSize: number;
  /** RFC 9162 PROOF(m, D[n]) order. */
  path: Hash32[];
}
