// A node whose chain diverges from the others', for tests of divergence detection (docs/operations.md
// "Test-kit modes"). From the height named by BKDMS_TESTKIT_DIVERGE_FROM on, it behaves as a node
// whose store holds other blocks than the rest of the chain, as a corrupted state root would make
// it: every signed CHECKPOINT it sends (the status heartbeat included) announces another block hash
// at that height, and GetBlock, GetHeaders and SubscribeBlocks serve headers whose state root has
// every byte inverted (their certificates no longer match them). Below that height it is honest,
// so a comparison finds where the divergence begins. Its own consensus core stays honest: it keeps
// voting on, and committing, the others' blocks. A node takes this only with the test-kit flag.
import type { NodeApi } from '../api/handlers.js';
import type { HeadersPage } from '../api/types.js';
import { decodeBlockHeader, encodeBlockHeader } from '../codec/block.js';
import { decodeCertifiedBlock, encodeCertifiedBlock } from '../codec/certificate.js';
import { consensusSigningBytes, type Unsigned } from '../codec/consensus-signing.js';
import { type BlockHeader, type Checkpoint, MessageType } from '../codec/types.js';
import type { OutboundRewrite, RawSend } from './byzantine.js';
import { flipped } from './forgeries.js';

/** The environment variable naming the first divergent height. */
export const DIVERGE_ENV = 'BKDMS_TESTKIT_DIVERGE_FROM';

/** Parses the first divergent height (an integer ≥ 1); throws on anything else. */
export function parseDivergeFrom(spec: string): number {
  const h = Number(spec.trim());
  if (spec.trim() === '' || !Number.isSafeInteger(h) || h < 1)
    throw new Error(`${DIVERGE_ENV}: "${spec}" is not a height (an integer ≥ 1)`);
  return h;
}

/** The header this node pretends to hold: the real one with its state root inverted. */
export function divergentHeader(h: BlockHeader): BlockHeader {
  return { ...h, stateRoot: flipped(h.stateRoot) };
}

/** An encoded CertifiedBlock with the divergent header in place of the real one, from `from` on. */
export function divergentCertifiedBlock(bytes: Uint8Array, from: number): Uint8Array {
  const cb = decodeCertifiedBlock(bytes);
  if (cb.block.header.height < from) return bytes;
  return encodeCertifiedBlock({ ...cb, block: { ...cb.block, header: divergentHeader(cb.block.header) } });
}

export interface DivergentContext {
  chainId: Uint8Array;
  sign(bytes: Uint8Array): Uint8Array;
}

/**
 * Rewrites the CHECKPOINTs at or above `from` to announce another block hash (signed, so peers
 * take it as this validator's word); everything else goes to `inner` (another test-kit rewrite)
 * or out as the driver encodes it.
 */
export function divergentTipRewrite(
  from: number,
  ctx: DivergentContext,
  inner?: OutboundRewrite,
): OutboundRewrite {
  return (o, encode): RawSend[] => {
    const m = o.msg;
    let out = o;
    if (m.type === MessageType.Checkpoint && m.seq >= from) {
      const unsigned: Unsigned<Checkpoint> = {
        type: m.type,
        seq: m.seq,
        sender: m.sender,
        digest: flipped(m.digest),
      };
      const signature = ctx.sign(consensusSigningBytes(ctx.chainId, unsigned));
      out = { ...o, msg: { ...unsigned, signature } };
    }
    return inner === undefined ? [{ to: out.to, bytes: encode(out.msg) }] : inner(out, encode);
  };
}

/** `inner` serving the divergent headers from `from` on; every other method is inner's own. */
export function divergentTipApi(inner: NodeApi, from: number): NodeApi {
  const overrides: Partial<NodeApi> = {
    getBlock: async (height) => divergentCertifiedBlock(await inner.getBlock(height), from),
    getHeaders: async (q) => {
      const page: HeadersPage = await inner.getHeaders(q);
      const headers = page.headers.map((h) =>
        h.height < from
          ? h
          : { ...h, header: encodeBlockHeader(divergentHeader(decodeBlockHeader(h.header))) },
      );
      return { ...page, headers };
    },
    subscribeBlocks: async function* (fromHeight, signal) {
      for await (const e of inner.subscribeBlocks(fromHeight, signal))
        yield { ...e, certifiedBlock: divergentCertifiedBlock(e.certifiedBlock, from) };
    },
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const o = (overrides as Record<string | symbol, unknown>)[prop];
      if (o !== undefined) return o;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
