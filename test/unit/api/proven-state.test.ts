// Proven contract-state reads (api/proven-state.ts) over a real ledger's answers: a read against
// the genesis anchor is proven; without an anchor it says it is not; a node serving a bad state
// proof (the test kit's lying node) is refused, and a multi-node read names it and keeps the next
// node's verified answer; a chain the anchor does not name is refused; a validator-set change is
// followed before reading above it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import { LightClient } from '../../../api/light-client.js';
import { firstProvenState, NoProvenAnswer, ProvenStateReader } from '../../../api/proven-state.js';
import { parseJson } from '../../../api/state-values.js';
import { toHex } from '../../../crypto/bytes.js';
import { tracingCode } from '../../../crypto/hash.js';
import { K, type ProposalRecord } from '../../../ledger/records.js';
import { lyingNodeApi } from '../../../testkit/lying-node.js';
import { call, keyPair } from '../store/fixtures.js';
import { openProposal, type ProvenChain, provenChain, readerOf } from './proven-chain.js';

let pc: ProvenChain;
beforeEach(async () => {
  pc = await provenChain();
});
afterEach(async () => {
  await pc.close();
});

const anchor = () => ({
  chainId: pc.chain.genesis.chainId,
  validators: pc.chain.validators.map((v) => v.publicKey),
});
const honest = () => readerOf(pc.handlers);
const liar = () =>
  readerOf(
    lyingNodeApi(pc.handlers, { lies: new Set(['state-proof']), forgedScpKey: new Uint8Array(32).fill(9) }),
  );

describe('proven state reads', () => {
  it('proves an open proposal against the genesis anchor, and says when a read is unproven', async () => {
    const id = await openProposal(pc);
    const proven = await new ProvenStateReader(honest(), anchor()).read(K.proposal(''));
    expect(proven.verified).toBe(true);
    expect(proven.height).toBe(1);
    expect(proven.time).toBeGreaterThan(pc.chain.genesis.genesisTime);
    expect(proven.entries.map((e) => e.key)).toEqual([K.proposal(id)]);
    const record = parseJson<ProposalRecord>(proven.entries[0]!.value);
    expect((record.action as { activateAt: number }).activateAt).toBe(100);

    const plain = await new ProvenStateReader(honest()).read(K.proposal(''));
    expect(plain.verified).toBe(false);
    expect(plain.entries.map((e) => e.key)).toEqual([K.proposal(id)]);
  });

  it('refuses a node whose state proof does not verify', async () => {
    await openProposal(pc);
    const err = await new ProvenStateReader(liar(), anchor()).read(K.admins).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(ApiErrorCode.VerificationFailed);
  });

  it('refuses an answer of a chain the anchor does not name', async () => {
    await openProposal(pc);
    const other = { ...anchor(), chainId: new Uint8Array(32).fill(1) };
    await expect(new ProvenStateReader(honest(), other).read(K.admins)).rejects.toThrow(/WRONG_CHAIN|chain/);
  });

  it('over several nodes: names the liar, keeps the next verified answer, fails when none verifies', async () => {
    const id = await openProposal(pc);
    const light = new LightClient(anchor());
    const r = await firstProvenState(
      [
        { name: 'node 0', node: liar() },
        { name: 'node 1', node: honest() },
      ],
      light,
      K.proposal(id),
    );
    expect(r.node).toBe('node 1');
    expect(r.value.verified).toBe(true);
    expect(r.value.entries.map((e) => e.key)).toEqual([K.proposal(id)]);
    expect(r.refused).toHaveLength(1);
    expect(r.refused[0]).toMatchObject({ node: 'node 0', lied: true });

    const none = await firstProvenState([{ name: 'node 0', node: liar() }], light, K.admins).catch(
      (e: unknown) => e,
    );
    expect(none).toBeInstanceOf(NoProvenAnswer);
    expect((none as NoProvenAnswer).refused.map((x) => x.node)).toEqual(['node 0']);
    expect((none as NoProvenAnswer).message).toMatch(/node 0/);
  });

  it('tells a node that cannot prove yet (no certified block) from one that lies', async () => {
    const err = await firstProvenState(
      [{ name: 'node 0', node: honest() }],
      new LightClient(anchor()),
      K.admins,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoProvenAnswer);
    expect((err as NoProvenAnswer).refused[0]).toMatchObject({ node: 'node 0', lied: false });
    expect((err as NoProvenAnswer).message).toMatch(/no node could prove it: node 0: NOT_READY/);
  });

  it('follows a validator-set change before proving state certified by the new set', async () => {
    const { chain, t } = pc;
    const newSet = [11, 12, 13, 14].map(keyPair);
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
    const reader = new ProvenStateReader(honest(), anchor());
    const r = await reader.read(K.validators);
    expect(r.verified).toBe(true);
    expect(r.height).toBe(4);
    expect(reader.light?.provenHeight).toBe(5);
    expect(reader.light?.validatorsAt(5).map(toHex)).toEqual(newSet.map((k) => toHex(k.publicKey)));
  });
});
