// Runs the pure PBFT core against real time, disk and network. Every input (peer message, tick,
// admitted envelopes) goes through one serial queue; after each input the driver drains the core's
// Ready batches in the order persist -> send -> apply (docs/architecture.md §4): its own votes are durable before
// they leave, and a committed block is in the block log and indexed before the core hears it applied.
import { decodeCertifiedBlock, encodeCertifiedBlock } from '../codec/certificate.js';
import { decodeConsensusMessage, encodeConsensusMessage } from '../codec/consensus-messages.js';
import { decodeProposalRef, encodeProposalRef, isProposalRef } from '../codec/proposal-ref.js';
import { type CertifiedBlock, type ConsensusMessage, MessageType } from '../codec/types.js';
import { proposalRefOf } from '../consensus/proposal-ref.js';
import type { Replica } from '../consensus/replica.js';
import type { Outbound, PersistentState, Ready } from '../consensus/types.js';
import { tracingCode } from '../crypto/hash.js';
import type { Logger } from '../runtime/log.js';
import { hex } from './admission/admission.js';
import {
  type Eviction,
  type Reauthorize,
  refusedAmong,
  type SeqCheck,
  seqCheckOf,
  spentAmong,
  supersededBy,
  toReauthorize,
} from './admission/evictions.js';
import { rememberCommitted } from './chain/committed-envelopes.js';
import type { Mempool, MempoolEntry } from './chain/mempool.js';
import { envelopeTracingCode } from './chain/tx-hash.js';
import { ConsensusLog } from './consensus-log.js';
import { ScheduleFeed } from './consensus-setup.js';
import { logExecution } from './contract-log.js';
import type { ConsensusTransport } from './p2p/index.js';
import type { PersistedLedger } from './persisted-ledger.js';
import type { BodyStats, ProposalBodies } from './proposal-bodies.js';
import { SerialQueue } from './serial-queue.js';
import type { Store, Tip } from './store/index.js';

export interface DriverOptions {
  tickMs: number;
  /** Inputs that may wait in the serial queue; beyond it peer messages are dropped (PBFT retransmits). */
  maxQueued: number;
}

export const defaultDriverOptions: DriverOptions = { tickMs: 50, maxQueued: 10_000 };

export interface DriverDeps {
  replica: Replica;
  ledger: PersistedLedger;
  mempool: Mempool;
  transport: ConsensusTransport;
  /** PRE-PREPAREs by reference: the primary's held bodies, a backup's rebuild and fetch. */
  bodies: ProposalBodies;
  log: Logger;
  /** The consensus stream: commits, view changes, evidence; votes sent at debug. Default: `log`. */
  consensusLog?: Logger;
  /** The contract stream: execution results of each committed block (node/contract-log.ts). Default: `log`. */
  contractLog?: Logger;
  /** Verifies (on the pool) the envelopes of a proposed block not already known good. */
  preverify(envelopes: Uint8Array[]): Promise<void>;
  /** Looks up which envelopes of a proposed block an earlier block holds (node/committed-lookup.ts). */
  lookUpCommitted?(envelopes: Uint8Array[]): Promise<void>;
  /**
   * After a block is durable, indexed and applied. `ids`: the block's tracing codes (hex) in block
   * order, computed once for every consumer; `arrivals`: when each of its envelopes that this
   * node's mempool held had arrived there (ms).
   */
  onCommitted(block: CertifiedBlock, tip: Tip, ids: string[], arrivals: number[]): void;
  /** Envelopes dropped from the mempool and the core's requests because they can never be applied. */
  onEvicted?(evictions: Eviction[]): void;
  /**
   * Admission's authorization of a pending envelope against the committed state now. Given, the
   * driver re-checks after each block that changed who may sign (node/evictions.ts
   * toReauthorize) the pending envelopes it touched, and evicts those refused; without it, only
   * envelopes with a spent sequence number are evicted.
   */
  reauthorize?: Reauthorize;
  onFatal(err: unknown): void;
  /**
   * TEST ONLY (the test kit's Byzantine modes, `bkdms node start --testkit`): turns each outbound
   * message into the bytes actually sent. Absent on every normal node: messages go out as encoded.
   */
  rewrite?: OutboundRewrite;
  /**
   * TEST ONLY (the test kit's `censor-site` mode): the newly admitted envelopes the core is told
   * of. Absent on every normal node: the core hears of every one.
   */
  censor?: (entries: MempoolEntry[]) => MempoolEntry[];
}

