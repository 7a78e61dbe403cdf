// One simulated accounting node: a Replica plus the driver loop a real node runs around it
// (persist before send, apply committed blocks, serve state requests, acknowledge), a block log
// and the persisted consensus state that survive a crash. Block building and validation are
// stand-ins with the same duties as the real ones: chain time, txRoot, stateRoot, no envelope
// committed twice.
import type { Block, CertifiedBlock, ConsensusMessage } from '../../codec/types.js';
import { toHex } from '../../consensus/bytes.js';
import {
  type ConsensusDeps,
  type ConsensusParams,
  type Evidence,
  type PersistentState,
  type Proposal,
  Replica,
} from '../../consensus/index.js';
import type { Behaviour } from './byzantine.js';
import { stubHash, stubHashHeader, stubSign, stubTxRoot, stubVerify } from './stub-crypto.js';

// The driver computes an envelope's tracing code once (it needs it for the Merkle root too):
// in one process the same envelope object reaches every replica, so one cache serves them all.
const tracingCodes = new WeakMap<Uint8Array, Uint8Array>();
function tracingCode(e: Uint8Array): Uint8Array {
  let h = tracingCodes.get(e);
  if (h === undefined) {
    h = stubHash(e, 3);
    tracingCodes.set(e, h);
  }
  return h;
}

export const CHAIN_ID = stubHash(new TextEncoder().encode('bkdms-sim-chain'), 1);
export const GENESIS_HASH = stubHash(new TextEncoder().encode('bkdms-sim-genesis'), 2);

/** What the node hands the network and the invariant checker. */
export interface NodeHost {
  send(from: SimNode, to: 'all' | number, msg: ConsensusMessage): void;
  committed(node: SimNode, cb: CertifiedBlock): void;
  /** Validator keys in force at a height, and the sets scheduled after `height`. */
  keysAt(height: number): Uint8Array[];
  scheduledAfter(height: number): ScheduledSet[];
  /** Chain parameters in force at a height, and the changes scheduled after `height`. */
  paramsAt(height: number): ConsensusParams;
  paramsAfter(height: number): ScheduledParams[];
  /** The sets in force up to `height`, oldest first. */
  history(height: number): { from: number; validators: Uint8Array[] }[];
}

/** A governance validator-set change: keys in force from `from`, decided in block `decidedAt`. */
export interface ScheduledSet {
  from: number;
  keys: Uint8Array[];
  decidedAt: number;
}

/** A governance change of chain parameters, like ScheduledSet. */
export interface ScheduledParams {
  from: number;
  params: ConsensusParams;
  decidedAt: number;
}

export class SimNode {
  replica: Replica | null = null;
  persisted: PersistentState | undefined;
  readonly log: CertifiedBlock[] = [];
  readonly committedTx = new Set<string>();
  readonly evidence: Evidence[] = [];
  /** Counts of Replica.stats.dropped over every incarnation of this node. */
  readonly dropped: Record<string, number> = {};
  transferred = 0;
  viewChanges = 0;
  /** Benchmark mode: no txRoot or validation work, which belongs to the driver, not the core. */
  light = false;
  /** A Byzantine behaviour applied to everything this node sends (see byzantine.ts). */
  behaviour: Behaviour | null = null;
  /** The envelopes admitted here and not committed (the mempool; lost in a crash), by tracing code (hex). */
  readonly pool = new Map<string, Uint8Array>();
  /** The bodies of the PRE-PREPAREs this node sent, by digest (hashKey): a primary's answers. */
  readonly proposals = new Map<string, Uint8Array[]>();
  /** The earliest height whose body this node serves by state transfer (a pruned node's; 1: all). */
  prunedBelow = 1;
  /** The fromHeight of every state request this node was asked to serve. */
  readonly stateRequests: number[] = [];
  /** Answers requests for proposal bodies with envelopes the proposal does not name (bodies.ts). */
  forgeBodies = false;
  /** Highest activation height handed to the current replica (as the real driver tracks it). */
  private fedFrom = 0;
  private fedParamsFrom = 0;

  constructor(
    readonly addr: number,
    readonly key: Uint8Array,
    private readonly host: NodeHost,
    /** Twins and Byzantine nodes are excluded from the honest-replica invariants. */
    public honest: boolean,
  ) {}

  get height(): number {
    return this.log.length;
  }

  get tipHash(): Uint8Array {
    return this.log.at(-1)?.certificate.blockHash ?? GENESIS_HASH;
  }

  get alive(): boolean {
    return this.replica !== null;
  }

  readonly deps: ConsensusDeps = {
    hashHeader: stubHashHeader,
    sign: (bytes) => stubSign(this.key, bytes),
    verify: stubVerify,
    txHash: tracingCode,
    buildBlock: (p) => this.buildBlock(p),
    validateBlock: (b) => this.validateBlock(b),
    committedBlock: (height) => this.log[height - 1]?.block,
  };

