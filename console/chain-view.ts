// What the console knows of the chain: the newest certified blocks (summaries, fetched once from
// whichever node has them), and from them the block interval, the committed envelopes per second,
// the last commit vote of each validator (the certificates' signers) and the cross-node check of
// block hash and state root at the latest height every node has.
import { encodeBlockHeader } from '../codec/block.js';
import { decodeCertifiedBlock } from '../codec/certificate.js';
import { decodeEnvelope } from '../codec/envelope.js';
import { blockHeaderHashInput } from '../codec/signing.js';
import { type CertifiedBlock, EnvelopeKind } from '../codec/types.js';
import { toHex } from '../crypto/bytes.js';
import { sha256, tracingCode } from '../crypto/hash.js';
import type { NodeWatch } from './node-watch.js';

export interface BlockSummary {
  height: number;
  hash: string;
  time: number;
  view: number;
  proposer: number;
  txCount: number;
  stateRoot: string;
  signers: number[];
  /** Tracing code of the block's first envelope (how the platform's progress is probed). */
  firstTracingCode?: string;
}

export interface ConsistencyRow {
  height: number;
  nodes: { name: string; hash?: string; stateRoot?: string; error?: string }[];
  agree: boolean;
}

/** Blocks kept for the live views; older ones are fetched from a node when asked for. */
export const RECENT_BLOCKS = 300;

export function summarize(certified: CertifiedBlock): BlockSummary {
  const h = certified.block.header;
  const first = certified.block.envelopes[0];
  return {
    ...(first === undefined ? {} : { firstTracingCode: toHex(tracingCode(first)) }),
    height: h.height,
    hash: toHex(sha256(blockHeaderHashInput(encodeBlockHeader(h)))),
    time: h.time,
    view: h.view,
    proposer: h.proposer,
    txCount: h.txCount,
    stateRoot: toHex(h.stateRoot),
    signers: certified.certificate.signatures.map((s) => s.validator),
  };
}

/** Mean time between the last `n` blocks, ms; undefined below two blocks. */
export function blockInterval(blocks: readonly BlockSummary[], n = 20): number | undefined {
  const last = blocks.slice(-n);
  if (last.length < 2) return undefined;
  return ((last.at(-1) as BlockSummary).time - (last[0] as BlockSummary).time) / (last.length - 1);
}

/** Committed envelopes per second over the blocks of the last `windowMs` before the newest block. */
export function envelopesPerSecond(blocks: readonly BlockSummary[], windowMs = 10_000): number {
  const tip = blocks.at(-1);
  if (tip === undefined) return 0;
  let count = 0;
  for (const b of blocks) if (b.time > tip.time - windowMs) count += b.txCount;
  return count / (windowMs / 1000);
}

/** Per validator index: the highest height whose commit certificate carries its signature. */
export function lastVotes(blocks: readonly BlockSummary[], validators: number): (number | null)[] {
  const out: (number | null)[] = Array.from({ length: validators }, () => null);
  for (const b of blocks) for (const i of b.signers) if (i < validators) out[i] = b.height;
  return out;
}

/** Most uploading sites remembered (the KPI and governance pages look their registrations up). */
export const MAX_SITES = 256;

export class ChainView {
  readonly blocks: BlockSummary[] = [];
  /** Key IDs (hex) of the sites whose uploads the console has seen, oldest first, bounded. */
  readonly sites = new Set<string>();
  consistency: ConsistencyRow | undefined;

  constructor(private readonly nodes: readonly NodeWatch[]) {}

  /** Nodes up whose blocks span `height`: at or below their tip, at or above their earliest body
   * (a pruned node, or one that joined by state sync, holds none below it). */
  private holders(height: number): NodeWatch[] {
    return this.nodes.filter(
      (n) =>
        n.view.up && (n.view.status?.height ?? 0) >= height && (n.view.status?.earliestHeight ?? 1) <= height,
    );
  }

  /** Nodes up with a status read. */
  private up(): NodeWatch[] {
    return this.nodes.filter((n) => n.view.up && n.view.status !== undefined);
  }

  /** The certified block at `height` from the first node that has it. */
  async fetch(height: number): Promise<CertifiedBlock> {
    let last: unknown;
    for (const n of this.holders(height)) {
      try {
        return decodeCertifiedBlock(await n.client.getBlock(height, { deadlineMs: 5_000 }));
      } catch (err) {
        last = err;
      }
    }
    if (last !== undefined) throw last;
    // No holder: say why, once, rather than building the message for every block fetched.
    const up = this.up();
    const below = up.filter((n) => (n.view.status?.earliestHeight ?? 1) > height);
    throw new Error(
      below.length > 0 && below.length === up.length
        ? `no node up holds block ${height}: earliest heights ${below.map((n) => `${n.view.name} ${n.view.status?.earliestHeight}`).join(', ')}`
        : `no node up holds height ${height}`,
    );
  }

  /** Appends the blocks committed since the last call (at most RECENT_BLOCKS of them). */
  async catchUp(): Promise<void> {
    const tip = Math.max(0, ...this.nodes.map((n) => (n.view.up ? (n.view.status?.height ?? 0) : 0)));
    const have = this.blocks.at(-1)?.height ?? 0;
    // Blocks below every node's earliest body are held by none of them: start where one does.
    const up = this.up();
    const lowest = Math.min(...up.map((n) => n.view.status?.earliestHeight ?? 1));
    for (let h = Math.max(have + 1, tip - RECENT_BLOCKS + 1, lowest, 1); h <= tip; h++) {
      const certified = await this.fetch(h);
      this.blocks.push(summarize(certified));
      this.noteSites(certified);
      if (this.blocks.length > RECENT_BLOCKS) this.blocks.shift();
    }
  }

  /** The contract state lists no sites as one group: the console learns them from their uploads. */
  private noteSites(certified: CertifiedBlock): void {
    for (const bytes of certified.block.envelopes) {
      try {
        const env = decodeEnvelope(bytes);
        if (env.kind !== EnvelopeKind.KpiUpload) continue;
        const id = toHex(env.signerKeyId);
        this.sites.delete(id);
        this.sites.add(id);
        if (this.sites.size > MAX_SITES) this.sites.delete(this.sites.values().next().value as string);
      } catch {
        // A committed envelope decodes; nothing to learn from one that would not.
      }
    }
  }

  /** Compares block hash and state root of every node up at the newest height they all hold. */
  async checkConsistency(): Promise<void> {
    const up = this.up();
    if (up.length === 0) return;
    const height = Math.min(...up.map((n) => n.view.status?.height ?? 0));
    if (height < 1) return;
    const nodes = await Promise.all(
      up.map(async (n) => {
        try {
          const s = summarize(decodeCertifiedBlock(await n.client.getBlock(height, { deadlineMs: 5_000 })));
          return { name: n.view.name, hash: s.hash, stateRoot: s.stateRoot };
        } catch (err) {
          return { name: n.view.name, error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
    const answered = nodes.filter((n) => n.hash !== undefined);
    const agree = answered.every(
      (n) => n.hash === answered[0]?.hash && n.stateRoot === answered[0]?.stateRoot,
    );
    this.consistency = { height, nodes, agree };
  }
}
