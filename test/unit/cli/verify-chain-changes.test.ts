// `bkdms verify-chain`'s walk (cli/verify-chain.ts) across a governance change of the validator
// set: the walk learns the change at the first header the new set certifies, from the proof the
// node kept against the header before it (certified by the genesis set), and verifies to the tip.
// A node serving a forged proof of the change, or hiding it, gets the walk stopped at that height.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateAnswer, StateProofBytes } from '../../../api/types.js';
import { type HeaderSource, verifyChain } from '../../../cli/verify-chain.js';
import { tracingCode } from '../../../crypto/hash.js';
import { blockHashProof, headersPage } from '../../../node/hash-log-rpc.js';
import { type ProvenChain, provenChain } from '../api/proven-chain.js';
import { call, keyPair } from '../store/fixtures.js';

let pc: ProvenChain;
const newSet = [11, 12, 13, 14].map(keyPair);
const ACTIVATION = 5;
const TIP = 8;

beforeEach(async () => {
  pc = await provenChain();
  const { chain, t } = pc;
  const [a0, a1] = [chain.admins[0]!, chain.admins[1]!];
  const propose = call(chain.genesis.chainId, a0, 1, t(1), {
    type: 'propose',
    action: {
      type: 'setValidators',
      validators: newSet.map((k) => ({ publicKey: k.publicKey })),
      activateAt: ACTIVATION,
    },
    expiresAt: t(1) + 3600_000,
  });
  await pc.commit(1, [propose]);
  await pc.commit(2, [
    call(chain.genesis.chainId, a1, 1, t(2), { type: 'approve', proposalId: tracingCode(propose) }),
  ]);
  for (let h = 3; h < ACTIVATION; h++) await pc.commit(h, []);
  for (let h = ACTIVATION; h <= TIP; h++) await pc.commit(h, [], newSet);
});
afterEach(async () => {
  await pc.close();
});

function node(over: Partial<HeaderSource> = {}): HeaderSource {
  const store = pc.ledger.store;
  return {
    getHeaders: (q) => headersPage(store, { maxCount: 100, toHeight: Number.MAX_SAFE_INTEGER, ...q }),
    getBlockHashProof: (h, at) => blockHashProof(store, h, at),
    getState: (key, prove) => pc.handlers.getState(key, prove),
    getValidatorChange: (a) => pc.handlers.getState('gov/validators', true, a),
    ...over,
  };
}

const opts = () => ({
  chain: {
    chainId: pc.chain.genesis.chainId,
    validatorKeys: pc.chain.validators.map((v) => v.publicKey),
    genesisTime: pc.chain.genesis.genesisTime,
  },
});

describe('verify-chain across a validator-set change', () => {
  it('learns the change from the proof at the header before it and verifies to the tip', async () => {
    const r = await verifyChain(node(), opts());
    expect(r.firstBad).toBeNull();
    expect([r.ok, r.to, r.verified]).toEqual([true, TIP, TIP]);
    expect(r.trust.join('\n')).toContain(
      `validator set changed at ${ACTIVATION}: proven by header ${ACTIVATION - 1}`,
    );
  });

  it('anchored above the change, learns it first', async () => {
    const r = await verifyChain(node(), { ...opts(), from: ACTIVATION + 2 });
    expect(r).toMatchObject({ ok: true, from: ACTIVATION + 2, to: TIP });
  });

  it('stops at the change when its proof is forged or withheld', async () => {
    const honest = (await pc.handlers.getState('gov/validators', true, ACTIVATION)).proof as StateProofBytes;
    const bucket = honest.buckets[0]!.slice();
    bucket[bucket.length - 1]! ^= 1;
    const forged = node({
      getValidatorChange: async (): Promise<StateAnswer> => ({
        entries: [],
        height: ACTIVATION - 2,
        proof: { ...honest, buckets: [bucket] },
      }),
    });
    for (const liar of [forged, node({ getValidatorChange: () => Promise.reject(new Error('none kept')) })]) {
      const r = await verifyChain(liar, opts());
      expect(r.ok).toBe(false);
      expect(r.firstBad).toMatchObject({ height: ACTIVATION, check: 'WRONG_VALIDATOR_SET' });
      expect(r.verified).toBe(ACTIVATION - 1);
      expect(r.trust.join('\n')).toContain(`validator-set change at ${ACTIVATION} not proven`);
    }
  });
});