/** One send as bytes: to every validator (gossip) or to one by its index. */
export interface RawSend {
  to: 'all' | number;
  bytes: Uint8Array;
}

/**
 * A test kit's rewrite of what the driver sends; `encode` is the driver's own encoding (a
 * PRE-PREPARE leaves as a PROPOSAL whose bodies the driver keeps for the replicas that ask).
 */
export type OutboundRewrite = (o: Outbound, encode: (m: ConsensusMessage) => Uint8Array) => RawSend[];

/**
 * The core's persisted state (own votes, view) written before a crash, as the store's open found
 * it: a torn last record was cut off and is reported here, at warn. That record's append never
 * completed, so the driver never sent what it held (persist before send): the record before it
 * is the state every message sent so far agrees with (docs/storage.md, consensus WAL).
 */
export function loadConsensusState(store: Store, log: Logger): PersistentState | undefined {
  const r = store.walReport;
  if (r.torn !== null)
    log.warn(
      {
        event: 'consensus.wal.torn',
        file: r.file,
        offset: r.torn.offset,
        droppedBytes: r.torn.bytes,
        reason: r.torn.reason,
        records: r.records,
      },
      'consensus WAL: cut off a last record that a crash left unfinished (its votes were never sent); restoring the record before it',
    );
  if (r.migrated.state || r.migrated.evidence > 0)
    log.info(
      {
        event: 'consensus.wal.migrated',
        file: r.file,
        state: r.migrated.state,
        evidence: r.migrated.evidence,
      },
      'consensus state and evidence of an earlier version rewritten as durable records',
    );
  return store.consensusState();
}

/** Counters the node's fault management reads (node/mgmt/alarms/collector.ts). */
export interface FaultSignals {
  votesSent: number;
  /** The latest pieces of equivocation evidence (at most MAX_RECENT_EVIDENCE). */
  evidence: { offender: Uint8Array; at: number }[];
}

const MAX_RECENT_EVIDENCE = 64;

const isVote = (t: MessageType): boolean =>
  t === MessageType.PrePrepare || t === MessageType.Prepare || t === MessageType.Commit;

/**
 * Broadcasts sent on the validators' persistent consensus streams rather than gossip: the
 * normal-case messages of every height (docs/network.md, "Persistent consensus streams"). The
 * rest (checkpoints, view changes, new views) stay on gossip, whose forwarding also reaches peers
 * this node has no connection to.
 */
const routeOf = (t: MessageType): 'direct' | 'gossip' => (isVote(t) ? 'direct' : 'gossip');

export class ConsensusDriver {
  private readonly queue: SerialQueue;
  private timer: NodeJS.Timeout | undefined;
  private readonly schedules: ScheduleFeed;
  private stopped = false;
  /** The height notePrunedEverywhere last logged. */
  private prunedEverywhereLogged = 0;
  private readonly clog: ConsensusLog;
  private readonly seqCheck: SeqCheck;
  readonly name = 'consensus';
  /** What fault management reads: votes this replica sent, equivocation evidence it recorded. */
  readonly faultSignals: FaultSignals = { votesSent: 0, evidence: [] };

  constructor(
    private readonly deps: DriverDeps,
    private readonly opts: DriverOptions = defaultDriverOptions,
  ) {
    this.queue = new SerialQueue(opts.maxQueued, deps.onFatal);
    this.schedules = new ScheduleFeed(opts.tickMs);
    this.seqCheck = seqCheckOf(deps.ledger.contracts);
    this.clog = new ConsensusLog(deps.consensusLog ?? deps.log);
  }

