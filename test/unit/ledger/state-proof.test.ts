// State proofs: a bucket and its path prove a key's value, its absence, and a group's complete
// list; any single-byte change of a proof is refused; the vector of docs/wire-format.md §State proofs.
import { describe, expect, it } from 'vitest';
import { decodeStateProof, encodeStateProof } from '../../../codec/state-proof.js';
import { LedgerError } from '../../../ledger/errors.js';
import { StateProofCheck, verifyStateGroup, verifyStateProof } from '../../../ledger/state-proof.js';
import { bucketOf, EMPTY_BUCKET_LEAF, StateRootTree } from '../../../ledger/state-root.js';

const enc = new TextEncoder();
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The vector's state: two keys, one of them in the "scp/" group. */
function vectorTree(): StateRootTree {
  const t = new StateRootTree();
  t.set('gov/params', enc.encode('{"periodMs":1000}'));
  t.set('scp/000102030405060708090a0b0c0d0e0f', enc.encode('{"retired":false}'));
  return t;
}

const VECTOR_ROOT = '03c1616ca30159b71f4d7dad34b6cf040e24a2c1080210e3b5a305b7d68bddcc';
/** The proof of "gov/params", field by field as docs/wire-format.md lays it out. */
const VECTOR_PROOF = [
  '01', // version
  '0cea', // bucket 3306
  '00000001', // one entry
  '0000000a676f762f706172616d73', // key "gov/params"
  '000000117b22706572696f644d73223a313030307d', // value {"periodMs":1000}
  // siblings, leaf level first
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fe43d66afa4a9a5c4f9c9da89f4ffb52635c8f342e7ffb731d68e36c5982072a',
  'deb82e155954d6be14592c66ccf7a1ece193eeebcdabaf747b91f44519f09f47',
  '2960044c62f2354e945e8d78fdd220a05f2c0879f24df6f11ef5cc26b5270a0e',
  '4cfabc48c6898a30b1b5d12dda8e09a96e9ea17e80f4b2a050b8a8b4803fbd43',
  '7162ed848f19740e53766ce01ac099523b099d593e0782ddbc5296eece50ec50',
  '2be3cf0551cc6936d461e3dc43f3c4bf50cbee1bc091925254e879f4e7665e94',
  '12db5262a5500d2516b8f82362d2a87278d20f712ff1fce2019d42ecba17241d',
  '1a1a9265f869676c206824aa7bfc2fe8c7fe34691dddfb35797b6a321f977dfc',
  '6e0bb8243e268be3d2fa3ce83234b2f850c85162bd0fced30e919e069bd52df7',
  '0162892fa669b555682d4c5666f42c98f230e76406d646e6dbbcefb5d311e047',
  '13ec95240e08ce3a9ab5e26ec905921c6d25edd0a847bdef34a7066e471e7955',
];

function checkOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof LedgerError) return String(err.meta.check);
    throw err;
  }
  return 'accepted';
}

function bigTree(n: number): StateRootTree {
  const t = new StateRootTree();
  for (let i = 0; i < n; i++) t.set(`site/${i.toString(16).padStart(32, '0')}`, enc.encode(`{"n":${i}}`));
  for (let i = 0; i < 5; i++) t.set(`scp/${i.toString(16).padStart(32, '0')}`, enc.encode(`{"k":${i}}`));
  return t;
}

describe('state proofs', () => {
  it('matches the documented vector (tree shape, leaf and node hashing, proof encoding)', () => {
    const t = vectorTree();
    expect(hexOf(EMPTY_BUCKET_LEAF)).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(bucketOf('gov/params')).toBe(3306);
    expect(bucketOf('scp/')).toBe(1696);
    expect(bucketOf('scp/000102030405060708090a0b0c0d0e0f')).toBe(bucketOf('scp/'));
    expect(hexOf(t.root())).toBe(VECTOR_ROOT);
    const proof = encodeStateProof(t.proof('gov/params'));
    expect(hexOf(proof)).toBe(VECTOR_PROOF.join(''));
    expect(new TextDecoder().decode(verifyStateProof(t.root(), 'gov/params', proof))).toBe(
      '{"periodMs":1000}',
    );
  });

  it('proves a value, an absence and a complete group; incremental equals full', () => {
    const t = bigTree(3000);
    const root = t.root();
    expect(t.fullRoot()).toEqual(root);
    const key = `site/${(1234).toString(16).padStart(32, '0')}`;
    const proof = encodeStateProof(t.proof(key));
    expect(new TextDecoder().decode(verifyStateProof(root, key, proof))).toBe('{"n":1234}');
    // Absent: the key's bucket, proven whole, lacks it.
    const absent = `site/${'f'.repeat(32)}`;
    expect(verifyStateProof(root, absent, encodeStateProof(t.proof(absent)))).toBeUndefined();
    const group = verifyStateGroup(root, 'scp/', encodeStateProof(t.proof('scp/')));
    expect(group.map(([k]) => k)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `scp/${i.toString(16).padStart(32, '0')}`),
    );
    // A group's bucket proves a key of the group too, and its absence.
    expect(
      verifyStateProof(root, `scp/${'e'.repeat(32)}`, encodeStateProof(t.proof('scp/'))),
    ).toBeUndefined();
  });

  it('refuses every single-byte change of a proof, a wrong root, a wrong bucket and a non-group', () => {
    const t = bigTree(200);
    const root = t.root();
    const key = 'scp/';
    const good = encodeStateProof(t.proof(key));
    expect(checkOf(() => verifyStateGroup(root, key, good))).toBe('accepted');
    const seen = new Set<string>();
    for (let i = 0; i < good.length; i++) {
      const bad = Uint8Array.from(good);
      bad[i] = (bad[i] as number) ^ 0x01;
      const check = checkOf(() => verifyStateGroup(root, key, bad));
      expect(check, `byte ${i}`).not.toBe('accepted');
      seen.add(check);
    }
    expect([...seen].sort()).toEqual(
      [
        StateProofCheck.NotCanonical,
        StateProofCheck.RootMismatch,
        StateProofCheck.Undecodable,
        StateProofCheck.WrongBucket,
      ].sort(),
    );
    const otherRoot = Uint8Array.from(root);
    otherRoot[0] = (otherRoot[0] as number) ^ 1;
    expect(checkOf(() => verifyStateGroup(otherRoot, key, good))).toBe(StateProofCheck.RootMismatch);
    expect(checkOf(() => verifyStateProof(root, 'gov/params', good))).toBe(
      bucketOf('gov/params') === bucketOf(key) ? 'accepted' : StateProofCheck.WrongBucket,
    );
    expect(checkOf(() => verifyStateGroup(root, 'site/', good))).toBe(StateProofCheck.NotAGroup);
  });

  it('refuses a bucket with an entry left out, even re-encoded canonically', () => {
    const t = bigTree(10);
    const root = t.root();
    const p = decodeStateProof(encodeStateProof(t.proof('scp/')));
    const omitted = encodeStateProof({ ...p, entries: p.entries.slice(1) });
    expect(checkOf(() => verifyStateGroup(root, 'scp/', omitted))).toBe(StateProofCheck.RootMismatch);
  });
});
