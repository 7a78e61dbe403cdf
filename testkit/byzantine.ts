// Byzantine consensus behaviour for real node processes (test-only, docs/operations.md "Test-kit
// modes"). The node's own PBFT core stays honest; what it sends is rewritten on the way out, as a
// faulty validator holding its key could:
//   equivocate      as primary: a second, validly signed PRE-PREPARE for the same (view, seq) with
//                   another block (its time one ms later), sent to the other half of the replicas;
//                   one replica gets both, so the equivocation is provable
//   double-vote     every PREPARE and COMMIT sent twice: the real one and a signed one for a wrong digest
//   wrong-digest    every PREPARE and COMMIT for a wrong digest (signed) instead of the real one
//   bad-signature   every message with a broken signature
//   malformed       every message cut in half, plus a blob of random bytes of the same length
//   withhold-votes  no PRE-PREPARE, PREPARE or COMMIT leaves (view changes and checkpoints still do)
//   divergent-snapshot  consensus honest; each state snapshot it writes holds one entry the chain's
//                   state does not, so its snapshot hashes differ from every honest node's
//   replay          with every send, old consensus messages it sent before (earlier heights and
//                   views), validly signed, to every validator again (testkit/replay.ts)
//   censor-site     as primary, never proposes the envelopes of one signer (the site named by
//                   BKDMS_TESTKIT_CENSOR_SIGNER): its core never hears of them (testkit/censor.ts)
//   flood           consensus honest; garbage and oversized messages on both gossip topics and
//                   every stream protocol, all the time (testkit/flood.ts)
// A node takes these only with the test-kit flag (cli/testkit-switch.ts).

import { encodeConsensusMessage } from '../codec/consensus-messages.js';
import { consensusSigningBytes, type Unsigned } from '../codec/consensus-signing.js';
import {
  type BlockHeader,
  type Commit,
  type ConsensusMessage,
  MessageType,
  type PrePrepare,
  type Prepare,
} from '../codec/types.js';
import type { Outbound } from '../consensus/types.js';
import { Replayer } from './replay.js';

export const BYZANTINE_MODES = [
  'equivocate',
  'double-vote',
  'wrong-digest',
  'bad-signature',
  'malformed',
  'withhold-votes',
  'divergent-snapshot',
  'replay',
  'censor-site',
  'flood',
] as const;
export type ByzantineMode = (typeof BYZANTINE_MODES)[number];

/** The environment variable naming the modes (comma-separated). */
export const BYZANTINE_ENV = 'BKDMS_TESTKIT_BYZANTINE';

/** Parses "equivocate,double-vote"; throws on an unknown name, so a typo never runs an honest node. */
export function parseByzantineModes(spec: string): Set<ByzantineMode> {
  const out = new Set<ByzantineMode>();
  for (const raw of spec.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    if (!(BYZANTINE_MODES as readonly string[]).includes(name))
      throw new Error(`${BYZANTINE_ENV}: unknown mode "${name}" (known: ${BYZANTINE_MODES.join(', ')})`);
    out.add(name as ByzantineMode);
  }
  if (out.size === 0)
    throw new Error(`${BYZANTINE_ENV} names no mode (known: ${BYZANTINE_MODES.join(', ')})`);
  return out;
}

/** The entry a `divergent-snapshot` node adds to the state it writes in its snapshots. */
export const DIVERGENT_SNAPSHOT_KEY = 'testkit/divergent';

/** The state entries a `divergent-snapshot` node writes: the real ones and one more. */
export function divergentSnapshotEntries(entries: [string, Uint8Array][]): [string, Uint8Array][] {
  return [...entries, [DIVERGENT_SNAPSHOT_KEY, new TextEncoder().encode('divergent')]];
}

/** One send as bytes: to every validator (gossip) or to one by index. */
export interface RawSend {
  to: 'all' | number;
  bytes: Uint8Array;
}

export interface ByzantineContext {
  chainId: Uint8Array;
  sign(bytes: Uint8Array): Uint8Array;
  hashHeader(header: BlockHeader): Uint8Array;
  /** The size of the validator set in force now. */
  validatorCount(): number;
  /** Random bytes (tests pass a fixed source). */
  random(n: number): Uint8Array;
}

