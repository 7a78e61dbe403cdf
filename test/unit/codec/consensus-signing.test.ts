// Signing bytes of consensus messages: domain-separated per type, COMMIT equal to the commit
// certificate's signing bytes, every signed field bound, the signature and bodies not.
import { describe, expect, test } from 'vitest';
import { consensusSigningBytes, type Unsigned } from '../../../codec/consensus-signing.js';
import { commitSigningBytes } from '../../../codec/signing.js';
import {
  type ConsensusMessage,
  MessageType,
  type PreparedProof,
  type ViewChange,
} from '../../../codec/types.js';

const chainId = new Uint8Array(32).fill(1);
const digest = new Uint8Array(32).fill(2);
const sig = (b: number) => new Uint8Array(64).fill(b);
const header = {
  chainId,
  height: 5,
  view: 1,
  time: 1000,
  parentHash: new Uint8Array(32),
  txRoot: new Uint8Array(32),
  txCount: 0,
  stateRoot: new Uint8Array(32),
  validatorSetHash: new Uint8Array(32),
  proposer: 1,
  hashLogRoot: new Uint8Array(32).fill(9),
};
const proof: PreparedProof = {
  view: 1,
  seq: 5,
  digest,
  header,
  prePrepareSignature: sig(3),
  prepares: [
    { sender: 0, signature: sig(4) },
    { sender: 2, signature: sig(5) },
  ],
};
const vc: Unsigned<ViewChange> = {
  type: MessageType.ViewChange,
  newView: 2,
  stableSeq: 4,
  stableDigest: digest,
  checkpointProof: [{ sender: 1, signature: sig(6) }],
  prepared: [proof],
  sender: 3,
};

const votes: Unsigned<ConsensusMessage>[] = [
  { type: MessageType.PrePrepare, view: 1, seq: 5, digest, block: { header, envelopes: [] }, sender: 1 },
  { type: MessageType.Prepare, view: 1, seq: 5, digest, sender: 1 },
  { type: MessageType.Commit, view: 1, seq: 5, digest, sender: 1 },
  { type: MessageType.Checkpoint, seq: 5, digest, sender: 1 },
  vc,
  { type: MessageType.NewView, view: 2, viewChanges: [], prePrepares: [], sender: 2 },
  { type: MessageType.StateRequest, fromHeight: 1, toHeight: 5, sender: 1 },
  { type: MessageType.StateRequest, fromHeight: 1, toHeight: 5, sender: 0, key: new Uint8Array(32).fill(4) },
  { type: MessageType.StateResponse, blocks: [], sender: 1 },
];

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('consensus signing bytes', () => {
  test('every message type signs different bytes, each starting with its own domain tag', () => {
    const all = votes.map((m) => hex(consensusSigningBytes(chainId, m)));
    expect(new Set(all).size).toBe(votes.length);
    for (const b of all) expect(Buffer.from(b, 'hex').subarray(0, 9).toString()).toBe('BKDMS/v1/');
  });

  test('a COMMIT signs exactly the commit certificate bytes', () => {
    expect(consensusSigningBytes(chainId, votes[2]!)).toEqual(commitSigningBytes(chainId, 1, 5, digest));
  });

  test('the chain, view, sequence and digest are bound', () => {
    const base = hex(consensusSigningBytes(chainId, votes[1]!));
    const other = new Uint8Array(32).fill(9);
    expect(hex(consensusSigningBytes(other, votes[1]!))).not.toBe(base);
    for (const change of [{ view: 2 }, { seq: 6 }, { digest: other }])
      expect(
        hex(consensusSigningBytes(chainId, { ...votes[1]!, ...change } as Unsigned<ConsensusMessage>)),
      ).not.toBe(base);
  });

  test('a PRE-PREPARE binds the block only through its digest', () => {
    const pp = votes[0]!;
    const withBody = {
      ...pp,
      block: { header, envelopes: [new Uint8Array([1, 2, 3])] },
    } as Unsigned<ConsensusMessage>;
    expect(consensusSigningBytes(chainId, withBody)).toEqual(consensusSigningBytes(chainId, pp));
  });

  test('a VIEW-CHANGE binds its proofs and checkpoint but not the carried bodies', () => {
    const base = hex(consensusSigningBytes(chainId, vc));
    const withBody = { ...vc, prepared: [{ ...proof, envelopes: [new Uint8Array([7])] }] };
    expect(hex(consensusSigningBytes(chainId, withBody))).toBe(base);
    const otherPrepare = { ...vc, prepared: [{ ...proof, prepares: [proof.prepares[0]!] }] };
    expect(hex(consensusSigningBytes(chainId, otherPrepare))).not.toBe(base);
    const otherCheckpoint = { ...vc, checkpointProof: [] };
    expect(hex(consensusSigningBytes(chainId, otherCheckpoint))).not.toBe(base);
    expect(hex(consensusSigningBytes(chainId, { ...vc, newView: 3 }))).not.toBe(base);
  });

  test('the signature field itself is never signed', () => {
    const signed = { ...votes[1]!, signature: sig(9) } as ConsensusMessage;
    expect(consensusSigningBytes(chainId, signed)).toEqual(consensusSigningBytes(chainId, votes[1]!));
  });
});
