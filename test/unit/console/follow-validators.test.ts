// The page's validator-set follower (console/web/follow-validators.ts) over the proofs the backend
// relays as hex, against a real ledger that changes its validator set by governance: it proves the
// new set for the heights after the change, and a tampered change proof or a hidden change fails
// it with the light client's check named.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateProofBytes } from '../../../api/types.js';
import { validatorsAt } from '../../../api/verify.js';
import type { ProofHex, ValidatorChanges } from '../../../console/validator-changes.js';
import { followValidators } from '../../../console/web/follow-validators.js';
import { toHex } from '../../../crypto/bytes.js';
import { tracingCode } from '../../../crypto/hash.js';
import { type ProvenChain, provenChain } from '../api/proven-chain.js';
import { call, keyPair } from '../store/fixtures.js';

let pc: ProvenChain;
const newSet = [11, 12, 13, 14].map(keyPair);

const hexProof = (p: StateProofBytes | null | undefined): ProofHex => {
  if (!p) throw new Error('no proof');
  return { header: toHex(p.header), certificate: toHex(p.certificate), buckets: p.buckets.map(toHex) };
};

/** A new set activating at 4 (approved at 2), then blocks 4-5 certified by it. */
async function changeAt4(): Promise<void> {
  const { chain, t } = pc;
  const propose = call(chain.genesis.chainId, chain.admins[0]!, 1, t(1), {
    type: 'propose',
    action: {
      type: 'setValidators',
      validators: newSet.map((k) => ({ publicKey: k.publicKey })),
      activateAt: 4,
    },
    expiresAt: t(1) + 3600_000,
  });
  await pc.commit(1, [propose]);
  await pc.commit(2, [
    call(chain.genesis.chainId, chain.admins[1]!, 1, t(2), {
      type: 'approve',
      proposalId: tracingCode(propose),
    }),
  ]);
  await pc.commit(3, []);
  for (const h of [4, 5]) await pc.commit(h, [], newSet);
}

const anchor = () => ({
  chainId: toHex(pc.chain.genesis.chainId),
  validators: pc.chain.validators.map((v) => toHex(v.publicKey)),
});

async function relayed(): Promise<ValidatorChanges> {
  return {
    changes: [
      { activation: 4, proof: hexProof((await pc.handlers.getState('gov/validators', true, 4)).proof) },
    ],
    tip: hexProof((await pc.handlers.getState('gov/validators', true)).proof),
  };
}

beforeEach(async () => {
  pc = await provenChain();
});
afterEach(async () => {
  await pc.close();
});

describe('validator-set changes followed in the page', () => {
  it('proves the changed set for the heights after the change', async () => {
    await changeAt4();
    const f = followValidators(anchor(), await relayed());
    expect(f.changes).toEqual([4]);
    expect(f.provenHeight).toBe(5);
    expect(validatorsAt(f.validators, 3).map(toHex)).toEqual(anchor().validators);
    expect(validatorsAt(f.validators, 5).map(toHex)).toEqual(newSet.map((k) => toHex(k.publicKey)));
  });

  it('fails on a tampered change proof and on a change left out', async () => {
    await changeAt4();
    const vc = await relayed();
    const cert = vc.changes[0]!.proof.certificate;
    const flipped = `${cert.slice(0, -2)}${((Number.parseInt(cert.slice(-2), 16) ^ 1) & 0xff).toString(16).padStart(2, '0')}`;
    const tampered = {
      ...vc,
      changes: [{ activation: 4, proof: { ...vc.changes[0]!.proof, certificate: flipped } }],
    };
    expect(() => followValidators(anchor(), tampered)).toThrow(
      /BAD_CERTIFICATE|VERIFICATION_FAILED|BAD_SIGNATURE/,
    );
    expect(() => followValidators(anchor(), { ...vc, changes: [] })).toThrow(/^SCHEDULE_GAP/);
  });
});
