// The light-header client (api/light-client.ts) against a real ledger: it follows a governance
// change of the validator set (proposed and approved on chain, then blocks certified by the new
// set) only through proven schedules, persists what it learned, refuses heights beyond it, and
// learns nothing from a node that sends no proof, a tampered proof, or a whole forged chain.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import { LightClient } from '../../../api/light-client.js';
import { LightClientFile } from '../../../api/light-client-file.js';
import type { StateAnswer, StateProofBytes } from '../../../api/types.js';
import { verifyStateAnswer } from '../../../api/verify-state.js';
import { encodeBlockHeader } from '../../../codec/block.js';
import { encodeCommitCertificate } from '../../../codec/certificate.js';
import { decodeStateProof, encodeStateProof } from '../../../codec/state-proof.js';
import { tracingCode } from '../../../crypto/hash.js';
import { StateRootTree } from '../../../ledger/state-root.js';
import { call, certifiedBlock, keyPair, tempDir } from '../store/fixtures.js';
import { type ProvenChain, provenChain } from './proven-chain.js';

let pc: ProvenChain;
let tmp: ReturnType<typeof tempDir>;
const newSet = [11, 12, 13, 14].map(keyPair);
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

async function checkOf(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (err) {
    if (err instanceof ApiError && err.code === ApiErrorCode.VerificationFailed)
      return String(err.meta.check);
    throw err;
  }
  return 'accepted';
}

/** Blocks 1-2 approve a new validator set activating at `activateAt`. */
async function scheduleNewSet(activateAt: number): Promise<void> {
  const { chain, t } = pc;
  const [a0, a1] = [chain.admins[0]!, chain.admins[1]!];
  const propose = call(chain.genesis.chainId, a0, 1, t(1), {
    type: 'propose',
    action: {
      type: 'setValidators',
      validators: newSet.map((k) => ({ publicKey: k.publicKey })),
      activateAt,
    },
    expiresAt: t(1) + 3600_000,
  });
  await pc.commit(1, [propose]);
  await pc.commit(2, [
    call(chain.genesis.chainId, a1, 1, t(2), { type: 'approve', proposalId: tracingCode(propose) }),
  ]);
}

function anchor() {
  return { chainId: pc.chain.genesis.chainId, validators: pc.chain.validators.map((v) => v.publicKey) };
}

beforeEach(async () => {
  pc = await provenChain();
  tmp = tempDir();
});
afterEach(async () => {
  await pc.close();
  tmp.cleanup();
});

describe('LightClient', () => {
  it('follows a governance change of the validator set and persists what it proved', async () => {
    await scheduleNewSet(6);
    await pc.commit(3, []);
    const file = join(tmp.dir, 'light.json');
    const lc = new LightClient(anchor(), new LightClientFile(file));
    expect(lc.provenHeight).toBe(1);
    // Header 3 (certified by the genesis set) proves the schedule holding the change at 6.
    expect(await lc.sync(pc.handlers)).toBe(3);
    for (const h of [4, 5]) await pc.commit(h, []);
    for (const h of [6, 7]) await pc.commit(h, [], newSet);
    // Header 7 is certified by the new set, which the schedule proven at 3 names for it.
    expect(await lc.sync(pc.handlers)).toBe(7);
    expect(lc.validatorsAt(5).map(hexOf)).toEqual(pc.chain.validators.map((v) => hexOf(v.publicKey)));
    expect(lc.validatorsAt(6).map(hexOf)).toEqual(newSet.map((v) => hexOf(v.publicKey)));
    expect(await checkOf(() => lc.validatorsAt(8))).toBe('NOT_FOLLOWED');
    // The trust anchor it hands out verifies a proven read at the tip.
    const scp = verifyStateAnswer((await pc.handlers.getScpKeys(true)).proof, ['scp/'], lc.trust());
    expect(scp.header.height).toBe(7);
    expect(existsSync(file)).toBe(true);
    const restarted = new LightClient(anchor(), new LightClientFile(file));
    expect(restarted.provenHeight).toBe(7);
    expect(restarted.validatorsAt(7).map(hexOf)).toEqual(newSet.map((v) => hexOf(v.publicKey)));
    // A stored state of another chain is ignored.
    const other = new LightClient({ ...anchor(), chainId: new Uint8Array(32) }, new LightClientFile(file));
    expect(other.provenHeight).toBe(1);
  });

  it('refuses a change it never saw scheduled rather than trusting the set the header names', async () => {
    await scheduleNewSet(3);
    await pc.commit(3, [], newSet);
    await pc.commit(4, [], newSet);
    const lc = new LightClient(anchor());
    expect(await checkOf(() => lc.sync(pc.handlers))).toBe('SCHEDULE_GAP');
    expect(lc.provenHeight).toBe(1);
  });

  it('learns nothing from no proof, a tampered proof or a chain forged with other keys', async () => {
    await scheduleNewSet(6);
    await pc.commit(3, []);
    const lc = new LightClient(anchor());
    const answer = await pc.handlers.getState('gov/validators', true);
    const proof = answer.proof as StateProofBytes;
    const lying = (p: StateProofBytes | undefined) => ({
      getState: async (): Promise<StateAnswer> => ({ ...answer, proof: p }),
    });
    expect(await checkOf(() => lc.sync(lying(undefined)))).toBe('NO_PROOF');
    const bucket = decodeStateProof(proof.buckets[0]!);
    const forgedValue = new TextEncoder().encode(
      JSON.stringify([{ activateAt: 0, value: [hexOf(newSet[0]!.publicKey)] }]),
    );
    const edited = encodeStateProof({
      ...bucket,
      entries: bucket.entries.map((e) => ({ ...e, value: forgedValue })),
    });
    expect(await checkOf(() => lc.sync(lying({ ...proof, buckets: [edited] })))).not.toBe('accepted');
    // A whole chain of the same ID made by other keys: a schedule handing the chain to them at 2,
    // under a header they certified.
    const forgers = [21, 22, 23, 24].map(keyPair);
    const tree = new StateRootTree();
    tree.set(
      'gov/validators',
      new TextEncoder().encode(
        JSON.stringify([
          { activateAt: 0, value: pc.chain.validators.map((v) => hexOf(v.publicKey)) },
          { activateAt: 2, value: forgers.map((v) => hexOf(v.publicKey)) },
        ]),
      ),
    );
    const fake = certifiedBlock({ ...pc.chain, validators: forgers }, 5, [], { stateRoot: tree.root() });
    const forged: StateProofBytes = {
      header: encodeBlockHeader(fake.decoded.block.header),
      certificate: encodeCommitCertificate(fake.decoded.certificate),
      buckets: [encodeStateProof(tree.proof('gov/validators'))],
    };
    expect(await checkOf(() => lc.sync(lying(forged)))).toBe('SCHEDULE_GAP');
    // The same forgery claiming the genesis set's hash fails its certificate.
    const claim = certifiedBlock({ ...pc.chain, validators: forgers }, 5, [], { stateRoot: tree.root() });
    const header = {
      ...claim.decoded.block.header,
      validatorSetHash: certifiedBlock(pc.chain, 5, []).decoded.block.header.validatorSetHash,
    };
    expect(await checkOf(() => lc.sync(lying({ ...forged, header: encodeBlockHeader(header) })))).not.toBe(
      'accepted',
    );
    expect(lc.provenHeight).toBe(1);
    // The honest answer still works after all that.
    expect(await lc.sync(pc.handlers)).toBe(3);
  });
});
