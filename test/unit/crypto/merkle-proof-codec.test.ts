import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CryptoErrorCode } from '../../../crypto/errors.js';
import { MerkleTree } from '../../../crypto/merkle.js';
import {
  decodeConsistencyProof,
  decodeInclusionProof,
  encodeConsistencyProof,
  encodeInclusionProof,
} from '../../../crypto/merkle-proof-codec.js';
import { verifyConsistency, verifyInclusion } from '../../../crypto/merkle-verify.js';
import { errorCodeOf, hex } from './helpers.js';

const leaves = Array.from({ length: 1000 }, (_, i) => Uint8Array.of(i & 255, i >> 8));
const tree = new MerkleTree(leaves);

describe('Merkle proof encoding', () => {
  it('round trips and the decoded proof still verifies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 1, max: 1000 }), (i, m) => {
        const inc = decodeInclusionProof(encodeInclusionProof(tree.inclusionProof(i)));
        expect(verifyInclusion(leaves[i]!, inc, tree.root())).toBe(true);
        const con = decodeConsistencyProof(encodeConsistencyProof(tree.consistencyProof(m)));
        expect(verifyConsistency(con, tree.root(m), tree.root())).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('has the documented layout: kind, LEB128 sizes, count, hashes', () => {
    const p = tree.inclusionProof(300);
    const b = encodeInclusionProof(p);
    expect(Array.from(b.subarray(0, 6))).toEqual([0x01, 0xac, 0x02, 0xe8, 0x07, p.path.length]);
    expect(b.length).toBe(6 + 32 * p.path.length);
    expect(encodeConsistencyProof({ firstSize: 3, secondSize: 3, path: [] })).toEqual(
      Uint8Array.of(2, 3, 3, 0),
    );
  });

  it('refuses truncation, trailing bytes, wrong kind, non-minimal and oversized varints', () => {
    const good = encodeInclusionProof(tree.inclusionProof(7));
    const cases = [
      good.subarray(0, good.length - 1),
      Uint8Array.from([...good, 0]),
      Uint8Array.of(2, ...good.subarray(1)),
      hex('01800001' + '00'),
      hex('01ffffffffffffffff7f0100'),
      new Uint8Array(0),
      Uint8Array.of(1, 0, 1, 200),
    ];
    for (const c of cases) expect(errorCodeOf(() => decodeInclusionProof(c))).toBe(CryptoErrorCode.Malformed);
    expect(errorCodeOf(() => decodeConsistencyProof(good))).toBe(CryptoErrorCode.Malformed);
    expect(errorCodeOf(() => encodeInclusionProof({ leafIndex: -1, treeSize: 1, path: [] }))).toBe(
      CryptoErrorCode.InvalidInput,
    );
  });
});
