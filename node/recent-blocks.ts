// The last committed blocks in memory, for the PBFT core's synchronous committedBlock(height): a new
// primary re-proposes, in NEW-VIEW, committed blocks it no longer holds. Bounded; filled from the
// block log at start so a restarted node has them too.
import { decodeCertifiedBlock } from '../codec/certificate.js';
import type { Block } from '../codec/types.js';
import type { Store } from './store/store.js';

export class RecentBlocks {
  private readonly blocks = new Map<number, Block>();

  constructor(private readonly max: number) {}

  add(block: Block): void {
    this.blocks.set(block.header.height, block);
    const low = block.header.height - this.max;
    for (const h of this.blocks.keys()) if (h <= low) this.blocks.delete(h);
  }

  get(height: number): Block | undefined {
    return this.blocks.get(height);
  }

  async load(store: Store): Promise<void> {
    const tip = store.tip()?.height ?? 0;
    for await (const b of store.blocks(Math.max(1, tip - this.max + 1), tip))
      this.add(decodeCertifiedBlock(b.bytes).block);
  }
}
