// One PBFT replica (Castro & Liskov, OSDI'99 / TOCS'02) as a pure, deterministic state machine:
// messages (step), logical time (tick), admitted envelopes (addRequests) and the driver's
// progress (onBlocksApplied) in; a Ready batch out (persist, send, committed blocks, state
// requests to serve, evidence), acknowledged with advance(). One sequence number per block
// (seq == height). No I/O, clock, timer or randomness: hashing, signing, signature checks and
// block validation are injected (ConsensusDeps). The protocol as built is docs/consensus.md.
import { consensusSigningBytes, type Unsigned } from '../codec/consensus-signing.js';
import {
  type Block,
  type CertifiedBlock,
  type Checkpoint,
  type CheckpointProof,
  type Commit,
  type CommitCertificate,
  type ConsensusMessage,
  type Hash32,
  MessageType,
  type NewView,
  type PrePrepare,
  type Prepare,
  type PreparedProof,
  type StateRequest,
  type StateResponse,
  type ViewChange,
} from '../codec/types.js';
import { bytesEqual, hashKey, keyBytes } from './bytes.js';
import { MessageDropReason } from './drop-reasons.js';
import { ConsensusError, ConsensusErrorCode } from './errors.js';
import { type ConsensusParams, ParamsSchedule } from './params.js';
import { type NewViewPlan, newViewPlan } from './plan.js';
import { Verifier } from './proofs.js';
import { PrunedPeers } from './pruned-peers.js';
import { RequestQueue } from './requests.js';
import { Slot } from './slot.js';
import {
  type ConsensusDeps,
  type Evidence,
  EvidenceKind,
  type Outbound,
  type PersistentState,
  type Ready,
  type ReplicaConfig,
  type Request,
  type StateRequestIn,
  type Vote,
  VoteKind,
} from './types.js';
import { ValidatorSchedule, type ValidatorSet } from './validators.js';

/** Counters a driver can export as metrics and tests can assert on. */
export interface ReplicaStats {
  /** Messages dropped, by reason (a MessageDropReason value). */
  dropped: Record<string, number>;
  viewChanges: number;
  blocksCommitted: number;
  blocksTransferred: number;
}

/** Sizes of everything a replica holds; the simulator checks them against fixed bounds. */
export interface Footprint {
  slots: number;
  futureMessages: number;
  viewChanges: number;
  checkpoints: number;
  pending: number;
  votes: number;
  hashes: number;
  transferQueue: number;
}

type NormalMessage = PrePrepare | Prepare | Commit;
const NEVER = Number.MIN_SAFE_INTEGER;
const ZERO_HASH = new Uint8Array(32);
/** Status heartbeats on which a restarted replica asks whether the others moved to a later view. */
const RESTART_PROBES = 3;

export class Replica {
  readonly stats: ReplicaStats = { dropped: {}, viewChanges: 0, blocksCommitted: 0, blocksTransferred: 0 };
  /** The parameters in force at tip + 1, the height this replica works on (see refreshParams). */
  private p: ConsensusParams;
  private readonly params: ParamsSchedule;
  /** Keys besides the validator sets whose state requests are served (ReplicaConfig.observers). */
  private readonly observers: readonly Uint8Array[];
  private readonly chainId: Hash32;
  private readonly key: Uint8Array;
  private readonly schedule: ValidatorSchedule;
  private readonly verifier: Verifier;
  private readonly requests: RequestQueue;

  private view = 0;
  private inViewChange = false;
  private tip: { height: number; hash: Hash32 };
  private applied: number;
  private stable: CheckpointProof;
  private readonly slots = new Map<number, Slot>();
  /** Block hash (hex) by height, for heights from the stable checkpoint to the tip. */
  private readonly hashes = new Map<number, string>();
  private readonly votes = new Map<string, Vote>();
  private readonly checkpoints = new Map<number, Map<number, Checkpoint>>();
  /** Highest height each peer (by public key) announced: CHECKPOINTs, the status heartbeat included. */
  private readonly status = new Map<string, { key: Uint8Array; height: number }>();
  /** Latest signed tip (height, block hash) each peer announced, by public key. */
  private readonly tips = new Map<string, { key: Uint8Array; height: number; digest: Hash32 }>();
  /** The latest VIEW-CHANGE of each signer, by public key (indexes differ between sets). */
  private readonly viewChanges = new Map<string, ViewChange>();
  /** Signer of each VIEW-CHANGE held, resolved when it was verified. */
  private readonly signers = new WeakMap<ViewChange, Uint8Array>();
  /**
   * First height of the current view's range: the view is decided by the set in force there
   * (min-s + 1 of its NEW-VIEW) and orders heights below that set's end only (docs §7).
   */
  private viewBase = 1;
  private ownViewChange: ViewChange | null = null;
  /**
   * The NEW-VIEW that started the current view, answered to a replica still behind. Persisted
   * without its block bodies (onDisk), so that a restarted replica still answers: else a replica
   * that missed the view change may find no one to give it (replyNewView puts bodies back).
   */
  private lastNewView: { sent: NewView; onDisk: NewView } | null = null;
  /** Heartbeats left on which a restarted replica re-sends its last VIEW-CHANGE (see probeView). */
  private restartProbes = 0;
  private readonly future = new Map<number, NormalMessage[]>();
  private readonly evidenceSeen = new Map<string, number>();
  private readonly newViewReplies = new Map<string, number>();
  private viewChangesSeen = 0;
  /** target() until the next status update; -1 = recompute. */
  private targetCache = -1;
  private lastNewViewAttempt = '';

  // State transfer.
  /** The outstanding request: when and to whom (the key a pruned answer must be signed by). */
  private transfer: { sentAt: number; peer: Uint8Array } | null = null;
  private transferQueue: CertifiedBlock[] = [];
  private transferCheckpoint: CheckpointProof | null = null;
  /** A height proven committed somewhere (NEW-VIEW checkpoint, missing re-proposal body). */
  private targetHint = 0;
  private peerCursor = 0;
  /** Peers' pruned answers: who holds no body below which height. */
  readonly pruned = new PrunedPeers();

  // Logical time.
  private now = 0;
  private lastProposalAt = NEVER;
  private progressAt = 0;
  private viewStartedAt = 0;
  private viewChangeAt = 0;
  private waitingSince: number | null = null;
  private backoff = 0;
  private lastStatusAt = NEVER;
  private lastResendAt = NEVER;

  // Output, acknowledged by advance().
  private readonly out = {
    messages: [] as Outbound[],
    committed: [] as CertifiedBlock[],
    stateRequests: [] as StateRequestIn[],
    evidence: [] as Evidence[],
  };
  private version = 1;
  private persistedVersion = 0;
  private readonly readyVersion = new WeakMap<Ready, number>();

  constructor(
    config: ReplicaConfig,
    private readonly deps: ConsensusDeps,
    restored?: PersistentState,
  ) {
    this.params = new ParamsSchedule(config.params);
    this.observers = config.observers ?? [];
    this.p = config.params;
    this.chainId = config.chainId;
    const key = config.self === -1 ? config.key : config.validators[config.self];
    if (key === undefined)
      throw new ConsensusError(
        ConsensusErrorCode.BadConfig,
        'self is not an index of validators and no key',
        {
          self: config.self,
        },
      );
    this.key = key;
    this.tip = { height: config.tip.height, hash: config.tip.hash };
    this.applied = config.tip.height;
    this.hashes.set(this.tip.height, hashKey(this.tip.hash));
    const first = config.history?.[0];
    this.schedule = new ValidatorSchedule(
      first?.from ?? config.tip.height + 1,
      first?.validators ?? config.validators,
    );
    for (const h of config.history?.slice(1) ?? []) this.schedule.schedule(h.from, h.validators);
    // The set at tip + 1 is a new entry only if it differs (a same-set entry would look like an
    // activation, and activations make checkpoints and end views).
    const held = this.schedule.at(config.tip.height + 1).keys;
    if (first !== undefined && !sameKeys(held, config.validators))
      this.schedule.schedule(config.tip.height + 1, config.validators);
    this.verifier = new Verifier(this.chainId, deps, this.schedule);
    this.requests = new RequestQueue(
      this.p.maxPendingRequests,
      this.p.windowSize,
      () => this.p.maxBlockBytes,
    );
    this.stable = { seq: config.tip.height, digest: config.tip.hash, signatures: [] };
    if (restored !== undefined) this.restore(restored);
    this.viewBase = this.stable.seq + 1;
  }

