import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CryptoError } from '../../../crypto/errors.js';
import {
  type ConsistencyProof,
  type InclusionProof,
  MerkleTree,
  merkleRoot,
} from '../../../crypto/merkle.js';
import { rootFromInclusion, verifyConsistency, verifyInclusion } from '../../../crypto/merkle-verify.js';
import { hex, toHexString } from './helpers.js';

// Reference: RFC 9162 section 2.1 definitions written out literally (recursive, no caching).
const H = (...parts: Uint8Array[]) =>
  new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return H();
  if (d.length === 1) return H(Uint8Array.of(0), d[0]!);
  const s = k(d.length);
  return H(Uint8Array.of(1), mth(d.slice(0, s)), mth(d.slice(s)));
}
function refPath(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s
    ? [...refPath(m, d.slice(0, s)), mth(d.slice(s))]
    : [...refPath(m - s, d.slice(s)), mth(d.slice(0, s))];
}
function refSubproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s
    ? [...refSubproof(m, d.slice(0, s), b), mth(d.slice(s))]
    : [...refSubproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => H(Uint8Array.of(i & 255, i >> 8)));
const hexAll = (hs: Uint8Array[]) => hs.map(toHexString);

function alter(path: Uint8Array[], at: number): Uint8Array[] {
  return path.map((h, i) => {
    if (i !== at) return h;
    const c = Uint8Array.from(h);
    c[at % 32]! ^= 1;
    return c;
  });
}

describe('Merkle tree (RFC 9162 2.1)', () => {
  it('matches the RFC 6962 / certificate-transparency reference roots', () => {
    const data = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ].map(hex);
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const tree = new MerkleTree(data);
    roots.forEach((r, i) => {
      expect(toHexString(tree.root(i + 1))).toBe(r);
      expect(toHexString(merkleRoot(data.slice(0, i + 1)))).toBe(r);
    });
    expect(toHexString(merkleRoot([]))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('roots, inclusion and consistency proofs equal the literal RFC definitions for sizes 1..40', () => {
    const all = leavesOf(40);
    const tree = new MerkleTree(all);
    for (let n = 1; n <= 40; n++) {
      const d = all.slice(0, n);
      expect(toHexString(tree.root(n))).toBe(toHexString(mth(d)));
      for (let m = 0; m < n; m++)
        expect(hexAll(tree.inclusionProof(m, n).path)).toEqual(hexAll(refPath(m, d)));
      for (let m = 1; m < n; m++)
        expect(hexAll(tree.consistencyProof(m, n).path)).toEqual(hexAll(refSubproof(m, d, true)));
    }
  });

  // Tree sizes are not bound by the root alone (RFC 9162 takes them from the signed tree head): a
  // verifier takes them from the trusted header, so the alterations below change index and hashes.
  it('property: every leaf of a random tree verifies, and any altered proof fails', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (n, seed) => {
        const leaves = leavesOf(n).map((l) => H(l, Uint8Array.of(seed & 255)));
        const tree = new MerkleTree(leaves);
        const root = merkleRoot(leaves);
        expect(toHexString(tree.root())).toBe(toHexString(root));
        for (let i = 0; i < n; i++) {
          const p = tree.inclusionProof(i);
          expect(verifyInclusion(leaves[i]!, p, root)).toBe(true);
        }
        const i = seed % n;
        const p = tree.inclusionProof(i);
        const bad: InclusionProof[] = [
          { ...p, leafIndex: (i + 1) % n === i ? n : (i + 1) % n },
          { ...p, treeSize: i },
          { ...p, path: [...p.path, root] },
          ...p.path.map((_, at) => ({ ...p, path: alter(p.path, at) })),
        ];
        if (p.path.length > 0) bad.push({ ...p, path: p.path.slice(1) });
        for (const b of bad) expect(verifyInclusion(leaves[i]!, b, root)).toBe(false);
        expect(verifyInclusion(H(leaves[i]!), p, root)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('property: consistency between random sizes verifies, and any altered proof fails', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), (n, pick) => {
        const tree = new MerkleTree(leavesOf(n));
        const m = 1 + (pick % n);
        const p = tree.consistencyProof(m, n);
        const [r1, r2] = [tree.root(m), tree.root(n)];
        expect(verifyConsistency(p, r1, r2)).toBe(true);
        const bad: ConsistencyProof[] = p.path.map((_, at) => ({ ...p, path: alter(p.path, at) }));
        bad.push({ ...p, path: [...p.path, r1] });
        bad.push({ ...p, secondSize: m - 1 });
        for (const b of bad) expect(verifyConsistency(b, r1, r2)).toBe(false);
        if (m < n) expect(verifyConsistency(p, r2, r2)).toBe(false);
      }),
      { numRuns: 80 },
    );
  });

  it('append keeps the same roots as building at once, at every size', () => {
    const leaves = leavesOf(70);
    const grown = new MerkleTree();
    leaves.forEach((l, i) => {
      grown.append(l);
      expect(toHexString(grown.root())).toBe(toHexString(merkleRoot(leaves.slice(0, i + 1))));
    });
  });

  it('edge cases: the empty tree, equal sizes, bad indexes', () => {
    const tree = new MerkleTree(leavesOf(5));
    const empty = new MerkleTree().root();
    expect(verifyConsistency({ firstSize: 0, secondSize: 5, path: [] }, empty, tree.root())).toBe(true);
    expect(verifyConsistency({ firstSize: 5, secondSize: 5, path: [] }, tree.root(), tree.root())).toBe(true);
    expect(tree.consistencyProof(5).path).toEqual([]);
    expect(() => tree.inclusionProof(5)).toThrow(CryptoError);
    expect(() => tree.root(6)).toThrow(CryptoError);
    expect(() => tree.consistencyProof(0)).toThrow(CryptoError);
    expect(rootFromInclusion(H(), { leafIndex: 0, treeSize: 0, path: [] })).toBeNull();
    expect(
      verifyInclusion(leavesOf(1)[0]!, { leafIndex: 0, treeSize: 1, path: [] }, merkleRoot(leavesOf(1))),
    ).toBe(true);
  });
});