  async start(): Promise<void> {
    this.feedSchedules();
    this.queue.push(() => this.drain());
    this.timer = setInterval(() => {
      if (this.queue.length < 2) this.queue.push(() => this.input((r) => r.tick()));
    }, this.opts.tickMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.queue.idle();
  }

  get queued(): number {
    return this.queue.length;
  }

  /** What became of the PROPOSALs received and the bodies served (for metrics). */
  get bodyStats(): BodyStats {
    return this.deps.bodies.stats;
  }

  /** Envelopes newly admitted to the mempool. */
  addRequests(entries: MempoolEntry[]): void {
    const { censor } = this.deps;
    const told = censor === undefined ? entries : censor(entries);
    const requests = told.map((e) => ({ hash: e.code, bytes: e.bytes }));
    this.queue.push(() => this.input((r) => r.addRequests(requests)));
  }

  /**
   * Envelopes the relay found can never be applied (sequence number spent, or refused by
   * reauthorize): checked again in turn with every other input (a block may have removed them
   * meanwhile) and evicted. False when the queue was full (the relay's next round finds them again).
   */
  evictInapplicable(entries: MempoolEntry[]): boolean {
    return this.queue.push(() =>
      this.input(() => this.evict(this.inapplicable(entries.filter((e) => this.deps.mempool.has(e.id))))),
    );
  }

  /** Those of `entries` that can never be applied, as the committed state stands now. */
  inapplicable(entries: readonly MempoolEntry[]): Eviction[] {
    const { reauthorize } = this.deps;
    return reauthorize === undefined
      ? spentAmong(entries, this.seqCheck)
      : refusedAmong(entries, reauthorize);
  }

  /**
   * A consensus message from a peer (already screened for size and rate). A PRE-PREPARE comes as
   * a PROPOSAL and reaches the core only once its block is rebuilt; one with its block inline
   * is not sent by any node and is refused.
   */
  async onMessage(bytes: Uint8Array): Promise<boolean> {
    let msg: ConsensusMessage | undefined;
    try {
      if (isProposalRef(bytes)) msg = await this.deps.bodies.resolve(decodeProposalRef(bytes));
      else msg = decodeConsensusMessage(bytes);
    } catch {
      return false;
    }
    if (msg === undefined || (msg.type === MessageType.PrePrepare && !isProposalRef(bytes))) return false;
    const bodies = blocksOf(msg);
    // Certified blocks (state transfer) are not validated again: only proposals are looked up.
    const lookUp = msg.type === MessageType.StateResponse ? undefined : this.deps.lookUpCommitted;
    if (bodies.length > 0) await Promise.all([this.deps.preverify(bodies), lookUp?.(bodies)]);
    return this.queue.push(() => this.input((r) => r.step(msg)));
  }

  private async input(fn: (r: Replica) => void): Promise<void> {
    if (this.stopped) return;
    fn(this.deps.replica);
    await this.drain();
  }

  private async drain(): Promise<void> {
    const { replica } = this.deps;
    while (!this.stopped && replica.hasReady()) {
      const rd = replica.ready();
      await this.process(rd);
      replica.advance(rd);
      this.notePrunedEverywhere();
      const last = rd.committed[rd.committed.length - 1];
      if (last !== undefined) {
        replica.onBlocksApplied(last.block.header.height);
        this.feedSchedules();
      }
    }
  }

  private async process(rd: Ready): Promise<void> {
    const { transport } = this.deps;
    const store = this.deps.ledger.store;
    if (rd.persist !== null) {
      await store.putConsensusState(rd.persist);
      this.clog.view(rd.persist.view, rd.persist.inViewChange);
    }
    const { rewrite } = this.deps;
    for (const o of rd.messages) {
      if (isVote(o.msg.type)) this.faultSignals.votesSent++;
      this.clog.sent(o.msg, o.to);
      const encode = (m: ConsensusMessage) => this.encode(m);
      const sends = rewrite === undefined ? [{ to: o.to, bytes: encode(o.msg) }] : rewrite(o, encode);
      for (const s of sends) {
        if (s.to === 'all') transport.broadcast(s.bytes, routeOf(o.msg.type));
        else transport.sendTo(s.to, s.bytes);
      }
    }
    for (const cb of rd.committed) await this.apply(cb);
    for (const e of rd.evidence) {
      const { kind, offender, first, second } = e;
      await store.putEvidence(tracingCode(encodeConsensusMessage(first)), { kind, offender, first, second });
      const recent = this.faultSignals.evidence;
      recent.push({ offender, at: Date.now() });
      if (recent.length > MAX_RECENT_EVIDENCE) recent.shift();
      this.clog.evidence(e);
    }
    for (const sr of rd.stateRequests) await this.answerStateRequest(sr.from, sr.fromHeight, sr.toHeight);
  }

  /** A PRE-PREPARE leaves as a PROPOSAL; its envelopes stay here for the replicas that lack some. */
  private encode(msg: ConsensusMessage): Uint8Array {
    if (msg.type !== MessageType.PrePrepare) return encodeConsensusMessage(msg);
    this.deps.bodies.remember(msg);
    return encodeProposalRef(proposalRefOf(msg, envelopeTracingCode));
  }

  private async apply(cb: CertifiedBlock): Promise<void> {
    const { ledger, mempool } = this.deps;
    const { tip, execution } = await ledger.commit(encodeCertifiedBlock(cb), cb);
    if (execution !== undefined) rememberCommitted(cb.block.envelopes, execution.receipts);
    const ids = cb.block.envelopes.map((e) => hex(envelopeTracingCode(e)));
    const arrivals: number[] = [];
    const height = cb.block.header.height;
    mempool.remove(ids, arrivals);
    this.evict(supersededBy(mempool, cb.block.envelopes, ids, height, this.seqCheck));
    const { reauthorize } = this.deps;
    if (reauthorize !== undefined && execution !== undefined)
      this.evict(
        refusedAmong(toReauthorize(mempool, execution.stateChanges, ledger.contracts, height), reauthorize),
      );
    this.clog.committed(cb, ids.length);
    if (execution !== undefined)
      logExecution(this.deps.contractLog ?? this.deps.log, cb.block, execution, ids);
    this.deps.onCommitted(cb, tip, ids, arrivals);
  }

  /** Drops envelopes that can never be applied from the mempool and from the core's requests. */
  private evict(evictions: Eviction[]): void {
    if (evictions.length === 0) return;
    const ids = evictions.map((e) => e.entry.id);
    this.deps.mempool.remove(ids);
    this.deps.replica.dropRequests(evictions.map((e) => e.entry.code));
    this.deps.onEvicted?.(evictions);
  }

  private async answerStateRequest(to: Uint8Array, from: number, toHeight: number): Promise<void> {
    // A pruned node cannot serve bodies below its earliest height: it says so (a pruned answer
    // naming that height), and the requester asks a peer that holds them at once.
    const earliest = this.deps.ledger.store.earliestHeight();
    if (from < earliest) {
      this.deps.log.info(
        { event: 'state.request.pruned', fromHeight: from, earliestHeight: earliest },
        'state request below the pruned height answered with the earliest height held',
      );
      this.deps.replica.respondPruned(to, earliest);
      return;
    }
    const blocks: CertifiedBlock[] = [];
    for await (const b of this.deps.ledger.store.blocks(from, toHeight))
      blocks.push(decodeCertifiedBlock(b.bytes));
    this.deps.replica.respondState(to, blocks);
  }

  /**
   * Every peer said it pruned the block state transfer needs: nothing but state sync (into an
   * empty folder) or a node that keeps the bodies can bring this node up. Logged once per height.
   */
  private notePrunedEverywhere(): void {
    const from = this.deps.replica.pruned.unavailableFrom;
    if (from === 0 || from === this.prunedEverywhereLogged) return;
    this.prunedEverywhereLogged = from;
    this.deps.log.error(
      { event: 'state.transfer.pruned', fromHeight: from },
      `every peer asked has pruned block ${from}: this node cannot catch up by block sync. Add a peer that keeps the bodies, or join afresh by state sync (docs/operations.md, "Joining by state sync")`,
    );
  }

  /** Governance changes (validator sets, chain parameters) above the tip, to the core once each. */
  private feedSchedules(): void {
    const { ledger, replica } = this.deps;
    this.schedules.feed(replica, ledger.contracts.state, ledger.tip()?.height ?? 0);
  }
}

/** Block bodies a message carries, whose envelope signatures need checking before the core sees them. */
function blocksOf(msg: ConsensusMessage): Uint8Array[] {
  switch (msg.type) {
    case MessageType.PrePrepare:
      return msg.block.envelopes;
    case MessageType.NewView:
      return msg.prePrepares.flatMap((p) => p.block.envelopes);
    case MessageType.StateResponse:
      return msg.blocks.flatMap((b) => b.block.envelopes);
    default:
      return [];
  }
}