  private restore(s: PersistentState): void {
    if (s.stable.seq > this.tip.height)
      throw new ConsensusError(ConsensusErrorCode.BadState, 'stable checkpoint above the block log tip', {
        stable: s.stable.seq,
        tip: this.tip.height,
      });
    this.view = s.view;
    this.inViewChange = s.inViewChange;
    this.stable = s.stable;
    for (const v of s.votes) this.votes.set(voteKey(v.kind, v.view, v.seq), v);
    for (const p of s.prepared) {
      if (!this.inWindow(p.seq)) continue;
      const slot = this.slot(p.seq);
      slot.prepared = p;
      if (p.envelopes !== undefined)
        slot.keepBody({ header: p.header, envelopes: p.envelopes }, hashKey(p.digest));
    }
    this.ownViewChange = s.viewChange;
    if (s.inViewChange && s.viewChange !== null && s.viewChange.newView === s.view) {
      // Re-send the VIEW-CHANGE signed before the crash, byte for byte: never a second one.
      this.viewChanges.set(hashKey(this.key), s.viewChange);
      this.signers.set(s.viewChange, this.key);
      this.send('all', s.viewChange);
    }
    if (!s.inViewChange) {
      if (s.newView != null && s.newView.view === s.view)
        this.lastNewView = { sent: s.newView, onDisk: s.newView };
      // The others may have changed view while we were down, and on an idle network no message
      // of their view would reach us: ask (probeView), if we have a VIEW-CHANGE to ask with.
      if (s.viewChange !== null && s.viewChange.newView <= s.view) this.restartProbes = RESTART_PROBES;
    }
  }

  // ------------------------------------------------------------------ driver interface

  /** Admitted envelopes from the mempool; returns how many were new. */
  addRequests(requests: readonly Request[]): number {
    const added = this.requests.add(requests, this.now);
    if (added > 0) this.maybePropose();
    return added;
  }

  /**
   * Envelopes the driver dropped from its mempool because they can never be applied (another
   * envelope spent their signer's sequence number, or their signer lost its right to sign): no
   * longer proposed, nor waited for by the anti-censorship timer. Returns how many were pending.
   */
  dropRequests(hashes: readonly Uint8Array[]): number {
    return this.requests.drop(hashes);
  }

  /** One logical tick: timers, proposals, status heartbeat, state transfer. */
  tick(): void {
    this.now++;
    // The stable checkpoint reached the end of the range of the set that decided this view:
    // the next set takes over in a view it decides (all replicas get here at the same height).
    if (!this.inViewChange && this.stable.seq + 1 >= this.viewLimit()) this.startViewChange(this.view + 1);
    if (!this.inViewChange) this.maybePropose();
    this.checkTimers();
    this.followQuorumView();
    if (this.inViewChange) this.tryNewView();
    if (this.now - this.lastStatusAt >= this.p.statusIntervalTicks) {
      this.lastStatusAt = this.now;
      if (this.tip.height > 0) this.sendCheckpoint(this.tip.height, this.tip.hash);
      this.probeView();
    }
    this.maybeRequestState();
  }

  step(m: ConsensusMessage): void {
    switch (m.type) {
      case MessageType.PrePrepare:
        this.onPrePrepare(m);
        break;
      case MessageType.Prepare:
      case MessageType.Commit:
        this.onVote(m);
        break;
      case MessageType.Checkpoint:
        this.onCheckpoint(m);
        break;
      case MessageType.ViewChange:
        this.onViewChange(m);
        break;
      case MessageType.NewView:
        this.onNewView(m);
        break;
      case MessageType.StateRequest:
        this.onStateRequest(m);
        break;
      case MessageType.StateResponse:
        this.onStateResponse(m);
        break;
    }
  }

  /** The driver has executed and stored every block up to `height`. */
  onBlocksApplied(height: number): void {
    if (height > this.tip.height || height < this.applied)
      throw new ConsensusError(ConsensusErrorCode.BadInput, 'applied height outside [applied, tip]', {
        height,
        applied: this.applied,
        tip: this.tip.height,
      });
    const before = this.applied;
    this.applied = height;
    for (let h = before + 1; h <= height; h++)
      if (this.isCheckpoint(h)) this.sendCheckpoint(h, heldHash(this.hashes.get(h)));
    this.processTransfer();
    const next = this.slots.get(this.tip.height + 1);
    if (next !== undefined) this.tryAccept(next);
    this.maybePropose();
  }

  /** Governance: `validators` certify every block from `fromHeight` (> the tip) on. */
  scheduleValidators(fromHeight: number, validators: Uint8Array[]): void {
    if (!Number.isSafeInteger(fromHeight) || fromHeight <= this.tip.height)
      throw new ConsensusError(ConsensusErrorCode.BadInput, 'a validator set must start above the tip', {
        fromHeight,
        tip: this.tip.height,
      });
    this.schedule.schedule(fromHeight, validators);
    // Votes already held for those heights were checked against the old set.
    for (const [seq, slot] of this.slots) if (seq >= fromHeight) slot.resetView();
    this.status.clear();
    this.targetCache = -1;
  }

  /**
   * Governance: chain parameters (period, block limits, timeouts) in force from `fromHeight`
   * (> the tip) on. K, L and the memory bounds cannot change (BadInput).
   */
  scheduleParams(fromHeight: number, params: ConsensusParams): void {
    if (!Number.isSafeInteger(fromHeight) || fromHeight <= this.tip.height)
      throw new ConsensusError(ConsensusErrorCode.BadInput, 'parameters must start above the tip', {
        fromHeight,
        tip: this.tip.height,
      });
    this.params.schedule(fromHeight, params);
    this.refreshParams();
  }

  /**
   * Answers a StateRequestIn (`to` = its `from` key) with the certified blocks the driver read
   * from its block log. Sent to the requester's index in our current set; a requester outside it
   * (a node joining by a later set) gets it by gossip, where everyone else drops it as stale.
   */
  /**
   * Answers a StateRequestIn whose first block this node no longer holds (pruned below
   * `earliest`), so the requester asks another peer at once instead of timing out.
   */
  respondPruned(to: Uint8Array, earliest: number): void {
    const current = this.schedule.at(this.tip.height + 1);
    const me = Math.max(0, current.indexOf(this.key));
    const body: Unsigned<StateResponse> = {
      type: MessageType.StateResponse,
      sender: me,
      blocks: [],
      earliestHeight: earliest,
    };
    const index = current.indexOf(to);
    this.send(index >= 0 ? index : 'all', this.signMessage(body));
  }

  respondState(to: Uint8Array, blocks: CertifiedBlock[]): void {
    if (blocks.length === 0) return;
    const current = this.schedule.at(this.tip.height + 1);
    const me = Math.max(0, current.indexOf(this.key));
    const body: Unsigned<StateResponse> = { type: MessageType.StateResponse, sender: me, blocks };
    if (this.stable.signatures.length > 0) body.checkpoint = this.stable;
    const index = current.indexOf(to);
    this.send(index >= 0 ? index : 'all', this.signMessage(body));
  }

  hasReady(): boolean {
    const o = this.out;
    return (
      this.version !== this.persistedVersion ||
      o.messages.length + o.committed.length + o.stateRequests.length + o.evidence.length > 0
    );
  }

