import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MerkleTree, merkleRoot } from '../../../crypto/merkle.js';
import { verifyInclusion } from '../../../crypto/merkle-verify.js';
import { blockChunkLevel, chunkLevel, inclusionPath, rootOfChunkLevel } from '../../../node/store/proof.js';

const leavesOf = (n: number, salt: number) =>
  Array.from({ length: n }, (_, i) =>
    new Uint8Array(32).fill((i * 7 + salt) & 0xff).map((b, j) => b ^ (j === 0 ? i >> 8 : 0)),
  );

describe('store inclusion proofs from the chunk level', () => {
  it('verify with crypto for every leaf of trees of any size, and equal crypto MerkleTree paths', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(255), (n, salt) => {
        const leaves = leavesOf(n, salt);
        const root = merkleRoot(leaves);
        const level = chunkLevel(leaves);
        const tree = new MerkleTree(leaves);
        for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 17))) {
          const path = inclusionPath(leaves, i, level);
          expect(verifyInclusion(leaves[i]!, { leafIndex: i, treeSize: n, path }, root)).toBe(true);
          expect(path).toEqual(tree.inclusionProof(i).path);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('gives the RFC 9162 root from the chunk level alone, for every size including the empty tree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600 }), fc.nat(255), (n, salt) => {
        const leaves = leavesOf(n, salt);
        expect(rootOfChunkLevel(chunkLevel(leaves))).toEqual(merkleRoot(leaves));
      }),
      { numRuns: 120 },
    );
  });

  it('computes a block chunk level once per envelope list and gives it back for that list only', () => {
    const envelopes = [Uint8Array.of(1), Uint8Array.of(2)];
    const leaves = leavesOf(2, 3);
    const level = blockChunkLevel(envelopes, leaves);
    expect(level).toEqual(chunkLevel(leaves));
    // The same list: the remembered level (not recomputed from the other leaves passed).
    expect(blockChunkLevel(envelopes, leavesOf(2, 4))).toBe(level);
    // An equal but distinct list: computed from its own leaves.
    expect(blockChunkLevel([...envelopes], leavesOf(2, 4))).toEqual(chunkLevel(leavesOf(2, 4)));
  });

  it('refuses an index outside the block and a level that does not match', () => {
    const leaves = leavesOf(20, 1);
    expect(() => inclusionPath(leaves, 20, chunkLevel(leaves))).toThrow(/outside/);
    expect(() => inclusionPath(leaves, 0, new Uint8Array(32))).toThrow(/does not match/);
  });
});
