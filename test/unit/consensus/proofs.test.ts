// The Verifier (TOCS'02 §4.4): certificates, prepared proofs and VIEW-CHANGEs are accepted whole
// or not at all. Real ones from the simulator pass; each single corruption fails.
import { describe, expect, test } from 'vitest';
import type { CommitCertificate, PreparedProof, ViewChange } from '../../../codec/types.js';
import { type ConsensusDeps, ValidatorSchedule, Verifier } from '../../../consensus/index.js';
import { CHAIN_ID } from '../../../testkit/sim/node.js';
import { stubHash, stubHashHeader, stubPublicKey, stubVerify } from '../../../testkit/sim/stub-crypto.js';
import { viewChangeTraffic } from './fixtures.js';

const deps: ConsensusDeps = {
  hashHeader: stubHashHeader,
  verify: stubVerify,
  sign: () => new Uint8Array(64),
  txHash: (e) => stubHash(e, 3),
  buildBlock: () => {
    throw new Error('unused');
  },
  validateBlock: () => null,
  committedBlock: () => undefined,
};
const verifier = new Verifier(CHAIN_ID, deps, new ValidatorSchedule(1, [0, 1, 2, 3].map(stubPublicKey)));
const { certified, viewChange } = viewChangeTraffic();
const flip = (b: Uint8Array) => {
  const c = b.slice();
  c[0]! ^= 1;
  return c;
};

describe('commit certificates', () => {
  const { block, certificate } = certified;
  const check = (c: CommitCertificate) => verifier.certificate(c, block);

  test('a real certificate verifies', () => {
    expect(certificate.signatures.length).toBeGreaterThanOrEqual(3);
    expect(check(certificate)).toBe(true);
  });

  test('one bad signature, a repeated signer, too few signers or another block all fail', () => {
    const sigs = certificate.signatures;
    expect(
      check({
        ...certificate,
        signatures: [{ ...sigs[0]!, signature: flip(sigs[0]!.signature) }, ...sigs.slice(1)],
      }),
    ).toBe(false);
    expect(check({ ...certificate, signatures: [sigs[0]!, sigs[0]!, sigs[1]!] })).toBe(false);
    expect(check({ ...certificate, signatures: sigs.slice(0, 2) })).toBe(false);
    expect(check({ ...certificate, blockHash: flip(certificate.blockHash) })).toBe(false);
    expect(check({ ...certificate, view: certificate.view + 1 })).toBe(false);
    expect(verifier.certificate(certificate, { ...block, header: { ...block.header, time: 1 } })).toBe(false);
  });
});

describe('prepared proofs and VIEW-CHANGE', () => {
  const proof = viewChange.prepared[0]!;

  test('real ones verify', () => {
    expect(verifier.prepared(proof)).toBe(true);
    expect(verifier.viewChange(viewChange, 64)).toBe(true);
  });

  test('a forged PRE-PREPARE signature, a forged or missing PREPARE, or another header fail', () => {
    const bad = (p: Partial<PreparedProof>) => verifier.prepared({ ...proof, ...p });
    expect(bad({ prePrepareSignature: flip(proof.prePrepareSignature) })).toBe(false);
    expect(bad({ prepares: proof.prepares.slice(1) })).toBe(false);
    expect(
      bad({
        prepares: [
          { ...proof.prepares[0]!, signature: flip(proof.prepares[0]!.signature) },
          ...proof.prepares.slice(1),
        ],
      }),
    ).toBe(false);
    expect(bad({ header: { ...proof.header, time: proof.header.time + 1 } })).toBe(false);
    expect(bad({ view: proof.view + 1 })).toBe(false);
  });

  test('a VIEW-CHANGE with a bad proof, a proof outside its window or from its own view fails', () => {
    const vc = (v: Partial<ViewChange>) => verifier.viewChange({ ...viewChange, ...v }, 64);
    expect(vc({ prepared: [{ ...proof, prepares: [] }] })).toBe(false);
    expect(vc({ prepared: [proof, proof] })).toBe(false);
    expect(verifier.viewChange(viewChange, proof.seq - 1)).toBe(false);
    expect(vc({ newView: proof.view })).toBe(false);
    expect(vc({ signature: flip(viewChange.signature) })).toBe(false);
  });

  test('a checkpoint proof needs 2f+1 valid signatures except at genesis', () => {
    expect(verifier.checkpoint({ seq: 0, digest: new Uint8Array(32), signatures: [] })).toBe(true);
    expect(verifier.checkpoint({ seq: 4, digest: new Uint8Array(32), signatures: [] })).toBe(false);
  });
});