  ready(): Ready {
    const rd: Ready = {
      persist: this.version !== this.persistedVersion ? this.snapshot() : null,
      messages: this.out.messages.slice(),
      committed: this.out.committed.slice(),
      stateRequests: this.out.stateRequests.slice(),
      evidence: this.out.evidence.slice(),
    };
    this.readyVersion.set(rd, this.version);
    return rd;
  }

  /** The driver persisted, sent and handed on everything in `rd`. */
  advance(rd: Ready): void {
    const v = this.readyVersion.get(rd);
    if (v === undefined)
      throw new ConsensusError(ConsensusErrorCode.BadInput, 'advance() of an unknown Ready');
    if (rd.persist !== null) this.persistedVersion = Math.max(this.persistedVersion, v);
    this.out.messages.splice(0, rd.messages.length);
    this.out.committed.splice(0, rd.committed.length);
    this.out.stateRequests.splice(0, rd.stateRequests.length);
    this.out.evidence.splice(0, rd.evidence.length);
  }

  /** Where this replica stands, for the driver's health endpoint and the simulator. */
  get state(): {
    view: number;
    inViewChange: boolean;
    height: number;
    applied: number;
    stableSeq: number;
    primary: number;
    /** This replica's index in the set in force at tip + 1; -1 while it is not a member. */
    self: number;
  } {
    const set = this.schedule.at(this.tip.height + 1);
    return {
      view: this.view,
      inViewChange: this.inViewChange,
      height: this.tip.height,
      applied: this.applied,
      stableSeq: this.stable.seq,
      primary: set.primary(this.view),
      self: set.indexOf(this.key),
    };
  }

  /** The highest height each peer announced (checkpoints, status heartbeat), by public key. */
  announcedHeights(): { key: Uint8Array; height: number }[] {
    return [...this.status.values()].map((s) => ({ key: s.key, height: s.height }));
  }

  footprint(): Footprint {
    let future = 0;
    for (const l of this.future.values()) future += l.length;
    let checkpoints = 0;
    for (const m of this.checkpoints.values()) checkpoints += m.size;
    return {
      slots: this.slots.size,
      futureMessages: future,
      viewChanges: this.viewChanges.size,
      checkpoints,
      pending: this.requests.size,
      votes: this.votes.size,
      hashes: this.hashes.size,
      transferQueue: this.transferQueue.length,
    };
  }

  // ------------------------------------------------------------------ normal case (§4.2)

  private onPrePrepare(m: PrePrepare): void {
    const slot = this.admit(m);
    if (slot === null) return;
    const set = this.schedule.at(m.seq);
    if (m.sender !== set.primary(m.view)) {
      this.drop(MessageDropReason.NotPrimary);
      return;
    }
    if (m.block.header.height !== m.seq || !bytesEqual(this.deps.hashHeader(m.block.header), m.digest)) {
      this.drop(MessageDropReason.BadDigest);
      return;
    }
    const held = slot.prePrepare ?? slot.candidate;
    if (held !== null) {
      if (bytesEqual(held.digest, m.digest)) return;
      // The primary signed two blocks for one (view, seq): evidence, and replace it now.
      this.addEvidence(EvidenceKind.ConflictingPrePrepare, set, held, m);
      this.startViewChange(this.view + 1);
      return;
    }
    slot.candidate = m;
    this.tryAccept(slot);
  }

  private onVote(m: Prepare | Commit): void {
    const slot = this.admit(m);
    if (slot === null) return;
    const votes = m.type === MessageType.Prepare ? slot.prepares : slot.commits;
    const hex = hashKey(m.digest);
    const held = votes.get(m.sender);
    if (held !== undefined) {
      if (held.hex !== hex) {
        const kind =
          m.type === MessageType.Prepare ? EvidenceKind.ConflictingPrepare : EvidenceKind.ConflictingCommit;
        this.addEvidence(kind, this.schedule.at(m.seq), held.msg, m);
      }
      return;
    }
    if (m.type === MessageType.Prepare) {
      slot.prepares.set(m.sender, { msg: m, hex });
      this.checkPrepared(slot);
    } else {
      slot.commits.set(m.sender, { msg: m, hex });
      this.checkCommitted(slot);
    }
  }

  /**
   * Common gate of PRE-PREPARE, PREPARE and COMMIT: inside the watermarks (§4.3), signed by a
   * validator other than this one; a message of a view not entered yet waits in a bounded buffer.
   */
  private admit(m: NormalMessage): Slot | null {
    if (m.view < this.view) return this.reject(MessageDropReason.OldView);
    if (!this.inWindow(m.seq)) return this.reject(MessageDropReason.OutOfWindow);
    const set = this.schedule.at(m.seq);
    if (m.sender === set.indexOf(this.key)) return this.reject(MessageDropReason.Own);
    if (!this.verifier.signed(set, m)) return this.reject(MessageDropReason.BadSignature);
    if (m.view > this.view || this.inViewChange) {
      const list = this.future.get(m.sender) ?? [];
      if (list.length >= this.p.maxFutureMessages) return this.reject(MessageDropReason.FutureFull);
      list.push(m);
      this.future.set(m.sender, list);
      return null;
    }
    return this.slot(m.seq);
  }

  /** Accepts the slot's candidate PRE-PREPARE once its parent block is applied here. */
  private tryAccept(slot: Slot): void {
    const c = slot.candidate;
    if (c === null || slot.prePrepare !== null) return;
    const digest = hashKey(c.digest);
    if (slot.seq <= this.tip.height) {
      // A NEW-VIEW re-proposes a block this replica committed: vote again so others can finish.
      if (this.committedHash(slot.seq) !== digest) {
        slot.candidate = null;
        this.drop(MessageDropReason.ConflictsCommitted);
        return;
      }
    } else {
      if (slot.seq !== this.tip.height + 1 || this.applied !== this.tip.height) return;
      // Beyond the range of the set that decided this view: the next view orders it.
      if (slot.seq >= this.viewLimit()) return;
      const reason = this.checkBlock(c, slot);
      if (reason !== null) {
        slot.candidate = null;
        this.drop(reason);
        return;
      }
    }
    slot.prePrepare = c;
    slot.digest = digest;
    slot.keepBody(c.block, digest);
    const set = this.schedule.at(slot.seq);
    if (set.indexOf(this.key) !== set.primary(this.view)) this.sendVote(VoteKind.Prepare, slot);
    this.checkPrepared(slot);
    this.checkCommitted(slot);
  }

  /** The block of a PRE-PREPARE extends our tip, is sized right, repeats no envelope, and validates. */
  private checkBlock(pp: PrePrepare, slot: Slot): MessageDropReason | null {
    const h = pp.block.header;
    if (!bytesEqual(h.chainId, this.chainId)) return MessageDropReason.WrongChain;
    if (!bytesEqual(h.parentHash, this.tip.hash)) return MessageDropReason.WrongParent;
    if (h.view > pp.view || h.proposer !== this.schedule.at(pp.seq).primary(h.view))
      return MessageDropReason.WrongProposer;
    if (h.txCount !== pp.block.envelopes.length || h.txCount > this.p.maxBlockEnvelopes)
      return MessageDropReason.TooMany;
    let bytes = 0;
    const hashes: string[] = [];
    const seen = new Set<string>();
    for (const e of pp.block.envelopes) {
      bytes += e.length;
      const t = hashKey(this.deps.txHash(e));
      if (seen.has(t) || this.requests.wasCommitted(t)) return MessageDropReason.DuplicateEnvelope;
      seen.add(t);
      hashes.push(t);
    }
    if (bytes > this.p.maxBlockBytes) return MessageDropReason.TooLarge;
    const invalid = this.deps.validateBlock(pp.block);
    if (invalid !== null) return MessageDropReason.InvalidBlock;
    slot.txHashes = hashes;
    return null;
  }

