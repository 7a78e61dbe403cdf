// Envelopes a peer gossiped that wait in this node's admission queue (node/network-wiring.ts).
// Under load that queue runs seconds behind the consensus channel, so a PROPOSAL often names
// envelopes this node has received but not admitted yet; fetching them again from the primary
// (node/proposal-bodies.ts) cost a multi-megabyte exchange per block and stalled the replica on
// its deadline. The rebuild takes them from here instead. They are not verified yet: the driver
// pre-verifies every envelope of a proposed block it did not admit (as it does fetched ones), and
// admission then finds them verified (node/chain/chain.ts) or already committed.
// Bounded by the admission queue it mirrors (batches are added when queued, deleted when admitted),
// plus the last few batches the full queue turned away unread (`overflow`): under open load those
// are exactly the envelopes a replica would otherwise fetch for the primary's next blocks.
import type { Hash32 } from '../codec/types.js';
import { toHex } from '../crypto/bytes.js';
import { envelopeTracingCode } from './chain/tx-hash.js';

/** Batches the full admission queue turned away, kept for rebuilds (the oldest leave first): 32 of the batcher's 256 KiB at most is 8 MiB. */
export const MAX_OVERFLOW_BATCHES = 32;

export class GossipBacklog {
  /** Batches kept after the admission queue turned them away, oldest first. */
  private readonly overflowed: (readonly Uint8Array[])[] = [];

  /** Queued batches; their tracing codes once indexed (null until a look-up needs them). */
  private readonly batches = new Map<readonly Uint8Array[], string[] | null>();
  private readonly byCode = new Map<string, Uint8Array>();
  /** Queued batches not indexed yet. */
  private unindexed: (readonly Uint8Array[])[] = [];

  /** A batch entered the admission queue. Nothing is hashed until a look-up needs it. */
  add(batch: readonly Uint8Array[]): void {
    this.batches.set(batch, null);
    this.unindexed.push(batch);
    // Batches admitted before any look-up indexed them leave their place here: drop those now and
    // then, so the list stays within twice the queue (a node that never looks up never indexes).
    if (this.unindexed.length > 2 * this.batches.size + 16)
      this.unindexed = this.unindexed.filter((b) => this.batches.get(b) === null);
  }

  /** A batch left the admission queue (admitted, refused or failed). */
  delete(batch: readonly Uint8Array[]): void {
    const keys = this.batches.get(batch);
    this.batches.delete(batch);
    // A code another queued batch also holds goes with it: a look-up then misses, and the
    // envelope is fetched as before.
    if (keys) for (const k of keys) this.byCode.delete(k);
  }

  /**
   * A batch the full admission queue turned away: kept for rebuilds among the last
   * `maxOverflow` such batches (it is never admitted; a proposal naming its envelopes gets them
   * pre-verified like any it did not admit).
   */
  overflow(batch: readonly Uint8Array[], maxOverflow = MAX_OVERFLOW_BATCHES): void {
    if (!this.batches.has(batch)) this.add(batch);
    this.overflowed.push(batch);
    while (this.overflowed.length > maxOverflow) this.delete(this.overflowed.shift()!);
  }

  get size(): number {
    return this.batches.size;
  }

  /**
   * The queued envelope whose tracing code is `code`. Indexes the batches queued since the last
   * look-up first (their hashes are remembered per array, so admission does not hash them again).
   */
  get(code: Hash32): Uint8Array | undefined {
    if (this.unindexed.length > 0) this.index();
    return this.byCode.get(toHex(code));
  }

  private index(): void {
    for (const batch of this.unindexed) {
      if (!this.batches.has(batch)) continue; // admitted meanwhile
      const indexed = batch.map((e) => {
        const k = toHex(envelopeTracingCode(e));
        this.byCode.set(k, e);
        return k;
      });
      this.batches.set(batch, indexed);
    }
    this.unindexed = [];
  }
}
