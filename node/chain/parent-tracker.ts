// The header of the applied tip: the parent every next block is checked against (its time).
import { decodeBlockHeader } from '../../codec/block.js';
import type { BlockHeader } from '../../codec/types.js';
import type { Store } from '../store/index.js';

export class ParentTracker {
  constructor(public header: BlockHeader | null) {}

  static async open(store: Store): Promise<ParentTracker> {
    const tip = store.tip();
    if (tip === undefined) return new ParentTracker(null);
    return new ParentTracker(decodeBlockHeader(await store.getHeader(tip.height)));
  }
}