  private checkPrepared(slot: Slot): void {
    const pp = slot.prePrepare;
    if (pp === null || slot.sentCommit) return;
    const set = this.schedule.at(slot.seq);
    const prepares = slot.matching(slot.prepares, set.primary(this.view));
    if (prepares.length < set.quorum - 1) return;
    slot.prepared = {
      view: this.view,
      seq: slot.seq,
      digest: pp.digest,
      header: pp.block.header,
      prePrepareSignature: pp.signature,
      prepares: prepares.slice(0, set.quorum - 1).map((p) => ({ sender: p.sender, signature: p.signature })),
    };
    this.changed();
    slot.sentCommit = true;
    this.sendVote(VoteKind.Commit, slot);
    this.checkCommitted(slot);
  }

  /** 2f+1 matching COMMITs are the block's certificate: enough to commit it (§4.2, committed(m,v,n)). */
  private checkCommitted(slot: Slot): void {
    const pp = slot.prePrepare;
    if (pp === null || slot.committed || slot.seq <= this.tip.height) return;
    const set = this.schedule.at(slot.seq);
    const commits = slot.matching(slot.commits);
    if (commits.length < set.quorum) return;
    slot.committed = true;
    const certificate: CommitCertificate = {
      height: slot.seq,
      view: this.view,
      blockHash: pp.digest,
      signatures: commits.map((c) => ({ validator: c.sender, signature: c.signature })),
    };
    if (slot.seq === this.tip.height + 1) this.deliver(pp.block, certificate, slot.txHashes);
  }

  private deliver(block: Block, certificate: CommitCertificate, txHashes: string[]): void {
    const height = block.header.height;
    this.out.committed.push({ block, certificate });
    this.tip = { height, hash: certificate.blockHash };
    this.refreshParams();
    this.hashes.set(height, hashKey(certificate.blockHash));
    // A replica far behind its stable checkpoint (catching up) keeps only the last 2L hashes.
    this.hashes.delete(height - 2 * this.p.windowSize);
    this.requests.markCommitted(height, txHashes);
    this.progressAt = this.now;
    this.backoff = 0;
    this.stats.blocksCommitted++;
    const slot = this.slots.get(height);
    if (slot !== undefined) {
      slot.committed = true;
      slot.keepBody(block, hashKey(certificate.blockHash));
    }
  }

  private maybePropose(): void {
    const seq = this.tip.height + 1;
    const set = this.schedule.at(seq);
    const me = set.indexOf(this.key);
    if (this.inViewChange || me !== set.primary(this.view) || this.applied !== this.tip.height) return;
    if (!this.inWindow(seq) || seq >= this.viewLimit() || this.target() > this.tip.height) return;
    const held = this.slots.get(seq);
    if (held?.prePrepare || held?.candidate) return;
    // Proposed before a restart: the body is gone and a second block would be equivocation.
    if (this.votes.has(voteKey(VoteKind.PrePrepare, this.view, seq))) return;
    const p = this.p;
    const full = this.requests.size >= p.maxBlockEnvelopes || this.requests.bytes >= p.maxBlockBytes;
    const due = this.now - this.lastProposalAt >= p.periodTicks && (this.requests.size > 0 || p.emptyBlocks);
    if (!full && !due) return;
    const envelopes = this.requests.take(p.maxBlockEnvelopes, p.maxBlockBytes);
    const block = this.deps.buildBlock({
      height: seq,
      view: this.view,
      parentHash: this.tip.hash,
      proposer: me,
      envelopes,
    });
    const digest = this.deps.hashHeader(block.header);
    if (!this.recordVote(VoteKind.PrePrepare, this.view, seq, digest)) return;
    this.lastProposalAt = this.now;
    const pp = this.signMessage({
      type: MessageType.PrePrepare,
      view: this.view,
      seq,
      digest,
      block,
      sender: me,
    });
    const slot = this.slot(seq);
    slot.candidate = pp;
    slot.prePrepare = pp;
    slot.digest = hashKey(digest);
    slot.keepBody(block, slot.digest);
    slot.txHashes = envelopes.map((e) => hashKey(this.deps.txHash(e)));
    this.send('all', pp);
    this.checkPrepared(slot);
  }

  /** Signs and sends a PREPARE or COMMIT for the slot's digest, unless we signed another. */
  private sendVote(kind: VoteKind.Prepare | VoteKind.Commit, slot: Slot): void {
    const pp = slot.prePrepare!;
    const me = this.schedule.at(slot.seq).indexOf(this.key);
    if (me < 0 || !this.recordVote(kind, this.view, slot.seq, pp.digest)) return;
    const base = { view: this.view, seq: slot.seq, digest: pp.digest, sender: me };
    if (kind === VoteKind.Prepare) {
      const m = this.signMessage({ type: MessageType.Prepare, ...base });
      slot.prepares.set(me, { msg: m, hex: slot.digest! });
      this.send('all', m);
    } else {
      const m = this.signMessage({ type: MessageType.Commit, ...base });
      slot.commits.set(me, { msg: m, hex: slot.digest! });
      this.send('all', m);
    }
  }

  /** Records an own vote; false when a different digest was already signed for (kind, view, seq). */
  private recordVote(kind: VoteKind, view: number, seq: number, digest: Hash32): boolean {
    const key = voteKey(kind, view, seq);
    const held = this.votes.get(key);
    if (held !== undefined) return bytesEqual(held.digest, digest);
    this.votes.set(key, { kind, view, seq, digest });
    this.changed();
    return true;
  }

  // ------------------------------------------------------------------ checkpoints (§4.3)

  private sendCheckpoint(seq: number, digest: Hash32): void {
    const me = this.schedule.at(seq).indexOf(this.key);
    if (me < 0) return;
    const m = this.signMessage({ type: MessageType.Checkpoint, seq, digest, sender: me });
    this.send('all', m);
    this.recordCheckpoint(m);
  }

  private onCheckpoint(m: Checkpoint): void {
    const set = this.schedule.at(m.seq);
    if (m.sender === set.indexOf(this.key)) {
      this.drop(MessageDropReason.Own);
      return;
    }
    if (this.verifier.signed(set, m)) {
      this.noteStatus(set.keys[m.sender]!, m.seq);
      this.notePeerTip(set.keys[m.sender]!, m.seq, m.digest);
      this.recordCheckpoint(m);
      return;
    }
    // Far ahead of our window, the signer may index a set we have not learnt yet (we lag behind
    // its governance block): look for it among the keys we know, so that f+1 such announcements
    // still tell us to fetch. Only as a status, never as a checkpoint vote.
    const key = m.seq > this.stable.seq + this.p.windowSize ? this.knownSigner(m) : undefined;
    if (key === undefined) this.drop(MessageDropReason.BadSignature);
    else this.noteStatus(key, m.seq);
  }

  /** The block hash a peer signed at the highest height it announced (for divergence alarms). */
  private notePeerTip(key: Uint8Array, height: number, digest: Hash32): void {
    const id = hashKey(key);
    const known = this.tips.get(id);
    // Bounded: one entry per key of a set we hold.
    if (known === undefined && this.tips.size >= this.schedule.keys().length) return;
    if (known === undefined || height >= known.height) this.tips.set(id, { key, height, digest });
  }

  /**
   * What each peer last announced of its tip in a signed CHECKPOINT (the status heartbeat
   * included): height and block hash, by public key. Read by the node's fault management.
   */
  peerTips(): { key: Uint8Array; height: number; digest: Hash32 }[] {
    return [...this.tips.values()];
  }

  /** The highest height a peer announced (checkpoints and the status heartbeat). */
  private noteStatus(key: Uint8Array, height: number): void {
    const known = this.status.get(hashKey(key));
    if (known === undefined || height > known.height) {
      this.status.set(hashKey(key), { key, height });
      this.targetCache = -1;
    }
  }

