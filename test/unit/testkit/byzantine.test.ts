// The test kit's Byzantine modes: what a node in each mode puts on the wire instead of its honest
// messages, checked by decoding and verifying every send as a receiving replica would.
import { describe, expect, it } from 'vitest';
import { testkitSwitch } from '../../../cli/testkit-switch.js';
import { encodeBlockHeader } from '../../../codec/block.js';
import { decodeConsensusMessage, encodeConsensusMessage } from '../../../codec/consensus-messages.js';
import { consensusSigningBytes } from '../../../codec/consensus-signing.js';
import {
  type Checkpoint,
  type ConsensusMessage,
  MessageType,
  type PrePrepare,
  type Prepare,
} from '../../../codec/types.js';
import type { Outbound } from '../../../consensus/types.js';
import { toHex } from '../../../crypto/bytes.js';
import { sign, verify } from '../../../crypto/ed25519.js';
import { headerHash } from '../../../node/store/index.js';
import { FAILPOINTS, parseFailpoint } from '../../../runtime/failpoints.js';
import { type ByzantineMode, byzantineRewrite, parseByzantineModes } from '../../../testkit/byzantine.js';
import { certifiedBlock, testChain } from '../store/fixtures.js';

const chain = testChain();
const chainId = chain.genesis.chainId;
const key = chain.validators[0]!;
const hashHeader = (h: PrePrepare['block']['header']) => headerHash(encodeBlockHeader(h));

function signed<M extends ConsensusMessage>(m: Omit<M, 'signature'>): M {
  return { ...m, signature: sign(key, consensusSigningBytes(chainId, m as never)) } as unknown as M;
}

function rewriteWith(encode: (m: ConsensusMessage) => Uint8Array, ...modes: ByzantineMode[]) {
  const r = byzantineRewrite(new Set(modes), {
    chainId,
    sign: (b) => sign(key, b),
    hashHeader,
    validatorCount: () => 4,
    random: (n) => new Uint8Array(n).fill(0xa5),
  });
  return (o: Outbound) => r(o, encode);
}

/** The rewrite with the plain message encoding, so the tests can decode what it sends. */
const rewrite = (...modes: ByzantineMode[]) => rewriteWith(encodeConsensusMessage, ...modes);

const block = certifiedBlock(chain, 1, []).decoded.block;
const prePrepare = signed<PrePrepare>({
  type: MessageType.PrePrepare,
  sender: 0,
  view: 0,
  seq: 1,
  digest: hashHeader(block.header),
  block,
});
const prepare = signed<Prepare>({
  type: MessageType.Prepare,
  sender: 0,
  view: 0,
  seq: 1,
  digest: prePrepare.digest,
});

const validSig = (m: ConsensusMessage): boolean =>
  verify(key.publicKey, consensusSigningBytes(chainId, m as never), m.signature);

