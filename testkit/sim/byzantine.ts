// Byzantine behaviours of a simulated node, applied to what it sends. Each signs only with the
// node's own key (what a real faulty validator can do); forged signatures are just bytes.
import { consensusSigningBytes, type Unsigned } from '../../codec/consensus-signing.js';
import {
  type ConsensusMessage,
  MessageType,
  type NewView,
  type PrePrepare,
  type PreparedProof,
  type ViewChange,
} from '../../codec/types.js';
import type { Cluster } from './cluster.js';
import { CHAIN_ID, type SimNode } from './node.js';
import { stubHashHeader } from './stub-crypto.js';

export type Behaviour =
  /** Sends nothing at all. */
  | 'silent'
  /** As primary, sends one block to half the replicas and a conflicting one to the others. */
  | 'equivocate'
  /** Adds a prepared proof with forged signatures to its VIEW-CHANGEs. */
  | 'forge-view-change'
  /** As new primary, leaves a prepared block out of its NEW-VIEW. */
  | 'omit-new-view';

type Send = { to: number; msg: ConsensusMessage };

export function misbehave(c: Cluster, from: SimNode, to: 'all' | number, msg: ConsensusMessage): Send[] {
  const sends = c.route(from, to, msg);
  switch (from.behaviour) {
    case 'silent':
      return [];
    case 'equivocate':
      return msg.type === MessageType.PrePrepare ? equivocate(c, from, msg, sends) : sends;
    case 'forge-view-change':
      if (msg.type !== MessageType.ViewChange) return sends;
      return c.route(from, to, resign(c, from, { ...msg, prepared: withForgedProof(c, msg) }));
    case 'omit-new-view':
      if (msg.type !== MessageType.NewView || msg.prePrepares.length === 0) return sends;
      return c.route(
        from,
        to,
        resign<NewView>(c, from, { ...msg, prePrepares: msg.prePrepares.slice(0, -1) }),
      );
    default:
      return sends;
  }
}

export function resign<M extends ConsensusMessage>(c: Cluster, from: SimNode, m: M): M {
  const { signature: _, ...body } = m;
  return { ...m, signature: c.signAs(from.addr, consensusSigningBytes(CHAIN_ID, body as Unsigned<M>)) };
}

/** A valid-looking second block for the same (view, seq), signed by `from`: same envelopes, a later time. */
export function conflictingPrePrepare(c: Cluster, from: SimNode, pp: PrePrepare): PrePrepare {
  const header = { ...pp.block.header, time: pp.block.header.time + 1 };
  return resign<PrePrepare>(c, from, {
    ...pp,
    digest: stubHashHeader(header),
    block: { header, envelopes: pp.block.envelopes },
  });
}

function equivocate(c: Cluster, from: SimNode, pp: PrePrepare, sends: Send[]): Send[] {
  const alt = conflictingPrePrepare(c, from, pp);
  const half = Math.ceil(sends.length / 2);
  const out = sends.map((s, i) => ({ to: s.to, msg: i < half ? pp : alt }));
  // One replica sees both, as gossip would show everyone: that one can produce the evidence.
  if (sends[0] !== undefined) out.push({ to: sends[0].to, msg: alt });
  return out;
}

function withForgedProof(c: Cluster, vc: ViewChange): PreparedProof[] {
  const seq = vc.stableSeq + 1;
  const header = {
    chainId: CHAIN_ID,
    height: seq,
    view: Math.max(0, vc.newView - 1),
    time: 1,
    parentHash: new Uint8Array(32).fill(0xee),
    txRoot: new Uint8Array(32),
    txCount: 0,
    stateRoot: new Uint8Array(32),
    validatorSetHash: new Uint8Array(32),
    proposer: 0,
    hashLogRoot: new Uint8Array(32),
  };
  const fake = (i: number) => ({ sender: i, signature: new Uint8Array(64).fill(i + 1) });
  const quorum = Math.floor((2 * c.opts.n) / 3) + 1;
  const forged: PreparedProof = {
    view: header.view,
    seq,
    digest: stubHashHeader(header),
    header,
    prePrepareSignature: new Uint8Array(64).fill(0x55),
    prepares: Array.from({ length: quorum - 1 }, (_, i) => fake(i + 1)),
  };
  return [forged, ...vc.prepared.filter((p) => p.seq !== seq)];
}