  /** A key of a set we hold, other than ours, that signed `m` (at most one verify per key). */
  private knownSigner(m: Checkpoint): Uint8Array | undefined {
    for (const key of this.schedule.keys())
      if (!bytesEqual(key, this.key) && this.verifier.signedBy(key, m)) return key;
    return undefined;
  }

  private recordCheckpoint(m: Checkpoint): void {
    if (!this.isCheckpoint(m.seq) || !this.inWindow(m.seq)) return;
    const at = this.checkpoints.get(m.seq) ?? new Map<number, Checkpoint>();
    at.set(m.sender, m);
    this.checkpoints.set(m.seq, at);
    this.checkStable(m.seq);
  }

  /** A checkpoint is stable with 2f+1 matching signatures and our own block at that height. */
  private checkStable(seq: number): void {
    const mine = this.hashes.get(seq);
    const at = this.checkpoints.get(seq);
    if (mine === undefined || at === undefined || this.applied < seq) return;
    const signatures = [...at.values()]
      .filter((c) => hashKey(c.digest) === mine)
      .sort((a, b) => a.sender - b.sender)
      .map((c) => ({ sender: c.sender, signature: c.signature }));
    if (signatures.length >= this.schedule.at(seq).quorum)
      this.makeStable({ seq, digest: heldHash(mine), signatures });
  }

  /** Moves the low watermark to a proven checkpoint and forgets everything below it. */
  private makeStable(cp: CheckpointProof): void {
    if (cp.seq <= this.stable.seq) return;
    this.stable = cp;
    for (const seq of this.slots.keys()) if (seq <= cp.seq) this.slots.delete(seq);
    for (const seq of this.checkpoints.keys()) if (seq <= cp.seq) this.checkpoints.delete(seq);
    for (const h of this.hashes.keys()) if (h < cp.seq) this.hashes.delete(h);
    for (const [k, v] of this.votes) if (v.seq <= cp.seq && v.kind !== VoteKind.NewView) this.votes.delete(k);
    for (const [k, seq] of this.evidenceSeen) if (seq <= cp.seq) this.evidenceSeen.delete(k);
    // Keep the sets in force a window below the checkpoint: they signed the checkpoint proofs of
    // VIEW-CHANGEs from replicas a checkpoint or two behind us (with an activation at H, the
    // checkpoints H - 1 and the next multiple of K are close: found by the reconfiguration sweep).
    this.schedule.prune(cp.seq - this.p.windowSize);
    this.changed();
  }

  // ------------------------------------------------------------------ view change (§4.4, §4.5.2)

  private timeout(): number {
    return Math.min(this.p.viewTimeoutTicks * 2 ** this.backoff, this.p.maxViewTimeoutTicks);
  }

  private checkTimers(): void {
    if (this.inViewChange) {
      // §4.5.2: the view-change timer runs only once 2f+1 replicas want this view or a later
      // one (a replica alone in a higher view waits there instead of racing further ahead; one
      // that lost the VIEW-CHANGEs for this view can still move on with those beyond it).
      const set = this.schedule.at(this.stable.seq + 1);
      let want = 0;
      for (const vc of this.viewChanges.values())
        if (vc.newView >= this.view && this.isMember(set, vc)) want++;
      if (want < set.quorum) this.viewChangeAt = this.now;
      else if (this.now - this.viewChangeAt >= this.timeout()) {
        this.startViewChange(this.view + 1);
        return;
      }
      // Not a member of the set at our checkpoint when we entered this view (a joining node that
      // has since caught up): speak now, the view may need us.
      if (this.ownViewChange?.newView !== this.view) this.sendViewChange();
      // Messages get lost: re-send our VIEW-CHANGE until the view is entered (a replica already
      // in it answers with its NEW-VIEW).
      const own = this.ownViewChange;
      if (own?.newView === this.view && this.now - this.lastResendAt >= this.timeout()) {
        this.lastResendAt = this.now;
        this.send('all', own);
      }
      return;
    }
    // A replica that knows it is behind fetches blocks instead of blaming the primary.
    if (this.target() > this.tip.height) return;
    const next = this.slots.get(this.tip.height + 1);
    const waiting =
      this.requests.size > 0 || this.p.emptyBlocks || next?.candidate != null || next?.prePrepare != null;
    if (!waiting) {
      this.waitingSince = null;
      return;
    }
    this.waitingSince ??= this.now;
    const since = Math.max(this.waitingSince, this.progressAt, this.viewStartedAt);
    if (this.now - since >= this.timeout()) {
      this.startViewChange(this.view + 1);
      return;
    }
    // Anti-censorship: the primary must not leave an envelope out for ever by reordering.
    const oldest = this.requests.oldestArrival();
    if (oldest !== undefined && this.now - Math.max(oldest, this.viewStartedAt) >= this.p.requestTimeoutTicks)
      this.startViewChange(this.view + 1);
  }

  /**
   * f+1 peers already vote in a higher view (their messages wait in our future buffer): at least
   * one honest replica entered it, so ask for its NEW-VIEW by sending a VIEW-CHANGE for it.
   */
  private followQuorumView(): void {
    const views: number[] = [];
    for (const list of this.future.values()) {
      let max = -1;
      for (const m of list) if (m.view > max) max = m.view;
      if (max >= 0) views.push(max);
    }
    const f = this.schedule.at(this.stable.seq + 1).f;
    views.sort((a, b) => b - a);
    const w = views[f];
    if (w !== undefined && w > this.view) this.startViewChange(w);
  }

  private startViewChange(newView: number): void {
    if (newView <= this.view) return;
    this.view = newView;
    this.inViewChange = true;
    this.viewChangeAt = this.now;
    this.lastResendAt = this.now;
    this.backoff = Math.min(this.backoff + 1, 30);
    this.stats.viewChanges++;
    for (const slot of this.slots.values()) slot.resetView();
    for (const [k, v] of this.votes) if (v.view < newView) this.votes.delete(k);
    this.changed();
    this.sendViewChange();
    this.tryNewView();
  }

  /** Signs VIEW-CHANGE(view) as a member of the set at our stable checkpoint + 1, if we are one. */
  private sendViewChange(): void {
    const me = this.schedule.at(this.stable.seq + 1).indexOf(this.key);
    if (me < 0) return;
    const vc = this.signMessage({
      type: MessageType.ViewChange,
      newView: this.view,
      stableSeq: this.stable.seq,
      stableDigest: this.stable.digest,
      checkpointProof: this.stable.signatures,
      prepared: this.preparedProofs(),
      sender: me,
    });
    this.ownViewChange = vc;
    this.changed();
    this.viewChanges.set(hashKey(this.key), vc);
    this.signers.set(vc, this.key);
    this.viewChangesSeen++;
    this.send('all', vc);
  }

  private onViewChange(vc: ViewChange): void {
    // Signed as a member of the set at the sender's checkpoint + 1: that names the signer.
    const set = this.schedule.at(vc.stableSeq + 1);
    const signer = set.keys[vc.sender];
    if (signer === undefined) {
      this.drop(MessageDropReason.BadViewChange);
      return;
    }
    if (bytesEqual(signer, this.key)) {
      this.drop(MessageDropReason.Own);
      return;
    }
    if (vc.newView < this.view || (vc.newView === this.view && !this.inViewChange)) {
      // The sender is behind and may have missed our NEW-VIEW: answer a signed request only.
      if (this.verifier.signed(set, vc)) this.replyNewView(signer);
      return;
    }
    const id = hashKey(signer);
    const held = this.viewChanges.get(id);
    if (held !== undefined && held.newView >= vc.newView) return;
    if (!this.verifier.viewChange(vc, this.p.windowSize)) {
      this.drop(MessageDropReason.BadViewChange);
      return;
    }
    this.viewChanges.set(id, vc);
    this.signers.set(vc, signer);
    this.viewChangesSeen++;
    // §4.5.2: f+1 replicas want a higher view, so at least one honest one does: join the lowest.
    const mine = this.schedule.at(this.stable.seq + 1);
    const higher = [...this.viewChanges.values()]
      .filter((v) => v.newView > this.view && this.isMember(mine, v))
      .map((v) => v.newView)
      .sort((a, b) => b - a);
    const join = higher[mine.f];
    if (join !== undefined) this.startViewChange(join);
    this.tryNewView();
  }

