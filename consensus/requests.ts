// Envelopes admitted by the mempool and not yet committed, in arrival order. The primary cuts
// blocks from the front; every replica watches the oldest one's age (anti-censorship: a primary
// that leaves an envelope waiting too long is replaced). Bounded: beyond `max` new ones are
// refused. Hashes committed in the last `keepHeights` blocks are remembered so that a late
// duplicate is not admitted again; older duplicates are the driver's validateBlock's job. The
// driver drops an envelope that can never be applied (its sequence number spent by another), so
// that it neither goes into a block nor makes the anti-censorship timer blame the primary.
import { hashKey } from './bytes.js';
import type { Request } from './types.js';

interface Pending {
  bytes: Uint8Array;
  arrival: number;
}

export class RequestQueue {
  private readonly pending = new Map<string, Pending>();
  private readonly committed = new Map<string, number>();
  private readonly byHeight = new Map<number, string[]>();
  private bytesTotal = 0;

  constructor(
    private readonly max: number,
    private readonly keepHeights: number,
    /** An envelope larger than a block (at the limit now in force) can never be proposed: refused up front. */
    private readonly maxBytesEach: () => number,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  get bytes(): number {
    return this.bytesTotal;
  }

  /** Adds the envelopes not already pending or recently committed; returns how many were added. */
  add(requests: readonly Request[], now: number): number {
    let added = 0;
    for (const r of requests) {
      const key = hashKey(r.hash);
      if (this.pending.size >= this.max) break;
      if (r.bytes.length > this.maxBytesEach() || this.pending.has(key) || this.committed.has(key)) continue;
      this.pending.set(key, { bytes: r.bytes, arrival: now });
      this.bytesTotal += r.bytes.length;
      added++;
    }
    return added;
  }

  /** Arrival tick of the oldest pending envelope, or undefined when none waits. */
  oldestArrival(): number | undefined {
    for (const p of this.pending.values()) return p.arrival;
    return undefined;
  }

  /** The front of the queue that fits a block of at most maxCount envelopes and maxBytes bytes. */
  take(maxCount: number, maxBytes: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    let bytes = 0;
    for (const p of this.pending.values()) {
      if (out.length >= maxCount || bytes + p.bytes.length > maxBytes) break;
      out.push(p.bytes);
      bytes += p.bytes.length;
    }
    return out;
  }

  /** Removes pending envelopes (the driver found they can never be applied); returns how many were pending. */
  drop(hashes: readonly Uint8Array[]): number {
    let n = 0;
    for (const h of hashes) {
      const key = hashKey(h);
      const p = this.pending.get(key);
      if (p === undefined) continue;
      this.bytesTotal -= p.bytes.length;
      this.pending.delete(key);
      n++;
    }
    return n;
  }

  wasCommitted(hash: string): boolean {
    return this.committed.has(hash);
  }

  /** Records a committed block's envelope hashes and drops them from pending. */
  markCommitted(height: number, hashes: readonly string[]): void {
    for (const h of hashes) {
      const p = this.pending.get(h);
      if (p !== undefined) {
        this.bytesTotal -= p.bytes.length;
        this.pending.delete(h);
      }
      this.committed.set(h, height);
    }
    this.byHeight.set(height, [...hashes]);
    const old = this.byHeight.get(height - this.keepHeights);
    if (old !== undefined) {
      for (const h of old) if (this.committed.get(h) === height - this.keepHeights) this.committed.delete(h);
      this.byHeight.delete(height - this.keepHeights);
    }
  }
}
