import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CryptoError } from '../../../crypto/errors.js';
import {
  frontierSubtrees,
  LogFrontier,
  logConsistencyProof,
  logInclusionProof,
  logRootFrom,
  type Subtree,
  type SubtreeSource,
  subtreesEndingAt,
  subtreesRead,
  withSubtrees,
} from '../../../crypto/hash-log.js';
import { MerkleTree, merkleRoot } from '../../../crypto/merkle.js';
import {
  decodeConsistencyProof,
  decodeInclusionProof,
  encodeConsistencyProof,
  encodeInclusionProof,
} from '../../../crypto/merkle-proof-codec.js';
import { verifyConsistency, verifyInclusion } from '../../../crypto/merkle-verify.js';
import { hex, toHexString } from './helpers.js';

const H = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => H(Uint8Array.of(i & 255, i >> 8, 7)));
const hexAll = (hs: readonly Uint8Array[]) => hs.map(toHexString);

/** Perfect subtrees of a leaf list, the way a store would keep them, with a read counter. */
function sourceOf(leaves: Uint8Array[]): { src: SubtreeSource; reads: Subtree[] } {
  const reads: Subtree[] = [];
  const src: SubtreeSource = (s) => {
    reads.push(s);
    const lo = s.index * 2 ** s.level;
    const hi = lo + 2 ** s.level;
    if (hi > leaves.length) throw new Error(`subtree ${s.level}/${s.index} beyond the leaves`);
    return merkleRoot(leaves.slice(lo, hi));
  };
  return { src, reads };
}

describe('block-hash log (RFC 9162 tree kept as a frontier)', () => {
  it('frontier roots match the certificate-transparency reference roots', () => {
    const data = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657'].map(hex);
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    ];
    const f = LogFrontier.empty();
    expect(toHexString(f.root())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    data.forEach((d, i) => {
      f.append(d);
      expect(toHexString(f.root())).toBe(roots[i]);
    });
  });

  it('keeps one hash per set bit of the size, and append returns the subtrees it completes', () => {
    const leaves = leavesOf(70);
    const { src } = sourceOf(leaves);
    const f = LogFrontier.empty();
    leaves.forEach((leaf, i) => {
      const done = f.append(leaf);
      const ending = subtreesEndingAt(i);
      expect(hexAll(done)).toEqual(hexAll(ending.map(src)));
      expect(f.subtrees.length).toBe(frontierSubtrees(i + 1).length);
      expect(hexAll(f.subtrees)).toEqual(hexAll(frontierSubtrees(i + 1).map(src)));
      // A frontier rebuilt from the stored subtrees (a restart) continues with the same roots.
      const again = LogFrontier.of(i + 1, frontierSubtrees(i + 1).map(src));
      expect(toHexString(again.root())).toBe(toHexString(f.root()));
      expect(toHexString(logRootFrom(i + 1, src))).toBe(toHexString(f.root()));
    });
  });

  it('proofs from perfect subtrees equal MerkleTree proofs and verify, for every pair up to 40', () => {
    const leaves = leavesOf(40);
    const tree = new MerkleTree(leaves);
    const { src } = sourceOf(leaves);
    for (let n = 1; n <= 40; n++) {
      const root = tree.root(n);
      for (let m = 0; m < n; m++) {
        const p = logInclusionProof(m, n, src);
        expect(hexAll(p.path)).toEqual(hexAll(tree.inclusionProof(m, n).path));
        expect(verifyInclusion(leaves[m]!, p, root)).toBe(true);
      }
      for (let m = 1; m <= n; m++) {
        const p = logConsistencyProof(m, n, src);
        expect(hexAll(p.path)).toEqual(hexAll(tree.consistencyProof(m, n).path));
        expect(verifyConsistency(p, tree.root(m), root)).toBe(true);
      }
    }
  });

  it('every single-byte change of an encoded proof is refused', () => {
    const leaves = leavesOf(40);
    const tree = new MerkleTree(leaves);
    const { src } = sourceOf(leaves);
    const accepts = (bytes: Uint8Array, check: (b: Uint8Array) => boolean): boolean => {
      try {
        return check(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(CryptoError);
        return false;
      }
    };
    let mutations = 0;
    for (let n = 2; n <= 40; n++) {
      for (let m = 1; m < n; m++) {
        const enc = encodeConsistencyProof(logConsistencyProof(m, n, src));
        const first = tree.root(m);
        const second = tree.root(n);
        // Sizes come from the trusted headers: a proof for other sizes is refused too.
        const check = (b: Uint8Array): boolean => {
          const p = decodeConsistencyProof(b);
          return p.firstSize === m && p.secondSize === n && verifyConsistency(p, first, second);
        };
        expect(check(enc)).toBe(true);
        for (let i = 0; i < enc.length; i++) {
          const bad = Uint8Array.from(enc);
          bad[i]! ^= 1 << (i % 8);
          expect(accepts(bad, check)).toBe(false);
          mutations++;
        }
      }
      const at = n >> 1;
      const inc = encodeInclusionProof(logInclusionProof(at, n, src));
      const root = tree.root(n);
      const checkInc = (b: Uint8Array): boolean => {
        const p = decodeInclusionProof(b);
        return p.leafIndex === at && p.treeSize === n && verifyInclusion(leaves[at]!, p, root);
      };
      expect(checkInc(inc)).toBe(true);
      for (let i = 0; i < inc.length; i++) {
        const bad = Uint8Array.from(inc);
        bad[i]! ^= 0x80 >> (i % 8);
        expect(accepts(bad, checkInc)).toBe(false);
      }
    }
    expect(mutations).toBeGreaterThan(10_000);
  });

  it('reads O(log n) subtrees per proof, fetched in one batch', async () => {
    const n = 2 ** 20 + 12_345;
    // Subtree hashes of a synthetic log: any stable function of (level, index) will do for counting.
    const fake = (s: Subtree) =>
      H(Uint8Array.of(s.level, s.index & 255, (s.index >> 8) & 255, s.index >> 16));
    const wanted = subtreesRead((src) => logConsistencyProof(777_777, n, src));
    expect(wanted.length).toBeLessThanOrEqual(2 * 21);
    let batches = 0;
    const p = await withSubtrees(
      (src) => logConsistencyProof(777_777, n, src),
      async (list) => {
        batches++;
        return list.map(fake);
      },
    );
    expect(batches).toBe(1);
    expect(hexAll(p.path)).toEqual(hexAll(logConsistencyProof(777_777, n, fake).path));
  });

  it('refuses sizes outside the tree with a typed error', () => {
    const { src } = sourceOf(leavesOf(4));
    expect(() => logInclusionProof(4, 4, src)).toThrow(CryptoError);
    expect(() => logConsistencyProof(0, 4, src)).toThrow(CryptoError);
    expect(() => logConsistencyProof(5, 4, src)).toThrow(CryptoError);
    expect(() => LogFrontier.of(3, [new Uint8Array(32)])).toThrow(CryptoError);
  });
});