  private replyNewView(to: Uint8Array): void {
    const held = this.lastNewView?.sent;
    if (held === undefined || held.view !== this.view || this.inViewChange) return;
    const id = hashKey(to);
    if (this.now - (this.newViewReplies.get(id) ?? NEVER) < this.p.viewTimeoutTicks) return;
    // Restored from disk, its PRE-PREPAREs lack their bodies: take them from our log window or
    // block log. One we no longer hold means no answer (the wire needs the body); a requester
    // that far behind catches up by state transfer and enters the view from the certificates of
    // the blocks proposed in it (followCertifiedView).
    const prePrepares: PrePrepare[] = [];
    for (const pp of held.prePrepares) {
      const block =
        pp.block.envelopes.length === pp.block.header.txCount ? pp.block : this.bodyOf(pp.seq, pp.digest);
      if (block === undefined) return;
      prePrepares.push(block === pp.block ? pp : { ...pp, block });
    }
    this.newViewReplies.set(id, this.now);
    const index = this.schedule.at(this.tip.height + 1).indexOf(to);
    this.send(index >= 0 ? index : 'all', { ...held, prePrepares });
  }

  /**
   * A restarted replica does not know whether the others changed view while it was down; until
   * they send blocks of that view (§4.5.2 joining) it would stay behind, and a further crash
   * would then leave the view without a quorum. So on its first heartbeats it re-sends its last
   * VIEW-CHANGE, byte for byte (nothing new is signed), which a replica in a later view answers
   * with its NEW-VIEW (checked in full, so no liar can move us). Any NEW-VIEW of our view or a
   * later one ends the asking. A replica that never signed a VIEW-CHANGE (view 0) cannot ask.
   */
  private probeView(): void {
    if (this.restartProbes === 0) return;
    this.restartProbes--;
    if (!this.inViewChange && this.ownViewChange !== null) this.send('all', this.ownViewChange);
  }

  /** Whether the signer of a VIEW-CHANGE we hold belongs to `set`. */
  private isMember(set: ValidatorSet, vc: ViewChange): boolean {
    const signer = this.signers.get(vc);
    return signer !== undefined && set.indexOf(signer) >= 0;
  }

  /**
   * The VIEW-CHANGEs for view `view` that decide it, with the set that decides it: the set in
   * force at min-s + 1 (min-s = their highest stable checkpoint), and only its members' messages,
   * ascending by index in that set (docs §7: one set decides a view, its primary and quorums).
   */
  private decidingViewChanges(vcs: readonly ViewChange[]): { set: ValidatorSet; vcs: ViewChange[] } {
    let top = 0;
    for (const vc of vcs) top = Math.max(top, vc.stableSeq);
    const set = this.schedule.at(top + 1);
    const index = (vc: ViewChange) => set.indexOf(this.signers.get(vc) ?? new Uint8Array());
    const members = vcs.filter((vc) => index(vc) >= 0).sort((a, b) => index(a) - index(b));
    return { set, vcs: members };
  }

  /** End (exclusive) of the heights a view decided by the set at `stableSeq + 1` orders. */
  private readonly limitOf = (stableSeq: number): number => this.schedule.nextActivation(stableSeq + 1);

  /** Takes the parameters in force at the height now worked on (tip + 1). */
  private refreshParams(): void {
    this.p = this.params.at(this.tip.height + 1);
    this.params.prune(this.tip.height + 1);
  }

  private viewLimit(): number {
    return this.schedule.nextActivation(this.viewBase);
  }

  /**
   * Checkpoints: every K heights, and the height before each validator-set activation, so that
   * the new set's first view starts from a checkpoint at the boundary (docs §7).
   */
  private isCheckpoint(seq: number): boolean {
    return (
      seq > 0 && (seq % this.p.checkpointInterval === 0 || this.schedule.nextActivation(seq) === seq + 1)
    );
  }

  /** The new primary, holding 2f+1 VIEW-CHANGEs for its view, sends NEW-VIEW (§4.4). */
  private tryNewView(): void {
    if (!this.inViewChange) return;
    // Recomputed only when a VIEW-CHANGE arrived or the tip moved (a missing body may have come).
    const attempt = `${this.view}:${this.viewChangesSeen}:${this.tip.height}`;
    if (attempt === this.lastNewViewAttempt) return;
    this.lastNewViewAttempt = attempt;
    const { set, vcs } = this.decidingViewChanges(
      [...this.viewChanges.values()].filter((v) => v.newView === this.view),
    );
    if (vcs.length === 0) return;
    const plan = newViewPlan(vcs, this.limitOf);
    const me = set.indexOf(this.key);
    if (vcs.length < set.quorum || me !== set.primary(this.view)) return;
    if (this.votes.has(voteKey(VoteKind.NewView, this.view, 0))) return;
    const blocks: Block[] = [];
    for (const e of plan.entries) {
      const envelopes = this.bodyOf(e.seq, e.digest)?.envelopes ?? e.envelopes;
      if (envelopes === undefined) {
        // Committed elsewhere (an honest sender attaches bodies it has not committed): fetch it.
        this.targetHint = Math.max(this.targetHint, e.seq);
        return;
      }
      blocks.push({ header: e.header, envelopes });
    }
    this.recordVote(VoteKind.NewView, this.view, 0, ZERO_HASH);
    const prePrepares: PrePrepare[] = [];
    for (const [i, e] of plan.entries.entries()) {
      this.recordVote(VoteKind.PrePrepare, this.view, e.seq, e.digest);
      const sender = this.schedule.at(e.seq).indexOf(this.key);
      prePrepares.push(
        this.signMessage({
          type: MessageType.PrePrepare,
          view: this.view,
          seq: e.seq,
          digest: e.digest,
          block: blocks[i]!,
          sender,
        }),
      );
    }
    const viewChanges = vcs.map(stripBodies);
    const nv = this.signMessage({
      type: MessageType.NewView,
      view: this.view,
      viewChanges,
      prePrepares,
      sender: me,
    });
    this.send('all', nv);
    this.installNewView(nv, plan);
  }

  private onNewView(nv: NewView): void {
    // A peer answered (or the view moved on): a restarted replica stops asking (probeView).
    if (nv.view >= this.view) this.restartProbes = 0;
    if (nv.view < this.view || (nv.view === this.view && !this.inViewChange)) {
      this.drop(MessageDropReason.OldView);
      return;
    }
    const plan = this.checkNewView(nv);
    if (plan === null) {
      this.drop(MessageDropReason.BadNewView);
      return;
    }
    this.installNewView(nv, plan);
  }

  /** A backup recomputes the plan from the NEW-VIEW's own VIEW-CHANGEs and checks it matches. */
  private checkNewView(nv: NewView): NewViewPlan | null {
    if (nv.viewChanges.length === 0) return null;
    let top = 0;
    for (const vc of nv.viewChanges) top = Math.max(top, vc.stableSeq);
    const set = this.schedule.at(top + 1);
    // Every VIEW-CHANGE valid, from a distinct member of the deciding set, ascending there.
    let last = -1;
    for (const vc of nv.viewChanges) {
      const signer = this.schedule.at(vc.stableSeq + 1).keys[vc.sender];
      const i = signer === undefined ? -1 : set.indexOf(signer);
      if (i <= last || vc.newView !== nv.view) return null;
      if (!this.verifier.viewChange(vc, this.p.windowSize)) return null;
      last = i;
    }
    const plan = newViewPlan(nv.viewChanges, this.limitOf);
    if (nv.viewChanges.length < set.quorum || nv.sender !== set.primary(nv.view)) return null;
    if (!this.verifier.signed(set, nv) || nv.prePrepares.length !== plan.entries.length) return null;
    for (const [i, e] of plan.entries.entries()) {
      const pp = nv.prePrepares[i]!;
      const ppSet = this.schedule.at(e.seq);
      if (pp.seq !== e.seq || pp.view !== nv.view || !bytesEqual(pp.digest, e.digest)) return null;
      if (pp.sender !== ppSet.primary(nv.view) || !this.verifier.signed(ppSet, pp)) return null;
      if (!bytesEqual(this.deps.hashHeader(pp.block.header), e.digest)) return null;
    }
    return plan;
  }

