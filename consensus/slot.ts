// The log entry of one sequence number (= one height) inside the watermark window: the accepted
// PRE-PREPARE and the PREPARE/COMMIT votes of the current view, plus what outlives a view change
// (the highest prepared proof, the body, whether the block committed). Votes are kept per sender,
// one each: a second, different vote from the same sender is equivocation, not a replacement.
import type { Block, Commit, PrePrepare, Prepare, PreparedProof } from '../codec/types.js';

/** A message with its digest in hex, computed once on receipt. */
export interface Tagged<V> {
  msg: V;
  hex: string;
}

export class Slot {
  /** PRE-PREPARE of the current view, signature checked, waiting until the parent is applied. */
  candidate: PrePrepare | null = null;
  /** The accepted PRE-PREPARE of the current view. */
  prePrepare: PrePrepare | null = null;
  digest: string | null = null;
  /** Votes of the current view by sender, with their digest in hex. */
  readonly prepares = new Map<number, Tagged<Prepare>>();
  readonly commits = new Map<number, Tagged<Commit>>();
  /** Envelope hashes of the accepted block, computed once when it was checked. */
  txHashes: string[] = [];
  sentCommit = false;
  /** Prepared certificate with the highest view (persisted; carried by VIEW-CHANGE). */
  prepared: PreparedProof | null = null;
  /** Body of the block with digest `bodyDigest` (kept across views, until garbage collection). */
  block: Block | null = null;
  bodyDigest: string | null = null;
  committed = false;

  constructor(readonly seq: number) {}

  /** A new view starts: votes of the old view no longer count. */
  resetView(): void {
    this.candidate = null;
    this.prePrepare = null;
    this.digest = null;
    this.prepares.clear();
    this.commits.clear();
    this.sentCommit = false;
  }

  keepBody(block: Block, digest: string): void {
    this.block = block;
    this.bodyDigest = digest;
  }

  /** Votes that match the accepted digest, ascending by sender, excluding one sender (the primary). */
  matching<V>(votes: Map<number, Tagged<V>>, exclude = -1): V[] {
    const out: [number, V][] = [];
    if (this.digest === null) return [];
    for (const [sender, v] of votes)
      if (sender !== exclude && v.hex === this.digest) out.push([sender, v.msg]);
    out.sort((a, b) => a[0] - b[0]);
    return out.map((e) => e[1]);
  }
}
