// Proof bundles: a bundle verifies; altering any byte of the envelope, the proof, the
// header or the certificate, or verifying against another validator set, fails.
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCommitCertificate, encodeCommitCertificate } from '../../../codec/certificate.js';
import {
  CertificateFailure,
  commitQuorum,
  validatorSetHash,
  verifyCertificate,
} from '../../../crypto/certificate.js';
import { tracingCode } from '../../../crypto/hash.js';
import { type TraceBundle, TraceFailure, verifyTraceBundle } from '../../../crypto/trace-bundle.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { MemoryDb } from '../../../node/store/index.js';
import { certifiedBlock, keyPair, type TestChain, tempDir, testChain, upload } from './fixtures.js';

describe('trace bundles', () => {
  let chain: TestChain;
  let bundles: TraceBundle[];
  let validators: Uint8Array[];

  beforeAll(async () => {
    chain = testChain();
    validators = chain.validators.map((v) => v.publicKey);
    const tmp = tempDir();
    const ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb() });
    const envs = [1, 2, 3, 4, 5, 6, 7].map((seq) => upload(chain.genesis.chainId, chain.sites[0]!, seq, seq));
    const b = certifiedBlock(chain, 1, envs);
    await ledger.commit(b.bytes, b.decoded);
    bundles = await Promise.all(envs.map((e) => ledger.store.traceBundle(tracingCode(e))));
    await ledger.close();
    tmp.cleanup();
  });

  it('verifies for every envelope of the block', () => {
    for (const [i, b] of bundles.entries()) {
      const check = verifyTraceBundle(b, validators);
      expect(check).toMatchObject({ ok: true });
      expect(b.index).toBe(i);
    }
  });

  function flips(bytes: Uint8Array): Uint8Array[] {
    return Array.from(bytes, (_, i) => {
      const c = bytes.slice();
      c[i] = (c[i] as number) ^ 0x01;
      return c;
    });
  }

  it('fails when any byte of the envelope, header or certificate is altered', () => {
    const b = bundles[3] as TraceBundle;
    for (const envelope of flips(b.envelope))
      expect(verifyTraceBundle({ ...b, envelope }, validators).ok).toBe(false);
    for (const blockHeader of flips(b.blockHeader))
      expect(verifyTraceBundle({ ...b, blockHeader }, validators).ok).toBe(false);
    for (const certificate of flips(b.certificate))
      expect(verifyTraceBundle({ ...b, certificate }, validators).ok).toBe(false);
  });

  it('fails when any byte of the proof, or the index, is altered', () => {
    const b = bundles[3] as TraceBundle;
    expect(b.proof.length).toBeGreaterThan(0);
    b.proof.forEach((node, j) => {
      for (const changed of flips(node)) {
        const proof = b.proof.map((p, k) => (k === j ? changed : p));
        expect(verifyTraceBundle({ ...b, proof }, validators)).toMatchObject({
          ok: false,
          reason: TraceFailure.NotIncluded,
        });
      }
    });
    expect(verifyTraceBundle({ ...b, index: 2 }, validators).ok).toBe(false);
    expect(verifyTraceBundle({ ...b, proof: b.proof.slice(1) }, validators).ok).toBe(false);
  });

  it('fails against another validator set', () => {
    const b = bundles[0] as TraceBundle;
    const other = [keyPair(77).publicKey, ...validators.slice(1)];
    expect(verifyTraceBundle(b, other)).toMatchObject({ ok: false, reason: TraceFailure.WrongValidatorSet });
    expect(verifyTraceBundle(b, [...validators].reverse())).toMatchObject({
      ok: false,
      reason: TraceFailure.WrongValidatorSet,
    });
  });
});

describe('verifyCertificate', () => {
  const chain = testChain({ validators: 4 });
  const validators = chain.validators.map((v) => v.publicKey);
  const built = certifiedBlock(chain, 5, []);
  const cert = built.decoded.certificate;
  const block = { hash: built.hash, height: 5 };
  const id = chain.genesis.chainId;

  it('accepts 2f+1 valid signatures', () => {
    expect(commitQuorum(4)).toBe(3);
    expect(commitQuorum(7)).toBe(5);
    expect(verifyCertificate(cert, block, id, validators)).toEqual({ ok: true });
  });

  it('refuses too few signatures, a repeated validator, an unknown index, a bad signature, another block', () => {
    const few = { ...cert, signatures: cert.signatures.slice(0, 2) };
    expect(verifyCertificate(few, block, id, validators)).toMatchObject({
      reason: CertificateFailure.NoQuorum,
    });
    const s0 = cert.signatures[0]!;
    const repeated = { ...cert, signatures: [s0, s0, s0] };
    expect(verifyCertificate(repeated, block, id, validators)).toMatchObject({
      reason: CertificateFailure.NotAscending,
    });
    const unknown = { ...cert, signatures: [...cert.signatures.slice(0, 2), { ...s0, validator: 9 }] };
    expect(verifyCertificate(unknown, block, id, validators)).toMatchObject({
      reason: CertificateFailure.UnknownValidator,
    });
    const forged = {
      ...cert,
      signatures: cert.signatures.map((s, i) => (i === 1 ? { ...s, signature: new Uint8Array(64) } : s)),
    };
    expect(verifyCertificate(forged, block, id, validators)).toMatchObject({
      reason: CertificateFailure.BadSignature,
    });
    expect(verifyCertificate(cert, { ...block, height: 6 }, id, validators)).toMatchObject({
      reason: CertificateFailure.WrongBlock,
    });
    expect(verifyCertificate(cert, block, new Uint8Array(32), validators)).toMatchObject({
      reason: CertificateFailure.BadSignature,
    });
    expect(verifyCertificate(cert, block, id, [])).toMatchObject({ reason: CertificateFailure.NoValidators });
  });

  it('signatures by validators outside the quorum also count, in any subset of size 2f+1', () => {
    const signed = certifiedBlock(chain, 5, [], {
      signers: [chain.validators[3]!, chain.validators[1]!, chain.validators[2]!],
    });
    const c = decodeCommitCertificate(encodeCommitCertificate(signed.decoded.certificate));
    expect(verifyCertificate(c, { hash: signed.hash, height: 5 }, id, validators)).toEqual({ ok: true });
  });

  it('validatorSetHash depends on membership and order', () => {
    const h = validatorSetHash(validators);
    expect(validatorSetHash([...validators])).toEqual(h);
    expect(validatorSetHash([...validators].reverse())).not.toEqual(h);
    expect(validatorSetHash(validators.slice(1))).not.toEqual(h);
  });
});
