// The Replica's driver contract: Ready/advance, persist before send, typed errors for misuse,
// dropped-message accounting, evidence, and the restart rule (a replica restored from its
// persisted state never signs a second, different vote for a (view, seq)).
import { describe, expect, test } from 'vitest';
import { consensusSigningBytes } from '../../../codec/consensus-signing.js';
import { type ConsensusMessage, MessageType, type PrePrepare, type Prepare } from '../../../codec/types.js';
import {
  ConsensusErrorCode,
  defaultConsensusParams,
  EvidenceKind,
  MessageDropReason,
  Replica,
  VoteKind,
} from '../../../consensus/index.js';
import { conflictingPrePrepare } from '../../../testkit/sim/byzantine.js';
import { Cluster } from '../../../testkit/sim/cluster.js';
import { CHAIN_ID, GENESIS_HASH } from '../../../testkit/sim/node.js';
import { stubHash, stubPublicKey, stubSign } from '../../../testkit/sim/stub-crypto.js';
import { errorCode } from './fixtures.js';

/** A single-node cluster's node, for its deps (stub crypto, block building). */
function soloDeps() {
  return new Cluster({ n: 1, seed: 1 }).nodes[0]!.deps;
}

const config = (n: number, self = 0) => ({
  chainId: CHAIN_ID,
  self,
  validators: Array.from({ length: n }, (_, i) => stubPublicKey(i)),
  params: { ...defaultConsensusParams(), periodTicks: 1 },
  tip: { height: 0, hash: GENESIS_HASH },
});

describe('driver contract', () => {
  test('a lone validator commits a certified block; its own votes are persisted in the same Ready', () => {
    const r = new Replica(config(1), soloDeps());
    r.addRequests([{ hash: stubHash(new Uint8Array([1]), 3), bytes: new Uint8Array([1]) }]);
    const rd = r.ready();
    expect(rd.messages.map((m) => m.msg.type)).toEqual([MessageType.PrePrepare, MessageType.Commit]);
    expect(rd.persist?.votes.map((v) => v.kind).sort()).toEqual([VoteKind.Commit, VoteKind.PrePrepare]);
    expect(rd.committed).toHaveLength(1);
    expect(rd.committed[0]!.certificate.signatures).toHaveLength(1);
    expect(rd.committed[0]!.block.envelopes).toEqual([new Uint8Array([1])]);
    r.advance(rd);
    expect(r.hasReady()).toBe(false);
  });

  test('advance acknowledges only what the Ready held; later output waits for the next one', () => {
    const r = new Replica(config(1), soloDeps());
    r.addRequests([{ hash: stubHash(new Uint8Array([1]), 3), bytes: new Uint8Array([1]) }]);
    const first = r.ready();
    r.onBlocksApplied(1); // the driver applied the block before advancing: new output appears
    r.addRequests([{ hash: stubHash(new Uint8Array([2]), 3), bytes: new Uint8Array([2]) }]);
    r.tick();
    r.advance(first);
    const second = r.ready();
    expect(second.committed.map((c) => c.block.header.height)).toEqual([2]);
    expect(second.persist).not.toBeNull();
  });

  test('misuse is a typed ConsensusError', () => {
    const deps = soloDeps();
    expect(errorCode(() => new Replica(config(4, 7), deps))).toBe(ConsensusErrorCode.BadConfig);
    const r = new Replica(config(4), deps);
    expect(errorCode(() => r.onBlocksApplied(3))).toBe(ConsensusErrorCode.BadInput);
    expect(errorCode(() => r.scheduleValidators(0, [stubPublicKey(0)]))).toBe(ConsensusErrorCode.BadInput);
    const p = defaultConsensusParams();
    expect(errorCode(() => r.scheduleParams(0, p))).toBe(ConsensusErrorCode.BadInput);
    expect(errorCode(() => r.scheduleParams(5, { ...p, windowSize: 2 * p.windowSize }))).toBe(
      ConsensusErrorCode.BadInput,
    );
    expect(() => r.scheduleParams(5, { ...p, periodTicks: 3, maxBlockEnvelopes: 7 })).not.toThrow();
    expect(
      errorCode(() =>
        r.advance({ persist: null, messages: [], committed: [], stateRequests: [], evidence: [] }),
      ),
    ).toBe(ConsensusErrorCode.BadInput);
    const restored = {
      view: 0,
      inViewChange: false,
      stable: { seq: 9, digest: GENESIS_HASH, signatures: [] },
      votes: [],
      prepared: [],
      viewChange: null,
    };
    expect(errorCode(() => new Replica(config(4), deps, restored))).toBe(ConsensusErrorCode.BadState);
  });

  test('forged signatures are dropped and counted; conflicting votes become evidence', () => {
    const r = new Replica(config(4), soloDeps());
    const digest = new Uint8Array(32).fill(1);
    const prepare = (d: Uint8Array, signer = 2): Prepare => {
      const body = { type: MessageType.Prepare as const, view: 0, seq: 1, digest: d, sender: 2 };
      return { ...body, signature: stubSign(stubPublicKey(signer), consensusSigningBytes(CHAIN_ID, body)) };
    };
    r.step(prepare(digest, 3));
    expect(r.stats.dropped[MessageDropReason.BadSignature]).toBe(1);
    r.step(prepare(digest));
    r.step(prepare(new Uint8Array(32).fill(2)));
    const ev = r.ready().evidence;
    expect(ev).toHaveLength(1);
    expect(ev[0]!.kind).toBe(EvidenceKind.ConflictingPrepare);
    expect(ev[0]!.offender).toEqual(stubPublicKey(2));
  });
});

