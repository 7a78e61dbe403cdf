// The last committed blocks in memory, for the PBFT core's synchronous committedBlock(height): a new
// primary re-proposes, in NEW-VIEW, committed blocks it no longer holds. Filled from the block log
// at start so a restarted node has them too. Bounded by count and by envelope bytes: a count alone
// let full blocks (4,000 envelopes) hold ~700 MB, and at 1,000 envelopes/s 256 blocks were most of
// a node's live heap (soak, docs/performance.md "Memory").
import { decodeCertifiedBlock } from '../../codec/certificate.js';
import type { Block } from '../../codec/types.js';
import type { Store } from '../store/index.js';

export interface RecentBlocksBounds {
  /** Always kept, whatever their size: the heights a NEW-VIEW may re-propose (the PBFT window). */
  minBlocks: number;
  /** Never more than this many. */
  maxBlocks: number;
  /** Above minBlocks, older blocks go once the envelopes held exceed this many bytes. */
  maxBytes: number;
}

/**
 * Bounds for a PBFT window of `window` heights: the window itself always (blocks above the stable
 * checkpoint), up to twice it (the core remembers committed hashes that far) within `maxBytes`.
 */
export function recentBlocksBounds(window: number, maxBytes = 16 * 1024 ** 2): RecentBlocksBounds {
  return { minBlocks: window, maxBlocks: 2 * window, maxBytes };
}

const bytesOf = (b: Block): number => b.envelopes.reduce((n, e) => n + e.length, 0);

export class RecentBlocks {
  private readonly blocks = new Map<number, { block: Block; bytes: number }>();
  private bytes = 0;

  constructor(private readonly bounds: RecentBlocksBounds) {}

  get size(): number {
    return this.blocks.size;
  }

  /** Envelope bytes held. */
  get byteSize(): number {
    return this.bytes;
  }

  add(block: Block): void {
    const h = block.header.height;
    this.drop(h);
    const bytes = bytesOf(block);
    this.blocks.set(h, { block, bytes });
    this.bytes += bytes;
    const { minBlocks, maxBlocks, maxBytes } = this.bounds;
    // Heights arrive in order, so the Map's first key is the oldest.
    for (const old of this.blocks.keys()) {
      const over = this.blocks.size > maxBlocks || (this.bytes > maxBytes && this.blocks.size > minBlocks);
      if (!over && old > h - maxBlocks) break;
      this.drop(old);
    }
  }

  get(height: number): Block | undefined {
    return this.blocks.get(height)?.block;
  }

  async load(store: Store): Promise<void> {
    const tip = store.tip()?.height ?? 0;
    // Never below the earliest body held: a pruned node still restarts (proposal checks need only recent blocks).
    const from = Math.max(1, store.earliestHeight(), tip - this.bounds.maxBlocks + 1);
    for await (const b of store.blocks(from, tip)) this.add(decodeCertifiedBlock(b.bytes).block);
  }

  private drop(height: number): void {
    const held = this.blocks.get(height);
    if (held === undefined) return;
    this.blocks.delete(height);
    this.bytes -= held.bytes;
  }
}