  private installNewView(nv: NewView, plan: NewViewPlan): void {
    this.enterView(nv.view, plan.stable.seq + 1);
    this.lastNewView = { sent: nv, onDisk: withoutBodies(nv) };
    if (plan.stable.seq > this.stable.seq) {
      if (!this.adoptCheckpoint(plan.stable)) this.targetHint = Math.max(this.targetHint, plan.stable.seq);
    }
    for (const pp of nv.prePrepares) {
      if (!this.inWindow(pp.seq)) continue;
      const slot = this.slot(pp.seq);
      slot.candidate = pp;
      this.tryAccept(slot);
    }
    this.replayFuture();
    this.maybePropose();
  }

  /** Leaves the view change (or an earlier view) for `view`, whose range starts at height `base`. */
  private enterView(view: number, base: number): void {
    if (!this.inViewChange || view !== this.view) for (const slot of this.slots.values()) slot.resetView();
    this.view = view;
    this.inViewChange = false;
    this.viewStartedAt = this.now;
    this.viewBase = base;
    this.lastNewView = null;
    this.restartProbes = 0;
    this.targetHint = 0;
    for (const [k, v] of this.votes) if (v.view < view) this.votes.delete(k);
    this.changed();
    for (const [sender, vc] of this.viewChanges) if (vc.newView <= view) this.viewChanges.delete(sender);
  }

  /**
   * A transferred block proposed and committed in a view we have not entered (header.view = its
   * certificate's view = v): 2f+1 replicas, f+1 of them honest, committed in v, so the quorum got
   * there. Its NEW-VIEW may reach us from no one (its holders restarted and the re-proposed
   * bodies are gone from their block logs), and we need nothing from it any more: a new primary
   * proposes only above every height its NEW-VIEW re-proposes, and honest backups refuse any other
   * block at those heights, so every height the NEW-VIEW constrains lies at or below this block,
   * which we hold. We enter v with the range starting there (no activation can lie between).
   */
  private followCertifiedView(cb: CertifiedBlock): void {
    const v = cb.certificate.view;
    if (cb.block.header.view !== v || v < this.view || (v === this.view && !this.inViewChange)) return;
    this.enterView(v, cb.block.header.height);
    this.replayFuture();
  }

  private replayFuture(): void {
    const ready: NormalMessage[] = [];
    for (const [sender, list] of this.future) {
      const keep = list.filter((m) => m.view > this.view);
      for (const m of list) if (m.view === this.view) ready.push(m);
      if (keep.length > 0) this.future.set(sender, keep);
      else this.future.delete(sender);
    }
    for (const m of ready) this.step(m);
  }

  // ------------------------------------------------------------------ state transfer

  /** The height f+1 peers announced, so at least one honest replica has it. */
  private target(): number {
    if (this.targetCache < 0) {
      const heights = [...this.status.values()].map((s) => s.height).sort((a, b) => b - a);
      this.targetCache = heights[this.schedule.at(this.tip.height + 1).f] ?? 0;
    }
    return this.targetCache;
  }

  private maybeRequestState(): void {
    // targetHint (a height proven committed somewhere) only steers fetching, never the timers.
    const target = Math.max(this.target(), this.targetHint);
    if (target <= this.tip.height || this.transferQueue.length > 0) return;
    if (this.transfer !== null && this.now - this.transfer.sentAt < this.p.stateTimeoutTicks) return;
    const from = this.tip.height + 1;
    const set = this.schedule.at(from);
    let peers = this.transferPeers(from, set);
    if (peers.length === 0) return;
    peers = this.pruned.choose(peers, (i) => hashKey(set.keys[i]!), from);
    const peer = peers[this.peerCursor++ % peers.length]!;
    const toHeight = Math.min(target, this.tip.height + this.p.stateBatchBlocks);
    const req: Unsigned<StateRequest> = {
      type: MessageType.StateRequest,
      fromHeight: from,
      toHeight,
      sender: 0,
      // Named by key, not by an index: a node joining by a set decided in a block it has not
      // applied knows no index of its own, and the peer (ahead of us) may have pruned the set our
      // index belongs to (found by the reconfiguration sweep: seed 5214 with 800 ticks of faults).
      key: this.key,
    };
    this.transfer = { sentAt: this.now, peer: set.keys[peer]! };
    this.send(peer, this.signMessage(req));
  }

  /** Peers to ask for block `from`, by their index in the set at our tip + 1 (the driver's convention). */
  private transferPeers(from: number, set: ValidatorSet): number[] {
    let peers = [...this.status.values()].filter((s) => s.height >= from).map((s) => set.indexOf(s.key));
    peers = peers.filter((i) => i >= 0);
    if (peers.length === 0) peers = set.keys.map((_, i) => i).filter((i) => i !== set.indexOf(this.key));
    return peers.sort((a, b) => a - b);
  }

  private onStateRequest(m: StateRequest): void {
    if (m.fromHeight < 1 || m.toHeight < m.fromHeight || m.fromHeight > this.tip.height) {
      this.drop(MessageDropReason.BadStateRequest);
      return;
    }
    const from = this.requester(m);
    if (from === undefined) {
      this.drop(MessageDropReason.BadSignature);
      return;
    }
    if (this.out.stateRequests.some((r) => bytesEqual(r.from, from))) {
      this.drop(MessageDropReason.StateRequestBusy);
      return;
    }
    const toHeight = Math.min(m.toHeight, this.tip.height, m.fromHeight + this.p.stateBatchBlocks - 1);
    this.out.stateRequests.push({ from, fromHeight: m.fromHeight, toHeight });
  }

  /**
   * The key of a state request's signer: requests name it (StateRequest.key), and blocks are
   * served only to members of a set we hold (in force, scheduled, or kept for old proofs) and to
   * the configured observers.
   */
  private requester(m: StateRequest): Uint8Array | undefined {
    if (m.key === undefined) return undefined;
    const k = m.key;
    if (!this.schedule.includes(k) && !this.observers.some((o) => bytesEqual(o, k))) return undefined;
    return this.verifier.signedBy(m.key, m) ? m.key : undefined;
  }

  private onStateResponse(m: StateResponse): void {
    if (m.earliestHeight !== undefined) {
      this.onPrunedAnswer(m, m.earliestHeight);
      return;
    }
    const first = m.blocks[0];
    if (first === undefined || m.blocks.length > this.p.stateBatchBlocks) {
      this.drop(MessageDropReason.BadStateResponse);
      return;
    }
    if (first.block.header.height !== this.tip.height + 1 || this.transferQueue.length > 0) {
      this.drop(MessageDropReason.StaleStateResponse);
      return;
    }
    // The responder's signature is not relied on: every block is checked against its certificate
    // and the checkpoint against its proof, and the responder (ahead of us) may sign as a member
    // of a set we have not learnt yet.
    if (this.transfer === null) {
      this.drop(MessageDropReason.UnaskedStateResponse);
      return;
    }
    this.transferQueue = m.blocks.slice();
    this.transferCheckpoint = m.checkpoint ?? null;
    this.transfer = null;
    this.processTransfer();
  }

