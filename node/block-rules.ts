// What a valid block is, on top of what the PBFT core checks (parent, proposer, size, duplicates):
// its header commits to the envelopes (txRoot), to the state after the parent (stateRoot) and to the
// validator set that certifies it; its time moves forward and is not far in the future; and every
// envelope decodes, belongs to this chain and carries a valid signature by a known signer; and no
// tracing code appears twice in it or in an earlier block (one tracing code, one block). The same
// module builds the primary's block so that proposer and validators agree by construction.
import { decodeEnvelope } from '../codec/envelope.js';
import {
  envelopeSeq,
  envelopeSignature,
  envelopeSignedRegion,
  envelopeSignerKeyId,
} from '../codec/envelope-view.js';
import type { Block, BlockHeader } from '../codec/types.js';
import type { Proposal } from '../consensus/types.js';
import { validatorSetHash } from '../crypto/certificate.js';
import { verify } from '../crypto/ed25519.js';
import { LogFrontier } from '../crypto/hash-log.js';
import { hexOfKeyId } from '../crypto/key-id-hex.js';
import type { Contracts } from '../ledger/contracts.js';
import { hex } from './admission/admission.js';
import { signerPublicKey } from './admission/authorize.js';
import { envelopeTracingCode } from './chain/tx-hash.js';
import { blockChunkLevel, rootOfChunkLevel } from './store/index.js';

/** How far ahead of this node's clock a proposer's block time may be. */
export const MAX_CLOCK_DRIFT_MS = 10_000;

const eq = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

export interface BlockContext {
  chainId: Uint8Array;
  contracts: Contracts;
  /** Header of the applied tip (the parent of the next block); null before the first block. */
  parent(): BlockHeader | null;
  /**
   * The block-hash log over blocks 0..tip (crypto/hash-log.ts): size tip + 1 and the root the next
   * header carries; size 0 before block 1, whose log is the genesis hash alone.
   */
  hashLog(): { size: number; root: Uint8Array };
  genesisTime: number;
  now(): number;
  /** Tracing codes (hex) whose signatures are known good: in the mempool or pre-verified. */
  isVerified(tracingCodeHex: string): boolean;
  /**
   * Whether an earlier block holds this tracing code (hex), as looked up before validation
   * (node/committed-lookup.ts); absent, only the core's memory of recent blocks is consulted.
   */
  isCommitted?(tracingCodeHex: string): boolean;
}

/**
 * Envelopes of one signer in sequence order, signers in order of first appearance: gossip and
 * parallel admission can deliver a site's envelopes slightly out of order, and the chain's replay
 * window only tolerates a bounded reordering.
 */
export function orderBySigner(envelopes: readonly Uint8Array[]): Uint8Array[] {
  const groups = new Map<string, { seq: number; bytes: Uint8Array }[]>();
  for (const bytes of envelopes) {
    let signer = '';
    let seq = 0;
    try {
      signer = hexOfKeyId(envelopeSignerKeyId(bytes));
      seq = envelopeSeq(bytes);
    } catch {
      // Malformed envelopes keep their place in the '' group; validation refuses them.
    }
    const g = groups.get(signer);
    if (g === undefined) groups.set(signer, [{ seq, bytes }]);
    else g.push({ seq, bytes });
  }
  const out: Uint8Array[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => a.seq - b.seq);
    for (const e of g) out.push(e.bytes);
  }
  return out;
}

/**
 * RFC 9162 root over the tracing codes, through the tree's chunk level, which the store keeps and
 * reuses for this same envelope list at commit instead of hashing the leaves again.
 */
function txRootOf(envelopes: readonly Uint8Array[], codes: readonly Uint8Array[]): Uint8Array {
  return rootOfChunkLevel(blockChunkLevel(envelopes, codes));
}

/**
 * The log root a block at `height` must carry: the context's log, or before block 1 (an empty log)
 * the log of the genesis hash alone, which is block 1's parent hash. null when the log is not at
 * `height` leaves (the parent not applied yet: nothing valid can be said).
 */
