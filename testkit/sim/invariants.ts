// The invariants checked after every simulator event: no two honest replicas
// commit different blocks at one height; every committed block carries a valid certificate;
// no envelope commits twice on one chain; every replica's memory stays within fixed bounds.
import { type CertifiedBlock, type ConsensusMessage, MessageType } from '../../codec/types.js';
import { toHex } from '../../consensus/bytes.js';
import type { ConsensusParams, Footprint, Verifier } from '../../consensus/index.js';
import type { SimNode } from './node.js';
import { stubHash } from './stub-crypto.js';

export class InvariantViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantViolation';
  }
}

export class Invariants {
  /** What each honest node signed per slot: (node, kind, view, seq) -> digest or signature. */
  private readonly signedBy = new Map<string, string>();
  /** Block hash of each height, as first committed by an honest replica. */
  readonly canon = new Map<number, string>();
  /** Height at which each envelope committed, on the canonical chain. */
  private readonly txAt = new Map<string, number>();

  constructor(
    private readonly verifier: Verifier,
    private readonly params: ConsensusParams,
    private readonly replicas: number,
  ) {}

  committed(node: SimNode, cb: CertifiedBlock): void {
    const h = cb.block.header.height;
    const where = `node ${node.addr} height ${h}`;
    if (h !== node.height + 1) throw new InvariantViolation(`${where}: committed out of order`);
    if (!this.verifier.certificate(cb.certificate, cb.block))
      throw new InvariantViolation(`${where}: invalid commit certificate`);
    if (!node.honest) return;
    const hash = toHex(cb.certificate.blockHash);
    const held = this.canon.get(h);
    if (held !== undefined && held !== hash) throw new InvariantViolation(`${where}: AGREEMENT violated`);
    this.canon.set(h, hash);
    for (const e of cb.block.envelopes) {
      const t = toHex(stubHash(e, 3));
      const at = this.txAt.get(t);
      if (at !== undefined && at !== h) throw new InvariantViolation(`${where}: envelope committed twice`);
      this.txAt.set(t, h);
    }
  }

  /**
   * An honest replica never signs two different messages for one slot, across crashes and
   * restarts: votes per (kind, view, seq), VIEW-CHANGE per new view, NEW-VIEW per view.
   */
  sent(node: SimNode, m: ConsensusMessage): void {
    let slot: string;
    let what: string;
    switch (m.type) {
      case MessageType.PrePrepare:
      case MessageType.Prepare:
      case MessageType.Commit:
        slot = `${m.type}:${m.view}:${m.seq}`;
        what = toHex(m.digest);
        break;
      case MessageType.ViewChange:
        slot = `vc:${m.newView}`;
        what = toHex(m.signature);
        break;
      case MessageType.NewView:
        slot = `nv:${m.view}`;
        what = toHex(m.signature);
        break;
      default:
        return;
    }
    const key = `${toHex(node.key)}:${slot}`;
    const held = this.signedBy.get(key);
    if (held !== undefined && held !== what)
      throw new InvariantViolation(`node ${node.addr} signed two different messages for ${slot}`);
    this.signedBy.set(key, what);
  }

  /** Fixed bounds, whatever peers send: they depend on the parameters and n only. */
  bounds(): Footprint {
    const p = this.params;
    const n = this.replicas;
    return {
      slots: p.windowSize,
      futureMessages: n * p.maxFutureMessages,
      viewChanges: n,
      checkpoints: (p.windowSize / p.checkpointInterval + 1) * n,
      pending: p.maxPendingRequests,
      votes: 4 * p.windowSize + 1,
      hashes: 2 * p.windowSize + p.stateBatchBlocks + 1,
      transferQueue: p.stateBatchBlocks,
    };
  }

  memory(node: SimNode): void {
    if (node.replica === null) return;
    const f = node.replica.footprint();
    const b = this.bounds();
    for (const k of Object.keys(b) as (keyof Footprint)[])
      if (f[k] > b[k]) throw new InvariantViolation(`node ${node.addr}: ${k} = ${f[k]} above bound ${b[k]}`);
  }

  /** Number of envelopes committed on the canonical chain. */
  get committedEnvelopes(): number {
    return this.txAt.size;
  }
}
