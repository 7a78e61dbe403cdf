// What a NEW-VIEW must re-propose, computed from its VIEW-CHANGE set (Castro & Liskov TOCS'02
// §4.4): min-s is the highest stable checkpoint in the set; every seq in (min-s, max-s] gets the
// digest of its prepared proof with the highest view. The new primary and every backup compute
// the same plan from the same set, which is how a backup checks a NEW-VIEW.
//
// Where PBFT fills a gap with a null request, a chained ledger cannot: a block's header names its
// parent, so a block prepared after a gap could never have been valid to an honest replica
// (honest replicas prepare height h only on top of the block they committed at h - 1, and the
// 2f+1 VIEW-CHANGEs always contain an honest replica's proof for that block or a checkpoint at or
// above it). The plan therefore ends at the first gap; nothing after it can have committed.
//
// It also ends before the next validator-set activation above min-s + 1 (`limitOf`): the view
// is decided by the set in force at min-s + 1 and orders only heights that set certifies.
import type { BlockHeader, CheckpointProof, Hash32, ViewChange } from '../codec/types.js';
import { hashKey } from './bytes.js';

export interface PlanEntry {
  seq: number;
  digest: Hash32;
  header: BlockHeader;
  /** The block body when some VIEW-CHANGE carried it. */
  envelopes?: Uint8Array[];
}

export interface NewViewPlan {
  stable: CheckpointProof;
  entries: PlanEntry[];
}

export function newViewPlan(
  vcs: readonly ViewChange[],
  limitOf: (stableSeq: number) => number = () => Number.POSITIVE_INFINITY,
): NewViewPlan {
  let best = vcs[0]!;
  for (const vc of vcs) if (vc.stableSeq > best.stableSeq) best = vc;
  const stable = { seq: best.stableSeq, digest: best.stableDigest, signatures: best.checkpointProof };
  const chosen = new Map<number, PlanEntry & { view: number }>();
  for (const vc of vcs)
    for (const p of vc.prepared) {
      if (p.seq <= stable.seq) continue;
      const cur = chosen.get(p.seq);
      if (cur === undefined || p.view > cur.view)
        chosen.set(p.seq, { seq: p.seq, digest: p.digest, header: p.header, view: p.view });
    }
  const entries: PlanEntry[] = [];
  const limit = limitOf(stable.seq);
  for (let seq = stable.seq + 1; seq < limit && chosen.has(seq); seq++) {
    const e = chosen.get(seq)!;
    entries.push({
      seq,
      digest: e.digest,
      header: e.header,
      envelopes: findBody(vcs, seq, hashKey(e.digest)),
    });
  }
  return { stable, entries };
}

function findBody(vcs: readonly ViewChange[], seq: number, digest: string): Uint8Array[] | undefined {
  for (const vc of vcs)
    for (const p of vc.prepared)
      if (p.seq === seq && p.envelopes !== undefined && hashKey(p.digest) === digest) return p.envelopes;
  return undefined;
}