function expectedLogRoot(ctx: BlockContext, height: number, parentHash: Uint8Array): Uint8Array | null {
  const log = ctx.hashLog();
  if (log.size === 0 && height === 1) {
    const genesis = LogFrontier.empty();
    genesis.append(parentHash);
    return genesis.root();
  }
  return log.size === height ? log.root : null;
}

export function buildBlock(ctx: BlockContext, proposal: Proposal): Block {
  const p = { ...proposal, envelopes: orderBySigner(proposal.envelopes) };
  const parent = ctx.parent();
  const parentTime = parent?.time ?? ctx.genesisTime;
  const header: BlockHeader = {
    chainId: ctx.chainId,
    height: p.height,
    view: p.view,
    time: Math.max(ctx.now(), parentTime + 1),
    parentHash: p.parentHash,
    txRoot: txRootOf(p.envelopes, p.envelopes.map(envelopeTracingCode)),
    txCount: p.envelopes.length,
    stateRoot: ctx.contracts.stateRoot(),
    validatorSetHash: validatorSetHash(ctx.contracts.validators(p.height)),
    proposer: p.proposer,
    // A proposal is built on the applied parent, so the log is at its height.
    hashLogRoot: expectedLogRoot(ctx, p.height, p.parentHash) ?? new Uint8Array(32),
  };
  return { header, envelopes: p.envelopes };
}

/** null when valid, else a short reason. Called by the core once the parent is applied. */
export function validateBlock(ctx: BlockContext, block: Block): string | null {
  const h = block.header;
  const parentTime = ctx.parent()?.time ?? ctx.genesisTime;
  if (h.time <= parentTime) return 'time-not-after-parent';
  if (h.time > ctx.now() + MAX_CLOCK_DRIFT_MS) return 'time-in-future';
  if (!eq(h.stateRoot, ctx.contracts.stateRoot())) return 'state-root';
  if (!eq(h.validatorSetHash, validatorSetHash(ctx.contracts.validators(h.height)))) return 'validator-set';
  const logRoot = expectedLogRoot(ctx, h.height, h.parentHash);
  if (logRoot === null || !eq(h.hashLogRoot, logRoot)) return 'hash-log-root';
  const codes = block.envelopes.map(envelopeTracingCode);
  if (!eq(h.txRoot, txRootOf(block.envelopes, codes))) return 'tx-root';
  const seen = new Set<string>();
  for (let i = 0; i < block.envelopes.length; i++) {
    const bytes = block.envelopes[i]!;
    const id = hex(codes[i]!);
    if (seen.has(id)) return `envelope-${i}:repeated-in-block`;
    seen.add(id);
    if (ctx.isCommitted?.(id) === true) return `envelope-${i}:committed-in-earlier-block`;
    if (ctx.isVerified(id)) continue;
    const reason = envelopeProblem(ctx, bytes);
    if (reason !== null) return `envelope-${i}:${reason}`;
  }
  return null;
}

/**
 * A certified block from state transfer, checked before it is applied (the parent is): its
 * block-hash log root must be the log of the applied chain, as for a block this node voted on.
 * null when valid.
 */
export function transferredBlockProblem(ctx: BlockContext, block: Block): string | null {
  const h = block.header;
  const logRoot = expectedLogRoot(ctx, h.height, h.parentHash);
  return logRoot === null || !eq(h.hashLogRoot, logRoot) ? 'hash-log-root' : null;
}

/** Decodes and checks one envelope's chain and signature; null when good. */
export function envelopeProblem(
  ctx: Pick<BlockContext, 'chainId' | 'contracts'>,
  bytes: Uint8Array,
): string | null {
  let signer: Uint8Array;
  try {
    const env = decodeEnvelope(bytes);
    if (!eq(env.chainId, ctx.chainId)) return 'wrong-chain';
    signer = env.signerKeyId;
  } catch {
    return 'malformed';
  }
  const key = signerPublicKey(ctx.contracts, signer);
  if (key === undefined) return 'unknown-signer';
  return verify(key, envelopeSignedRegion(bytes), envelopeSignature(bytes)) ? null : 'bad-signature';
}
