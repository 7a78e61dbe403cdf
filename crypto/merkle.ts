// A Merkle tree over a list of leaves (the tracing codes of a block's envelopes, or a log of block
// hashes), RFC 9162 section 2.1 shape. The tree keeps every level: level k entry i is the hash of
// leaves [i*2^k, min((i+1)*2^k, n)), built bottom-up with a lone last node promoted unchanged,
// which yields exactly the RFC's "split at the largest power of two below n" tree. Proofs at the
// current or any earlier size read from those levels.
import type { Hash32 } from '../codec/types.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import { logConsistencyProof, logInclusionProof, type SubtreeSource } from './hash-log.js';
import type { ConsistencyProof, InclusionProof } from './merkle-hash.js';
import { EMPTY_TREE_ROOT, leafHash, nodeHash, splitPoint } from './merkle-hash.js';

export type { ConsistencyProof, InclusionProof };

/** Root of a list of leaves without keeping the levels (the block builder's path). */
export function merkleRoot(leaves: readonly Uint8Array[]): Hash32 {
  if (leaves.length === 0) return EMPTY_TREE_ROOT;
  let level = leaves.map(leafHash);
  while (level.length > 1) {
    const next: Hash32[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

export class MerkleTree {
  /** levels[0] are leaf hashes; levels[k][i] covers leaves [i*2^k, min((i+1)*2^k, size)). */
  private readonly levels: Hash32[][] = [[]];

  constructor(leaves: readonly Uint8Array[] = []) {
    for (const leaf of leaves) this.append(leaf);
  }

  get size(): number {
    return this.levels[0]!.length;
  }

  /** Adds a leaf, recomputing only the right edge of the tree (O(log n) hashes). */
  append(leaf: Uint8Array): void {
    this.levels[0]!.push(leafHash(leaf));
    for (let k = 0; this.levels[k]!.length > 1; k++) {
      const level = this.levels[k]!;
      const last = level.length - 1;
      const parent = last >> 1;
      const value = last % 2 === 1 ? nodeHash(level[last - 1]!, level[last]!) : level[last]!;
      if (k + 1 === this.levels.length) this.levels.push([]);
      this.levels[k + 1]![parent] = value;
    }
  }

  /** Root of the whole tree, or of its first `size` leaves. */
  root(size: number = this.size): Hash32 {
    this.checkSize(size, 0);
    return size === 0 ? EMPTY_TREE_ROOT : this.rangeHash(0, size);
  }

  /** RFC 9162 2.1.3.1 inclusion proof of leaf `index` in the tree of the first `treeSize` leaves. */
  inclusionProof(index: number, treeSize: number = this.size): InclusionProof {
    this.checkSize(treeSize, 1);
    if (!Number.isInteger(index) || index < 0 || index >= treeSize)
      throw new CryptoError(CryptoErrorCode.InvalidInput, 'leaf index outside the tree', { index, treeSize });
    return logInclusionProof(index, treeSize, this.perfect);
  }

  /** RFC 9162 2.1.4.1 consistency proof that the first `firstSize` leaves are a prefix. */
  consistencyProof(firstSize: number, secondSize: number = this.size): ConsistencyProof {
    this.checkSize(secondSize, 1);
    if (!Number.isInteger(firstSize) || firstSize < 1 || firstSize > secondSize)
      throw new CryptoError(CryptoErrorCode.InvalidInput, 'first size must be in [1, second size]', {
        firstSize,
        secondSize,
      });
    return logConsistencyProof(firstSize, secondSize, this.perfect);
  }

  /** A perfect subtree inside the tree: complete, so its stored level entry is its hash. */
  private readonly perfect: SubtreeSource = (t) => this.levels[t.level]![t.index]!;

  /** MTH(D[lo:hi]) for the ranges RFC recursion visits: from the stored levels when it is one. */
  private rangeHash(lo: number, hi: number): Hash32 {
    const n = hi - lo;
    let k = 0;
    while (2 ** k < n) k++;
    const stored = this.levels[k]?.[lo / 2 ** k];
    if (lo % 2 ** k === 0 && (n === 2 ** k || hi === this.size) && stored) return stored;
    if (n === 1) return this.levels[0]![lo]!;
    const split = splitPoint(n);
    return nodeHash(this.rangeHash(lo, lo + split), this.rangeHash(lo + split, hi));
  }

  private checkSize(size: number, min: number): void {
    if (!Number.isInteger(size) || size < min || size > this.size)
      throw new CryptoError(CryptoErrorCode.InvalidInput, `tree size must be in [${min}, ${this.size}]`, {
        size,
      });
  }
}