/**
 * What the consensus driver calls on each outbound message instead of sending it as is; `encode`
 * is the driver's own encoding (a PRE-PREPARE leaves as a PROPOSAL whose bodies it keeps).
 */
export type OutboundRewrite = (o: Outbound, encode: (m: ConsensusMessage) => Uint8Array) => RawSend[];

/** The twin PRE-PREPAREs kept, so a retransmission sends the same pair. */
const MAX_TWINS = 64;

const isVote = (m: ConsensusMessage): m is Prepare | Commit =>
  m.type === MessageType.Prepare || m.type === MessageType.Commit;

export function byzantineRewrite(modes: ReadonlySet<ByzantineMode>, ctx: ByzantineContext): OutboundRewrite {
  const twins = new Map<string, PrePrepare>();
  const sign = <M extends ConsensusMessage>(m: Unsigned<M>): M =>
    ({ ...m, signature: ctx.sign(consensusSigningBytes(ctx.chainId, m)) }) as unknown as M;
  // A copy, never a view: the core keeps the message it handed over (Buffer.slice would share).
  const wrongDigest = (d: Uint8Array): Uint8Array => {
    const out = Uint8Array.from(d);
    out[0] = (out[0]! ^ 0xff) & 0xff;
    return out;
  };
  const reSigned = <M extends Prepare | Commit>(m: M, digest: Uint8Array): M => {
    const { signature: _s, ...rest } = m;
    return sign<M>({ ...rest, digest } as Unsigned<M>);
  };
  const twinOf = (m: PrePrepare): PrePrepare => {
    const key = `${m.view}/${m.seq}`;
    let t = twins.get(key);
    if (t === undefined) {
      const header = { ...m.block.header, time: m.block.header.time + 1 };
      const { signature: _s, ...rest } = m;
      t = sign<PrePrepare>({ ...rest, block: { ...m.block, header }, digest: ctx.hashHeader(header) });
      twins.set(key, t);
      if (twins.size > MAX_TWINS) twins.delete(twins.keys().next().value!);
    }
    return t;
  };
  // Set for each send: the driver's encoding, so a forged PRE-PREPARE travels by reference too.
  let encode: (m: ConsensusMessage) => Uint8Array = encodeConsensusMessage;
  const enc = (to: 'all' | number, msg: ConsensusMessage): RawSend => ({ to, bytes: encode(msg) });
  const replayer = new Replayer((n) => new DataView(Uint8Array.from(ctx.random(4)).buffer).getUint32(0) % n);

  return (o, driverEncode) => {
    encode = driverEncode;
    const m = o.msg;
    if (modes.has('withhold-votes') && (isVote(m) || m.type === MessageType.PrePrepare)) return [];
    let sends: RawSend[];
    if (modes.has('equivocate') && m.type === MessageType.PrePrepare) sends = equivocated(o, m);
    else if (modes.has('wrong-digest') && isVote(m)) sends = [enc(o.to, reSigned(m, wrongDigest(m.digest)))];
    else if (modes.has('double-vote') && isVote(m))
      sends = [enc(o.to, m), enc(o.to, reSigned(m, wrongDigest(m.digest)))];
    else sends = [enc(o.to, m)];
    if (modes.has('bad-signature'))
      sends = sends.map((s) => enc(s.to, { ...m, signature: wrongDigest(m.signature) }));
    if (modes.has('malformed'))
      sends = sends.flatMap((s) => [
        { to: s.to, bytes: s.bytes.subarray(0, s.bytes.length >> 1) },
        { to: s.to, bytes: ctx.random(s.bytes.length) },
      ]);
    if (modes.has('replay')) sends = replayer.next(sends);
    return sends;
  };

  /** The real PRE-PREPARE to the first half of the others, its twin to the rest and to the first. */
  function equivocated(o: Outbound, m: PrePrepare): RawSend[] {
    const others = Array.from({ length: ctx.validatorCount() }, (_, i) => i).filter((i) => i !== m.sender);
    const targets = o.to === 'all' ? others : [o.to];
    const half = Math.ceil(others.length / 2);
    const twin = twinOf(m);
    return targets.flatMap((i) => {
      const pos = others.indexOf(i);
      if (pos === 0) return [enc(i, m), enc(i, twin)];
      return [enc(i, pos < half ? m : twin)];
    });
  }
}
