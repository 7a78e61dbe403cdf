// Offline verification of Merkle proofs, RFC 9162 sections 2.1.3.2 (inclusion) and 2.1.4.2
// (consistency). Pure functions of the proof and the roots a verifier already trusts (a block
// header's txRoot, or roots of a block-hash log). Malformed proofs return false, never throw.
// As in RFC 9162 (where sizes come from the signed tree head), the root alone does not bind the
// tree sizes: callers must take treeSize / secondSize from the same trusted source as the root
// (the block header's txCount, the log's certified length), not from the proof's sender.
import type { Hash32 } from '../codec/types.js';
import { bytesEqual } from './bytes.js';
import type { ConsistencyProof, InclusionProof } from './merkle.js';
import { EMPTY_TREE_ROOT, leafHash, nodeHash } from './merkle-hash.js';

function wellFormed(path: readonly Uint8Array[]): boolean {
  return path.length <= 128 && path.every((h) => h instanceof Uint8Array && h.length === 32);
}

function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

const isSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/** Shifts fn and sn right until fn's lowest bit is set or fn is 0 (the RFC's "right-shift" loop). */
function shiftPastZeros(fn: number, sn: number): [number, number] {
  while (fn % 2 === 0 && fn !== 0) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return [fn, sn];
}

/**
 * The RFC's walk up the tree: for each path hash, `left(h)` when h is the left sibling (fn odd or
 * fn at the right edge, then skip levels where the node was promoted), `right(h)` otherwise.
 * Returns the final sn (0 when the path fits the sizes) or -1 when the path is too long.
 */
function ladder(
  fn: number,
  sn: number,
  path: readonly Hash32[],
  left: (h: Hash32) => void,
  right: (h: Hash32) => void,
): number {
  for (const h of path) {
    if (sn === 0) return -1;
    if (fn % 2 === 1 || fn === sn) {
      left(h);
      [fn, sn] = shiftPastZeros(fn, sn);
    } else {
      right(h);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn;
}

/** Root implied by a leaf hash and its path, or null when the path does not fit the sizes. */
export function rootFromInclusion(leaf: Hash32, proof: InclusionProof): Hash32 | null {
  const { leafIndex, treeSize, path } = proof;
  if (!isSize(leafIndex) || !isSize(treeSize) || leafIndex >= treeSize || !wellFormed(path)) return null;
  let r = leaf;
  const sn = ladder(
    leafIndex,
    treeSize - 1,
    path,
    (h) => {
      r = nodeHash(h, r);
    },
    (h) => {
      r = nodeHash(r, h);
    },
  );
  return sn === 0 ? r : null;
}

/** True when `leafData` (e.g. a tracing code) is leaf `proof.leafIndex` of the tree with `root`. */
export function verifyInclusion(leafData: Uint8Array, proof: InclusionProof, root: Hash32): boolean {
  const r = rootFromInclusion(leafHash(leafData), proof);
  return r !== null && bytesEqual(r, root);
}

/** True when the tree with `secondRoot` extends the tree with `firstRoot` (RFC 9162 2.1.4.2). */
export function verifyConsistency(proof: ConsistencyProof, firstRoot: Hash32, secondRoot: Hash32): boolean {
  const { firstSize, secondSize } = proof;
  if (!isSize(firstSize) || !isSize(secondSize) || firstSize > secondSize || !wellFormed(proof.path))
    return false;
  if (firstSize === secondSize) return proof.path.length === 0 && bytesEqual(firstRoot, secondRoot);
  // The empty tree is a prefix of every tree; nothing to prove beyond the empty root.
  if (firstSize === 0) return proof.path.length === 0 && bytesEqual(firstRoot, EMPTY_TREE_ROOT);
  // When the first tree is a complete subtree its root is the proof's implicit first element.
  const c = isPowerOfTwo(firstSize) ? [firstRoot, ...proof.path] : proof.path;
  if (c.length === 0) return false;
  let fn = firstSize - 1;
  let sn = secondSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = c[0]!;
  let sr = c[0]!;
  const end = ladder(
    fn,
    sn,
    c.slice(1),
    (h) => {
      fr = nodeHash(h, fr);
      sr = nodeHash(h, sr);
    },
    (h) => {
      sr = nodeHash(sr, h);
    },
  );
  return end === 0 && bytesEqual(fr, firstRoot) && bytesEqual(sr, secondRoot);
}
