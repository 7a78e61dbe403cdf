// Rebuilding a PRE-PREPARE from its PROPOSAL (consensus/proposal-ref.ts): what is held is taken,
// what is missing is named, fetched envelopes are kept only if they are the ones the codes name,
// and the rebuilt message is the one the primary signed (same block, so the same block hash).
import { describe, expect, test } from 'vitest';
import { MessageType, type PrePrepare } from '../../../codec/types.js';
import { toHex } from '../../../consensus/bytes.js';
import { ProposalAssembly, proposalRefOf } from '../../../consensus/proposal-ref.js';
import { stubHash } from '../../../testkit/sim/stub-crypto.js';

const txHash = (e: Uint8Array) => stubHash(e, 3);
const envs = [1, 2, 3, 4].map((i) => new TextEncoder().encode(`envelope ${i}`));
const pp: PrePrepare = {
  type: MessageType.PrePrepare,
  sender: 0,
  signature: new Uint8Array(64).fill(9),
  view: 2,
  seq: 5,
  digest: new Uint8Array(32).fill(7),
  block: {
    header: {
      chainId: new Uint8Array(32),
      height: 5,
      view: 2,
      time: 1,
      parentHash: new Uint8Array(32),
      txRoot: new Uint8Array(32),
      txCount: envs.length,
      stateRoot: new Uint8Array(32),
      validatorSetHash: new Uint8Array(32),
      proposer: 0,
      hashLogRoot: new Uint8Array(32),
    },
    envelopes: envs,
  },
};
const holding = (held: Uint8Array[]) => {
  const m = new Map(held.map((e) => [toHex(txHash(e)), e]));
  return (code: Uint8Array) => m.get(toHex(code));
};

describe('ProposalAssembly', () => {
  test('all held: the PRE-PREPARE comes back whole, nothing to fetch', () => {
    const a = new ProposalAssembly(proposalRefOf(pp, txHash));
    expect(a.fillFrom(holding(envs))).toEqual([]);
    expect(a.prePrepare()).toEqual(pp);
  });

  test('some missing: named by index, fetched, then whole', () => {
    const a = new ProposalAssembly(proposalRefOf(pp, txHash));
    expect(a.fillFrom(holding([envs[0]!, envs[2]!]))).toEqual([1, 3]);
    expect(a.prePrepare()).toBeUndefined();
    expect(a.accept([1, 3], [envs[1]!, envs[3]!], txHash)).toBe(true);
    expect(a.prePrepare()).toEqual(pp);
  });

  test('late: what gossip brought meanwhile is taken on the next look', () => {
    const a = new ProposalAssembly(proposalRefOf(pp, txHash));
    expect(a.fillFrom(holding([envs[0]!]))).toEqual([1, 2, 3]);
    expect(a.fillFrom(holding(envs))).toEqual([]);
    expect(a.prePrepare()).toEqual(pp);
  });

  test('forged: envelopes that are not the coded ones are refused, all of them, and nothing kept', () => {
    const a = new ProposalAssembly(proposalRefOf(pp, txHash));
    a.fillFrom(holding([envs[0]!, envs[1]!]));
    const forged = new TextEncoder().encode('another envelope');
    expect(a.accept([2, 3], [envs[2]!, forged], txHash)).toBe(false);
    expect(a.accept([2, 3], [envs[3]!, envs[2]!], txHash)).toBe(false);
    expect(a.accept([2, 3], [envs[2]!], txHash)).toBe(false);
    expect(a.missing()).toEqual([2, 3]);
    expect(a.accept([2, 3], [envs[2]!, envs[3]!], txHash)).toBe(true);
    expect(a.prePrepare()).toEqual(pp);
  });
});
