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

/** The node's answers as a light client asks for them. */
function reader() {
  const h = pc.handlers;
  return {
    getState: (key: string, prove: boolean) => h.getState(key, prove),
    getValidatorChange: (activation: number) => h.getState('gov/validators', true, activation),
  };
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

  it('refuses a change it never saw scheduled when it only reads the tip', async () => {
    await scheduleNewSet(4);
    for (const h of [3]) await pc.commit(h, []);
    for (const h of [4, 5]) await pc.commit(h, [], newSet);
    const lc = new LightClient(anchor());
    expect(await checkOf(() => lc.sync(pc.handlers))).toBe('SCHEDULE_GAP');
    expect(lc.provenHeight).toBe(1);
  });

  it('a set change must activate two blocks after its approval at least', async () => {
    // Approved at 2 for 3: no header of the genesis set could prove it, so the ledger refuses it.
    await scheduleNewSet(3);
    expect(pc.ledger.contracts.validators(3).map(hexOf)).toEqual(
      pc.chain.validators.map((v) => hexOf(v.publicKey)),
    );
  });

  it('follows a change it never saw pending from the proof kept at the header before it', async () => {
    await scheduleNewSet(4);
    await pc.commit(3, []);
    for (const h of [4, 5]) await pc.commit(h, [], newSet);
    const lc = new LightClient(anchor());
    expect(await lc.follow(reader())).toBe(5);
    expect(lc.validatorsAt(3).map(hexOf)).toEqual(pc.chain.validators.map((v) => hexOf(v.publicKey)));
    expect(lc.validatorsAt(4).map(hexOf)).toEqual(newSet.map((v) => hexOf(v.publicKey)));
    // The kept proof is against header 3, certified by the genesis set; none is kept elsewhere.
    expect((await pc.handlers.getState('gov/validators', true, 4)).proof?.header).toEqual(
      await pc.ledger.store.getHeader(3),
    );
    await expect(pc.handlers.getState('gov/validators', true, 5)).rejects.toMatchObject({
      code: ApiErrorCode.NotFound,
    });
  });

  it('learns no forged change: tampered, of another header, certified by other keys, or hidden', async () => {
    await scheduleNewSet(4);
    await pc.commit(3, []);
    for (const h of [4, 5]) await pc.commit(h, [], newSet);
    const honest = reader();
    const kept = (await pc.handlers.getState('gov/validators', true, 4)).proof as StateProofBytes;
    const serving = (proof: StateProofBytes) => ({
      ...honest,
      getValidatorChange: async (): Promise<StateAnswer> => ({ entries: [], height: 2, proof }),
    });
    const lc = new LightClient(anchor());
    // One byte of the bucket changed.
    const bucket = kept.buckets[0]!.slice();
    bucket[bucket.length - 1]! ^= 1;
    expect(await checkOf(() => lc.follow(serving({ ...kept, buckets: [bucket] })))).not.toBe('accepted');
    // The tip's proof (header 5, by the new set) passed off as the change's.
    const tip = (await pc.handlers.getState('gov/validators', true)).proof as StateProofBytes;
    expect(await checkOf(() => lc.follow(serving(tip)))).toBe('SCHEDULE_GAP');
    // Header 3 of the same chain ID certified by other keys, its schedule handing the chain to them.
    const forgers = [21, 22, 23, 24].map(keyPair);
    const tree = new StateRootTree();
    tree.set(
      'gov/validators',
      new TextEncoder().encode(
        JSON.stringify([
          { activateAt: 0, value: pc.chain.validators.map((v) => hexOf(v.publicKey)) },
          { activateAt: 4, value: forgers.map((v) => hexOf(v.publicKey)) },
        ]),
      ),
    );
    const fake = certifiedBlock({ ...pc.chain, validators: forgers }, 3, [], { stateRoot: tree.root() });
    const forged: StateProofBytes = {
      header: encodeBlockHeader(fake.decoded.block.header),
      certificate: encodeCommitCertificate(fake.decoded.certificate),
      buckets: [encodeStateProof(tree.proof('gov/validators'))],
    };
    expect(await checkOf(() => lc.follow(serving(forged)))).toBe('SCHEDULE_GAP');
    // A node that hides the change: its schedule names none, and the tip's set gives it away.
    const hiding = {
      ...honest,
      getState: async (key: string, prove: boolean): Promise<StateAnswer> =>
        prove ? pc.handlers.getState(key, prove) : { entries: [], height: 5 },
    };
    expect(await checkOf(() => lc.follow(hiding))).toBe('SCHEDULE_GAP');
    expect(lc.provenHeight).toBe(1);
    // The honest node still gets it there.
    expect(await lc.follow(honest)).toBe(5);
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