describe('Byzantine modes (test kit)', () => {
  it('equivocate: two validly signed PRE-PREPAREs for one slot, split between the replicas, one replica gets both', () => {
    const sends = rewrite('equivocate')({ to: 'all', msg: prePrepare });
    const byTo = new Map<number, PrePrepare[]>();
    for (const s of sends) {
      expect(s.to).not.toBe('all');
      const m = decodeConsensusMessage(s.bytes) as PrePrepare;
      expect(validSig(m)).toBe(true);
      expect(toHex(hashHeader(m.block.header))).toBe(toHex(m.digest));
      byTo.set(s.to as number, [...(byTo.get(s.to as number) ?? []), m]);
    }
    expect([...byTo.keys()].sort()).toEqual([1, 2, 3]);
    const digests = new Set(sends.map((s) => toHex((decodeConsensusMessage(s.bytes) as PrePrepare).digest)));
    expect(digests.size).toBe(2);
    expect(byTo.get(1)!.length).toBe(2);
    // A retransmission sends the same twin, not a third block.
    const again = rewrite('equivocate');
    const first = again({ to: 'all', msg: prePrepare }).map((s) => toHex(s.bytes));
    expect(again({ to: 'all', msg: prePrepare }).map((s) => toHex(s.bytes))).toEqual(first);
  });

  it('double-vote and wrong-digest: signed votes for a digest that is not the block', () => {
    const dv = rewrite('double-vote')({ to: 'all', msg: prepare }).map((s) =>
      decodeConsensusMessage(s.bytes),
    );
    expect(dv.length).toBe(2);
    expect(dv.every(validSig)).toBe(true);
    expect(toHex((dv[0] as Prepare).digest)).toBe(toHex(prepare.digest));
    expect(toHex((dv[1] as Prepare).digest)).not.toBe(toHex(prepare.digest));
    const wd = rewrite('wrong-digest')({ to: 2, msg: prepare });
    expect(wd.length).toBe(1);
    expect(wd[0]!.to).toBe(2);
    const m = decodeConsensusMessage(wd[0]!.bytes) as Prepare;
    expect(validSig(m)).toBe(true);
    expect(toHex(m.digest)).not.toBe(toHex(prepare.digest));
  });

  it('bad-signature, malformed, withhold-votes', () => {
    const bad = rewrite('bad-signature')({ to: 'all', msg: prepare });
    expect(validSig(decodeConsensusMessage(bad[0]!.bytes))).toBe(false);
    const mal = rewrite('malformed')({ to: 'all', msg: prepare });
    expect(mal.length).toBe(2);
    for (const s of mal) expect(() => decodeConsensusMessage(s.bytes)).toThrow();
    const w = rewrite('withhold-votes');
    expect(w({ to: 'all', msg: prepare })).toEqual([]);
    expect(w({ to: 'all', msg: prePrepare })).toEqual([]);
    const cp: Outbound = {
      to: 'all',
      msg: signed<Checkpoint>({ type: MessageType.Checkpoint, sender: 0, seq: 1, digest: prePrepare.digest }),
    };
    expect(w(cp).length).toBe(1);
  });

  it("sends through the driver's encoding (a PRE-PREPARE leaves as the driver encodes it)", () => {
    const seen: ConsensusMessage[] = [];
    const tagged = (m: ConsensusMessage) => {
      seen.push(m);
      return Uint8Array.of(0xee, seen.length);
    };
    const sends = rewriteWith(tagged, 'equivocate')({ to: 'all', msg: prePrepare });
    expect(sends.every((s) => s.bytes[0] === 0xee)).toBe(true);
    expect(new Set(seen.map((m) => toHex((m as PrePrepare).digest))).size).toBe(2);
  });

  it('parses names strictly', () => {
    expect([...parseByzantineModes('equivocate, double-vote')]).toEqual(['equivocate', 'double-vote']);
    expect(() => parseByzantineModes('equivocat')).toThrow(/unknown mode/);
    expect(() => parseByzantineModes(' , ')).toThrow(/names no mode/);
    expect(parseFailpoint('index-after-batch:3')).toEqual({ name: 'index-after-batch', hit: 3 });
    expect(parseFailpoint('wal-after-sync')).toEqual({ name: 'wal-after-sync', hit: 1 });
    expect(() => parseFailpoint('index-after-batc')).toThrow(/unknown failpoint/);
    expect(() => parseFailpoint('wal-after-sync:0')).toThrow(/pass count/);
    expect(FAILPOINTS.length).toBeGreaterThan(4);
  });

  it('takes Byzantine modes and failpoints only with --testkit; either alone refuses to start', () => {
    expect(() => testkitSwitch(false, { BKDMS_TESTKIT_BYZANTINE: 'equivocate' })).toThrow(/--testkit is not/);
    expect(() => testkitSwitch(false, { BKDMS_TESTKIT_FAILPOINT: 'wal-after-sync' })).toThrow(
      /--testkit is not/,
    );
    const kit = testkitSwitch(true, {
      BKDMS_TESTKIT_BYZANTINE: 'withhold-votes',
      BKDMS_TESTKIT_FAILPOINT: 'index-after-batch:2',
    });
    expect(kit?.byzantine).toEqual(['withhold-votes']);
    expect(kit?.failpoint).toBe('index-after-batch:2');
    expect(kit?.options.consensusRewrite).toBeTypeOf('function');
    expect(kit?.options.wrapApi).toBeUndefined();
  });
});

describe('Byzantine rewrite leaves the node its own messages', () => {
  // The core keeps what it sent (its own vote goes into its certificate, its digest is the
  // PRE-PREPARE's): a lie must be a copy. Digests are often Buffers (node:crypto hashes), whose
  // slice() is a view, not a copy.
  const bufferDigest = Buffer.from(prePrepare.digest);
  const honest = signed<Prepare>({ ...prepare, digest: bufferDigest });
  const vote: Prepare = { ...honest, signature: Buffer.from(honest.signature) };
  for (const mode of ['double-vote', 'wrong-digest', 'bad-signature'] as const) {
    it(`${mode}: the message handed in keeps its digest and signature`, () => {
      const digest = toHex(vote.digest);
      const sig = toHex(vote.signature);
      rewrite(mode)({ to: 'all', msg: vote });
      expect(toHex(vote.digest)).toBe(digest);
      expect(toHex(vote.signature)).toBe(sig);
      expect(validSig(vote)).toBe(true);
    });
  }
});