  /**
   * "I hold no body below `earliest`" from the peer just asked (its signature is checked: a third
   * party must not steer us off a peer that holds the blocks). The peer is skipped while we need
   * lower blocks, and the next request goes out now instead of after the state timeout, unless
   * every candidate peer said it is pruned there (PrunedPeers.choose decides, as for every
   * request; then the timeout paces retries).
   */
  private onPrunedAnswer(m: StateResponse, earliest: number): void {
    const t = this.transfer;
    if (t === null) {
      this.drop(MessageDropReason.UnaskedStateResponse);
      return;
    }
    if (m.blocks.length > 0) {
      this.drop(MessageDropReason.BadStateResponse);
      return;
    }
    // Not from the peer asked: an answer to someone else's request that reached us by gossip.
    if (!this.verifier.signedBy(t.peer, m)) {
      this.drop(MessageDropReason.UnaskedStateResponse);
      return;
    }
    if (earliest <= this.tip.height + 1) {
      this.drop(MessageDropReason.StaleStateResponse);
      return;
    }
    this.pruned.note(hashKey(t.peer), earliest);
    const from = this.tip.height + 1;
    const set = this.schedule.at(from);
    this.pruned.choose(this.transferPeers(from, set), (i) => hashKey(set.keys[i]!), from);
    if (this.pruned.unavailableFrom === from) return;
    this.transfer = null;
    this.maybeRequestState();
  }

  /**
   * Delivers transferred blocks one at a time, each only after its parent is applied, so that
   * its certificate is checked against the validator set the applied chain says is in force.
   */
  private processTransfer(): void {
    while (this.transferQueue.length > 0 && this.applied === this.tip.height) {
      const cb = this.transferQueue.shift()!;
      const h = cb.block.header;
      if (h.height <= this.tip.height) continue;
      if (
        h.height !== this.tip.height + 1 ||
        !bytesEqual(h.parentHash, this.tip.hash) ||
        !this.verifier.certificate(cb.certificate, cb.block)
      ) {
        this.transferQueue = [];
        this.peerCursor++;
        this.drop(MessageDropReason.BadCertifiedBlock);
        return;
      }
      if ((this.deps.checkTransferred?.(cb.block) ?? null) !== null) {
        this.transferQueue = [];
        this.peerCursor++;
        this.drop(MessageDropReason.BadTransferredBlock);
        return;
      }
      this.stats.blocksTransferred++;
      this.deliver(
        cb.block,
        cb.certificate,
        cb.block.envelopes.map((e) => hashKey(this.deps.txHash(e))),
      );
      this.followCertifiedView(cb);
    }
    // The responder's checkpoint proof becomes ours once its block is applied here.
    const cp = this.transferCheckpoint;
    if (cp !== null && cp.seq <= this.applied) {
      this.adoptCheckpoint(cp);
      this.transferCheckpoint = null;
    }
    if (this.transferQueue.length === 0) this.maybeRequestState();
  }

  /** Takes a proven checkpoint at or below our applied height as our stable one. */
  private adoptCheckpoint(cp: CheckpointProof): boolean {
    if (cp.seq <= this.stable.seq) return true;
    if (cp.seq > this.applied || this.hashes.get(cp.seq) !== hashKey(cp.digest)) return false;
    if (!this.verifier.checkpoint(cp)) return false;
    this.makeStable(cp);
    return true;
  }

  // ------------------------------------------------------------------ plumbing

  /** Hash key of the block we committed at a height (from memory, else from the block log). */
  private committedHash(height: number): string | undefined {
    const held = this.hashes.get(height);
    if (held !== undefined || height > this.tip.height) return held;
    const block = this.deps.committedBlock(height);
    return block === undefined ? undefined : hashKey(this.deps.hashHeader(block.header));
  }

  /** The block with this digest at a height: in our log window, or committed in the block log. */
  private bodyOf(seq: number, digest: Hash32): Block | undefined {
    const key = hashKey(digest);
    const slot = this.slots.get(seq);
    if (slot?.block != null && slot.bodyDigest === key) return slot.block;
    if (seq > this.tip.height) return undefined;
    const block = this.deps.committedBlock(seq);
    return block !== undefined && hashKey(this.deps.hashHeader(block.header)) === key ? block : undefined;
  }

  private inWindow(seq: number): boolean {
    return seq > this.stable.seq && seq <= this.stable.seq + this.p.windowSize;
  }

  private slot(seq: number): Slot {
    let s = this.slots.get(seq);
    if (s === undefined) {
      s = new Slot(seq);
      this.slots.set(seq, s);
    }
    return s;
  }

  private signMessage<T extends Unsigned<ConsensusMessage>>(m: T): T & { signature: Uint8Array } {
    return { ...m, signature: this.deps.sign(consensusSigningBytes(this.chainId, m)) };
  }

  private send(to: 'all' | number, msg: ConsensusMessage): void {
    this.out.messages.push({ to, msg });
  }

  private changed(): void {
    this.version++;
  }

  private drop(reason: MessageDropReason): void {
    this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1;
  }

  private reject(reason: MessageDropReason): null {
    this.drop(reason);
    return null;
  }

  private addEvidence(
    kind: EvidenceKind,
    set: ValidatorSet,
    first: NormalMessage,
    second: NormalMessage,
  ): void {
    const key = `${kind}:${first.sender}:${first.view}:${first.seq}`;
    if (this.evidenceSeen.has(key)) return;
    this.evidenceSeen.set(key, first.seq);
    const offender = set.keys[first.sender]!;
    this.out.evidence.push({ kind, offender, view: first.view, seq: first.seq, first, second });
  }

  /**
   * Our prepared proofs above the checkpoint, by seq. A block prepared but not committed here
   * carries its body: it is in no block log yet, and after a restart or a view change it may be
   * needed by a new primary that never saw it (kept on disk too, as PBFT keeps its log).
   */
  private preparedProofs(): PreparedProof[] {
    return [...this.slots.values()]
      .filter((s) => s.prepared !== null)
      .sort((a, b) => a.seq - b.seq)
      .map((s) => {
        const p = s.prepared!;
        if (s.seq > this.tip.height && s.block !== null && s.bodyDigest === hashKey(p.digest))
          return { ...p, envelopes: s.block.envelopes };
        return p;
      });
  }

  private snapshot(): PersistentState {
    const prepared = this.preparedProofs();
    return {
      view: this.view,
      inViewChange: this.inViewChange,
      stable: this.stable,
      votes: [...this.votes.values()],
      prepared,
      viewChange: this.ownViewChange === null ? null : stripBodies(this.ownViewChange),
      newView: this.inViewChange ? null : (this.lastNewView?.onDisk ?? null),
    };
  }
}

function voteKey(kind: VoteKind, view: number, seq: number): string {
  return `${kind}:${view}:${seq}`;
}

function sameKeys(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((k, i) => bytesEqual(k, b[i]!));
}

/** The hash of a height we hold (the caller knows it is there). */
function heldHash(key: string | undefined): Uint8Array {
  if (key === undefined)
    throw new ConsensusError(ConsensusErrorCode.BadState, 'no block hash at that height');
  return keyBytes(key);
}

/**
 * A NEW-VIEW without block bodies (neither is signed: its PRE-PREPAREs bind their blocks by
 * digest), small enough to persist; replyNewView puts the bodies back.
 */
function withoutBodies(nv: NewView): NewView {
  return {
    ...nv,
    viewChanges: nv.viewChanges.map(stripBodies),
    prePrepares: nv.prePrepares.map((pp) => ({ ...pp, block: { header: pp.block.header, envelopes: [] } })),
  };
}

/** A VIEW-CHANGE without the unsigned block bodies (inside NEW-VIEW and on disk). */
function stripBodies(vc: ViewChange): ViewChange {
  if (vc.prepared.every((p) => p.envelopes === undefined)) return vc;
  return { ...vc, prepared: vc.prepared.map(({ envelopes: _, ...p }) => p) };
}