describe('restart from persisted state (never sign twice for one slot)', () => {
  function preparedCluster() {
    const c = new Cluster({ n: 4, seed: 3 });
    c.filters.push({ type: MessageType.Commit });
    c.request(2);
    c.run(6);
    const pp = c.recent.find((m): m is PrePrepare => m.type === MessageType.PrePrepare)!;
    const alt = conflictingPrePrepare(c, c.nodes[0]!, pp);
    return { c, alt };
  }

  const prepareFor = (msgs: ConsensusMessage[], digest: Uint8Array) =>
    msgs.some(
      (m) => m.type === MessageType.Prepare && m.sender === 1 && m.digest.every((b, i) => b === digest[i]),
    );

  test('restored: a conflicting PRE-PREPARE for the same (view, seq) gets no PREPARE', () => {
    const { c, alt } = preparedCluster();
    const node = c.nodes[1]!;
    expect(node.persisted?.votes.some((v) => v.kind === VoteKind.Prepare && v.seq === 1)).toBe(true);
    node.crash();
    const r = new Replica(
      { ...config(4, 1), tip: { height: node.height, hash: node.tipHash } },
      node.deps,
      node.persisted,
    );
    r.step(alt);
    expect(
      prepareFor(
        r.ready().messages.map((o) => o.msg),
        alt.digest,
      ),
    ).toBe(false);
  });

  test('without the persisted state the same replica would have signed it (the test can fail)', () => {
    const { c, alt } = preparedCluster();
    const node = c.nodes[1]!;
    node.crash();
    const r = new Replica({ ...config(4, 1), tip: { height: node.height, hash: node.tipHash } }, node.deps);
    r.step(alt);
    expect(
      prepareFor(
        r.ready().messages.map((o) => o.msg),
        alt.digest,
      ),
    ).toBe(true);
  });

  test('a replica restored mid view change re-sends the VIEW-CHANGE it signed, byte for byte', () => {
    const c = new Cluster({ n: 4, seed: 4 });
    c.crash(0);
    c.request(1);
    c.runUntil(() => c.nodes[1]!.replica!.state.inViewChange, 300);
    const node = c.nodes[1]!;
    const vc = node.persisted!.viewChange!;
    expect(vc.newView).toBe(1);
    node.crash();
    const r = new Replica(
      { ...config(4, 1), tip: { height: node.height, hash: node.tipHash } },
      node.deps,
      node.persisted,
    );
    const resent = r.ready().messages.map((o) => o.msg);
    expect(resent).toHaveLength(1);
    expect(resent[0]).toEqual(vc);
    expect(r.state).toMatchObject({ view: 1, inViewChange: true });
  });
});