  /** Starts (or restarts after a crash) from the block log and the persisted state. */
  start(): void {
    const height = this.height;
    const validators = this.host.keysAt(height + 1);
    const self = validators.findIndex((k) => toHex(k) === toHex(this.key));
    const r = new Replica(
      {
        chainId: CHAIN_ID,
        self,
        key: this.key,
        validators,
        params: this.host.paramsAt(height + 1),
        tip: { height, hash: this.tipHash },
        history: this.host.history(height),
      },
      this.deps,
      this.persisted,
    );
    this.replica = r;
    this.fedFrom = 0;
    this.fedParamsFrom = 0;
    this.feedSchedule();
    this.drain();
  }

  /**
   * Hands the replica the validator sets decided in blocks it has applied and activating above
   * its tip, once each: what node/consensus-driver.ts does from the governance history.
   */
  feedSchedule(): void {
    const r = this.replica;
    if (r === null) return;
    for (const s of this.host.scheduledAfter(this.height)) {
      if (s.decidedAt > this.height || s.from <= this.fedFrom) continue;
      r.scheduleValidators(s.from, s.keys);
      this.fedFrom = s.from;
    }
    for (const s of this.host.paramsAfter(this.height)) {
      if (s.decidedAt > this.height || s.from <= this.fedParamsFrom) continue;
      r.scheduleParams(s.from, s.params);
      this.fedParamsFrom = s.from;
    }
  }

  crash(): void {
    if (this.replica === null) return;
    this.collectStats(this.replica);
    this.replica = null;
    this.pool.clear();
    this.proposals.clear();
  }

  /** Keeps the body of a PRE-PREPARE it sent, the newest few, to answer requests for it. */
  remember(digestKey: string, envelopes: Uint8Array[]): void {
    this.proposals.set(digestKey, envelopes);
    for (const k of this.proposals.keys()) {
      if (this.proposals.size <= 8) break;
      this.proposals.delete(k);
    }
  }

  private collectStats(r: Replica): void {
    for (const [k, v] of Object.entries(r.stats.dropped)) this.dropped[k] = (this.dropped[k] ?? 0) + v;
    this.transferred += r.stats.blocksTransferred;
    this.viewChanges += r.stats.viewChanges;
    r.stats.dropped = {};
    r.stats.blocksTransferred = 0;
    r.stats.viewChanges = 0;
  }

  /** Stats of every incarnation so far, this one included. */
  stats(): { dropped: Record<string, number>; transferred: number; viewChanges: number } {
    if (this.replica !== null) this.collectStats(this.replica);
    return { dropped: this.dropped, transferred: this.transferred, viewChanges: this.viewChanges };
  }

  /** The driver loop: persist, send, apply, acknowledge, serve, until nothing is ready. */
  drain(): void {
    const r = this.replica;
    if (r === null) return;
    for (let guard = 0; r.hasReady(); guard++) {
      if (guard > 10_000) throw new Error(`node ${this.addr}: ready loop does not settle`);
      const rd = r.ready();
      if (rd.persist !== null) this.persisted = rd.persist;
      for (const o of rd.messages) this.host.send(this, o.to, o.msg);
      for (const cb of rd.committed) {
        this.host.committed(this, cb);
        this.log.push(cb);
        if (!this.light)
          for (const e of cb.block.envelopes) {
            const code = toHex(stubHash(e, 3));
            this.committedTx.add(code);
            this.pool.delete(code);
          }
      }
      this.evidence.push(...rd.evidence);
      r.advance(rd);
      for (const q of rd.stateRequests) {
        this.stateRequests.push(q.fromHeight);
        if (q.fromHeight < this.prunedBelow) r.respondPruned(q.from, this.prunedBelow);
        else r.respondState(q.from, this.log.slice(q.fromHeight - 1, q.toHeight));
      }
      if (rd.committed.length > 0) {
        r.onBlocksApplied(this.height);
        this.feedSchedule();
      }
    }
  }

  private parentTime(height: number): number {
    return height <= 1 ? 0 : (this.log[height - 2]?.block.header.time ?? 0);
  }

  buildBlock(p: Proposal): Block {
    return {
      header: {
        chainId: CHAIN_ID,
        height: p.height,
        view: p.view,
        time: this.parentTime(p.height) + 1000,
        parentHash: p.parentHash,
        txRoot: this.light ? new Uint8Array(32) : stubTxRoot(p.envelopes),
        txCount: p.envelopes.length,
        stateRoot: stubHash(p.parentHash, 9),
        validatorSetHash: new Uint8Array(32),
        proposer: p.proposer,
        hashLogRoot: new Uint8Array(32),
      },
      envelopes: p.envelopes,
    };
  }

  private validateBlock(b: Block): string | null {
    if (this.light) return null;
    const h = b.header;
    if (h.time <= this.parentTime(h.height)) return 'time';
    if (toHex(h.txRoot) !== toHex(stubTxRoot(b.envelopes))) return 'txRoot';
    if (toHex(h.stateRoot) !== toHex(stubHash(h.parentHash, 9))) return 'stateRoot';
    for (const e of b.envelopes) if (this.committedTx.has(toHex(stubHash(e, 3)))) return 'replayed-envelope';
    return null;
  }
}
