// Client-side verification of proven state (api/verify-state.ts): a correct answer verifies, and a
// single-byte change anywhere in the certified header, its certificate or a bucket proof is refused
// with VERIFICATION_FAILED, as are an answer for another chain and one without a proof.
import { describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import type { StateProofBytes } from '../../../api/types.js';
import { type StateTrust, verifyStateAnswer } from '../../../api/verify-state.js';
import { encodeBlockHeader } from '../../../codec/block.js';
import { encodeCommitCertificate } from '../../../codec/certificate.js';
import { encodeStateProof } from '../../../codec/state-proof.js';
import { StateRootTree } from '../../../ledger/state-root.js';
import { certifiedBlock, testChain } from '../store/fixtures.js';

const enc = new TextEncoder();

function fixture(): { proof: StateProofBytes; trust: StateTrust; keys: string[] } {
  const chain = testChain();
  const tree = new StateRootTree();
  tree.set('gov/params', enc.encode('{"periodMs":1000}'));
  tree.set('scp/000102030405060708090a0b0c0d0e0f', enc.encode('{"retired":false}'));
  tree.set('scp/0f0e0d0c0b0a09080706050403020100', enc.encode('{"retired":true}'));
  const b = certifiedBlock(chain, 5, [], { stateRoot: tree.root() });
  const keys = ['gov/params', 'scp/', 'site/00000000000000000000000000000000'];
  return {
    proof: {
      header: encodeBlockHeader(b.decoded.block.header),
      certificate: encodeCommitCertificate(b.decoded.certificate),
      buckets: keys.map((k) => encodeStateProof(tree.proof(k))),
    },
    trust: { chainId: chain.genesis.chainId, validators: chain.validators.map((v) => v.publicKey) },
    keys,
  };
}

function checkOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof ApiError && err.code === ApiErrorCode.VerificationFailed)
      return String(err.meta.check);
    throw err;
  }
  return 'accepted';
}

function flipped(b: Uint8Array, at: number): Uint8Array {
  const out = Uint8Array.from(b);
  out[at] = (out[at] as number) ^ 0x01;
  return out;
}

describe('verifyStateAnswer', () => {
  it('returns the proven value, the complete group and a proven absence', () => {
    const { proof, trust, keys } = fixture();
    const v = verifyStateAnswer(proof, keys, trust);
    expect(v.header.height).toBe(5);
    expect(v.height).toBe(4);
    expect(v.entries[0]!.map((e) => new TextDecoder().decode(e.value))).toEqual(['{"periodMs":1000}']);
    expect(v.entries[1]!.map((e) => e.key)).toEqual([
      'scp/000102030405060708090a0b0c0d0e0f',
      'scp/0f0e0d0c0b0a09080706050403020100',
    ]);
    expect(v.entries[2]).toEqual([]);
  });

  it('refuses every single-byte change of the header, the certificate and each bucket proof', () => {
    const { proof, trust, keys } = fixture();
    const checks = new Set<string>();
    const expectRefused = (bad: StateProofBytes, where: string): void => {
      const check = checkOf(() => verifyStateAnswer(bad, keys, trust));
      expect(check, where).not.toBe('accepted');
      checks.add(check);
    };
    for (let i = 0; i < proof.header.length; i++)
      expectRefused({ ...proof, header: flipped(proof.header, i) }, `header byte ${i}`);
    for (let i = 0; i < proof.certificate.length; i++)
      expectRefused({ ...proof, certificate: flipped(proof.certificate, i) }, `certificate byte ${i}`);
    proof.buckets.forEach((bucket, k) => {
      for (let i = 0; i < bucket.length; i++) {
        const buckets = proof.buckets.map((b, j) => (j === k ? flipped(b, i) : b));
        expectRefused({ ...proof, buckets }, `bucket ${k} byte ${i}`);
      }
    });
    // Each layer of the check was reached: decoding, chain, validator set, certificate, bucket, root.
    for (const c of [
      'UNDECODABLE_HEADER',
      'WRONG_CHAIN',
      'WRONG_VALIDATOR_SET',
      'WRONG_BLOCK',
      'WRONG_BUCKET',
      'ROOT_MISMATCH',
    ])
      expect(checks, c).toContain(c);
  });

  it('refuses another chain, a missing proof, a bucket count that does not fit and swapped buckets', () => {
    const { proof, trust, keys } = fixture();
    expect(checkOf(() => verifyStateAnswer(proof, keys, { ...trust, chainId: new Uint8Array(32) }))).toBe(
      'WRONG_CHAIN',
    );
    expect(checkOf(() => verifyStateAnswer(null, keys, trust))).toBe('NO_PROOF');
    expect(checkOf(() => verifyStateAnswer({ ...proof, buckets: proof.buckets.slice(1) }, keys, trust))).toBe(
      'BUCKET_COUNT',
    );
    const swapped = [proof.buckets[1]!, proof.buckets[0]!, proof.buckets[2]!];
    expect(checkOf(() => verifyStateAnswer({ ...proof, buckets: swapped }, keys, trust))).toBe(
      'WRONG_BUCKET',
    );
  });
});
