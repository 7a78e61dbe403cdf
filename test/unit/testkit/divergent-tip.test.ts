// The test kit's divergent node: from its first divergent height on it announces other block hashes
// in signed CHECKPOINTs and serves headers with another state root; below it, it is honest.
import { describe, expect, it } from 'vitest';
import type { NodeApi } from '../../../api/handlers.js';
import { testkitSwitch } from '../../../cli/testkit-switch.js';
import { decodeBlockHeader, encodeBlockHeader } from '../../../codec/block.js';
import { decodeCertifiedBlock } from '../../../codec/certificate.js';
import { decodeConsensusMessage, encodeConsensusMessage } from '../../../codec/consensus-messages.js';
import { consensusSigningBytes } from '../../../codec/consensus-signing.js';
import { type Checkpoint, type ConsensusMessage, MessageType, type Prepare } from '../../../codec/types.js';
import { toHex } from '../../../crypto/bytes.js';
import { sign, verify } from '../../../crypto/ed25519.js';
import { byzantineRewrite } from '../../../testkit/byzantine.js';
import {
  DIVERGE_ENV,
  divergentTipApi,
  divergentTipRewrite,
  parseDivergeFrom,
} from '../../../testkit/divergent-tip.js';
import { certifiedBlock, testChain } from '../store/fixtures.js';

const chain = testChain();
const chainId = chain.genesis.chainId;
const key = chain.validators[0]!;
const ctx = { chainId, sign: (b: Uint8Array) => sign(key, b) };

function signed<M extends ConsensusMessage>(m: Omit<M, 'signature'>): M {
  return { ...m, signature: sign(key, consensusSigningBytes(chainId, m as never)) } as unknown as M;
}

const checkpoint = (seq: number) =>
  signed<Checkpoint>({ type: MessageType.Checkpoint, sender: 0, seq, digest: new Uint8Array(32).fill(seq) });

describe('divergent tip: consensus', () => {
  const rewrite = divergentTipRewrite(5, ctx);
  const send = (msg: ConsensusMessage) => rewrite({ to: 'all', msg }, encodeConsensusMessage);

  it('announces another block hash, validly signed, from the divergent height on', () => {
    const real = checkpoint(5);
    const [out] = send(real);
    const m = decodeConsensusMessage(out!.bytes) as Checkpoint;
    expect(m.seq).toBe(5);
    expect(toHex(m.digest)).not.toBe(toHex(real.digest));
    expect(verify(key.publicKey, consensusSigningBytes(chainId, m), m.signature)).toBe(true);
    // The same height twice announces the same hash: a peer sees one divergent block, no equivocation.
    expect(toHex(send(real)[0]!.bytes)).toBe(toHex(out!.bytes));
  });

  it('is honest below that height and for every other message', () => {
    const below = checkpoint(4);
    expect(toHex(send(below)[0]!.bytes)).toBe(toHex(encodeConsensusMessage(below)));
    const vote = signed<Prepare>({
      type: MessageType.Prepare,
      view: 0,
      seq: 9,
      digest: new Uint8Array(32).fill(7),
      sender: 0,
    });
    expect(toHex(send(vote)[0]!.bytes)).toBe(toHex(encodeConsensusMessage(vote)));
  });

  it('hands what it rewrote to another test-kit rewrite', () => {
    const inner = byzantineRewrite(new Set(['withhold-votes']), {
      ...ctx,
      hashHeader: () => new Uint8Array(32),
      validatorCount: () => 4,
      random: (n) => new Uint8Array(n),
    });
    const both = divergentTipRewrite(5, ctx, inner);
    const vote = signed<Prepare>({
      type: MessageType.Prepare,
      view: 0,
      seq: 9,
      digest: new Uint8Array(32),
      sender: 0,
    });
    expect(both({ to: 'all', msg: vote }, encodeConsensusMessage)).toEqual([]);
    const [cp] = both({ to: 'all', msg: checkpoint(6) }, encodeConsensusMessage);
    expect(toHex((decodeConsensusMessage(cp!.bytes) as Checkpoint).digest)).not.toBe(
      toHex(checkpoint(6).digest),
    );
  });
});

describe('divergent tip: RPC', () => {
  const blocks = [1, 2, 3].map((h) =>
    certifiedBlock(chain, h, [], { stateRoot: new Uint8Array(32).fill(h) }),
  );
  const honest = {
    getBlock: async (h: number) => blocks[h - 1]!.bytes,
    getHeaders: async () => ({
      headers: blocks.map((b) => ({
        height: b.decoded.block.header.height,
        header: encodeBlockHeader(b.decoded.block.header),
        certificate: new Uint8Array(1),
      })),
      nextHeight: 0,
      tip: 3,
    }),
    subscribeBlocks: async function* () {
      for (const b of blocks) yield { height: b.decoded.block.header.height, certifiedBlock: b.bytes };
    },
    getStatus: async () => ({ height: 3 }),
  } as unknown as NodeApi;
  const api = divergentTipApi(honest, 2);

  it('serves the real blocks below the divergent height and another state root from it on', async () => {
    expect(toHex(await api.getBlock(1))).toBe(toHex(blocks[0]!.bytes));
    const two = decodeCertifiedBlock(await api.getBlock(2)).block.header;
    expect(two.height).toBe(2);
    expect(toHex(two.stateRoot)).toBe(toHex(new Uint8Array(32).fill(2 ^ 0xff)));
    const page = await api.getHeaders({} as never);
    const roots = page.headers.map((h) => decodeBlockHeader(h.header).stateRoot[0]);
    expect(roots).toEqual([1, 2 ^ 0xff, 3 ^ 0xff]);
    const streamed: number[] = [];
    for await (const e of api.subscribeBlocks(1, new AbortController().signal))
      streamed.push(decodeCertifiedBlock(e.certifiedBlock).block.header.stateRoot[0]!);
    expect(streamed).toEqual([1, 2 ^ 0xff, 3 ^ 0xff]);
    expect(await api.getStatus()).toEqual({ height: 3 });
  });
});

describe('divergent tip: switch', () => {
  it('parses a height strictly', () => {
    expect(parseDivergeFrom(' 7 ')).toBe(7);
    for (const bad of ['', '0', '-1', '2.5', 'x'])
      expect(() => parseDivergeFrom(bad)).toThrow(/not a height/);
  });

  it('is taken only with --testkit, and composes with the other modes', () => {
    expect(() => testkitSwitch(false, { [DIVERGE_ENV]: '3' })).toThrow(/--testkit is not/);
    const kit = testkitSwitch(true, { [DIVERGE_ENV]: '3', BKDMS_TESTKIT_LIE: 'receipt' });
    expect(kit?.divergeFrom).toBe(3);
    expect(kit?.lies).toEqual(['receipt']);
    expect(kit?.options.consensusRewrite).toBeTypeOf('function');
    expect(kit?.options.wrapApi).toBeTypeOf('function');
  });
});
