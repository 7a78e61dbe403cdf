// Client-side verification: genuine traces and blocks pass against the validator set; every way a
// node could lie (another envelope, a swapped body, a forged or thin certificate, another validator
// set, garbage) is refused with VERIFICATION_FAILED and the failed check named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorCode } from '../../../api/errors.js';
import type { TraceBundleBytes } from '../../../api/types.js';
import { verifyCertifiedBlock, verifyTrace } from '../../../api/verify.js';
import { encodeCertifiedBlock } from '../../../codec/certificate.js';
import { ed25519FromSeed } from '../../../crypto/ed25519.js';
import { tracingCode } from '../../../crypto/hash.js';
import { chainId, fakeEnvelope, makeBlock, validators } from './chain-fixture.js';
import { bytes } from './fake-node.js';
import type { Rig } from './harness.js';
import { startRig } from './harness.js';

const block = makeBlock(3);
const code2 = tracingCode(block.envelopes[2]!);
const trust = { chainId, validators };
// The same validator keys running another chain: every signature is genuine, for that chain.
const otherChain = bytes(32, 0xdd);
const foreign = makeBlock(
  3,
  [0, 1, 2],
  [1, 2, 3, 4, 5].map((i) => fakeEnvelope(i, otherChain)),
  otherChain,
);

function refusal(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (err) {
    const e = err as { code: string; meta: Record<string, unknown> };
    expect(e.code).toBe(ApiErrorCode.VerificationFailed);
    return e.meta;
  }
  throw new Error('expected a refusal');
}

describe('verifyTrace', () => {
  it('accepts a genuine bundle and returns the header it proves', () => {
    const v = verifyTrace(block.trace(2), code2, trust);
    expect(v.header.height).toBe(3);
    expect(v.tracingCode).toEqual(code2);
  });

  it('refuses a bundle for another envelope than the one asked for', () => {
    expect(refusal(() => verifyTrace(block.trace(1), code2, trust)).check).toBe('OTHER_ENVELOPE');
  });

  it('refuses a tampered proof, a thin certificate and another validator set', () => {
    const t = block.trace(2);
    const badProof: TraceBundleBytes = { ...t, proof: [bytes(32, 1), ...t.proof.slice(1)] };
    expect(refusal(() => verifyTrace(badProof, code2, trust)).check).toBe('NOT_INCLUDED');
    const thin = makeBlock(3, [0, 1]);
    expect(refusal(() => verifyTrace(thin.trace(2), code2, trust))).toMatchObject({
      check: 'BAD_CERTIFICATE',
      certificate: 'NO_QUORUM',
    });
    const others = [5, 6, 7, 8].map((i) => ed25519FromSeed(bytes(32, i)).publicKey);
    expect(refusal(() => verifyTrace(block.trace(2), code2, { chainId, validators: others })).check).toBe(
      'WRONG_VALIDATOR_SET',
    );
  });

  it('refuses a genuine bundle of another chain certified by the same validator keys', () => {
    const code = tracingCode(foreign.envelopes[2]!);
    expect(refusal(() => verifyTrace(foreign.trace(2), code, trust))).toMatchObject({
      check: 'WRONG_CHAIN',
      chainId: 'dd'.repeat(32),
    });
    // It is genuine: under its own chain ID it verifies.
    expect(verifyTrace(foreign.trace(2), code, { chainId: otherChain, validators }).header.height).toBe(3);
  });

  it('refuses a bundle whose height disagrees with its header', () => {
    expect(refusal(() => verifyTrace({ ...block.trace(2), height: 4 }, code2, trust)).check).toBe(
      'WRONG_HEIGHT',
    );
  });
});

describe('verifyCertifiedBlock', () => {
  it('accepts a genuine block, with a fixed set or a set by height', () => {
    expect(verifyCertifiedBlock(block.certifiedBlock, 3, trust).certified.block.envelopes).toHaveLength(5);
    expect(
      verifyCertifiedBlock(block.certifiedBlock, 3, {
        chainId,
        validators: (h) => (h === 3 ? validators : []),
      }).blockHash,
    ).toEqual(block.certificate.blockHash);
  });

  it('refuses a genuine block of another chain certified by the same validator keys', () => {
    expect(refusal(() => verifyCertifiedBlock(foreign.certifiedBlock, 3, trust)).check).toBe('WRONG_CHAIN');
  });

  it('refuses the wrong height, a swapped body, a forged signature and garbage', () => {
    expect(refusal(() => verifyCertifiedBlock(block.certifiedBlock, 4, trust)).check).toBe('WRONG_HEIGHT');
    const swapped = encodeCertifiedBlock({
      block: { header: block.header, envelopes: [...block.envelopes.slice(0, 4), fakeEnvelope(9)] },
      certificate: block.certificate,
    });
    expect(refusal(() => verifyCertifiedBlock(swapped, 3, trust)).check).toBe('BODY_MISMATCH');
    const forged = encodeCertifiedBlock({
      block: { header: block.header, envelopes: block.envelopes },
      certificate: {
        ...block.certificate,
        signatures: block.certificate.signatures.map((s, i) =>
          i === 1 ? { ...s, signature: bytes(64, 7) } : s,
        ),
      },
    });
    expect(refusal(() => verifyCertifiedBlock(forged, 3, trust)).check).toBe('BAD_SIGNATURE');
    expect(refusal(() => verifyCertifiedBlock(bytes(40, 1), 3, trust)).check).toBe('UNDECODABLE');
  });
});

describe('verifying client methods', () => {
  let rig: Rig;
  const chain = [makeBlock(1), makeBlock(2), block];
  beforeAll(async () => {
    rig = await startRig();
    for (const b of chain) rig.node.blocks.push({ height: b.height, certifiedBlock: b.certifiedBlock });
    rig.node.trace = async () => block.trace(2);
  });
  afterAll(() => rig.close());

  it('traceVerified and getBlockVerified check what the node served', async () => {
    expect((await rig.client.traceVerified(code2, trust)).header.height).toBe(3);
    await expect(rig.client.traceVerified(tracingCode(block.envelopes[0]!), trust)).rejects.toMatchObject({
      code: ApiErrorCode.VerificationFailed,
    });
    expect((await rig.client.getBlockVerified(2, trust)).certified.block.header.height).toBe(2);
  });

  it('subscribeVerified yields verified blocks in order and stops at a bad one', async () => {
    const heights: number[] = [];
    for await (const v of rig.client.subscribeVerified(1, trust)) {
      heights.push(v.certified.block.header.height);
      if (heights.length === 3) break;
    }
    expect(heights).toEqual([1, 2, 3]);
    rig.node.blocks.push({ height: 4, certifiedBlock: makeBlock(4, [0, 1]).certifiedBlock });
    await expect(
      (async () => {
        for await (const _ of rig.client.subscribeVerified(4, trust)) break;
      })(),
    ).rejects.toMatchObject({ code: ApiErrorCode.VerificationFailed });
  });
});
