// Proposals by reference, the node's side (docs/consensus.md §2.1): the primary's PRE-PREPARE
// travels as a PROPOSAL (header + tracing codes, codec/proposal-ref.ts). A receiving replica
// rebuilds the block from its mempool and fetches only the envelopes it lacks from the primary
// (BODIES-REQUEST on the request/response protocol, bounded in size, count and time); the primary
// answers from the proposals it sent last. A response whose envelopes do not hash to the codes
// asked for is refused and asked again; after `attempts` the proposal is dropped and the view
// timer does the rest (PBFT: a primary whose proposal cannot be prepared is replaced).
import {
  type BodiesRequest,
  decodeBodiesRequest,
  decodeBodiesResponse,
  encodeBodiesRequest,
  encodeBodiesResponse,
  type ProposalRef,
} from '../codec/proposal-ref.js';
import type { Hash32, PrePrepare } from '../codec/types.js';
import { hashKey } from '../consensus/bytes.js';
import { ProposalAssembly } from '../consensus/proposal-ref.js';
import type { Logger } from '../runtime/log.js';
import { NodeError, NodeErrorCode } from './errors.js';
import { P2PError, P2PErrorCode } from './p2p/index.js';

export interface ProposalBodiesOptions {
  /** Deadline of one BODIES-REQUEST exchange (ms). */
  fetchTimeoutMs: number;
  /** Exchanges per proposal before it is dropped (a later gossip arrival is looked for before each). */
  attempts: number;
  /** Proposals being completed at once; more are dropped (the primary's view timer covers them). */
  maxResolving: number;
  /** Own proposals whose envelopes are kept to answer requests (the newest ones). */
  maxHeld: number;
}

export const defaultProposalBodiesOptions: ProposalBodiesOptions = {
  fetchTimeoutMs: 2_000,
  attempts: 3,
  maxResolving: 8,
  maxHeld: 8,
};

export interface ProposalBodiesDeps {
  /** An envelope this node holds (its mempool), by tracing code. */
  lookup(code: Hash32): Uint8Array | undefined;
  /** One request/response exchange with validator `index` (its answer, or a throw). */
  request(index: number, bytes: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  txHash(envelope: Uint8Array): Hash32;
  /**
   * An envelope received by gossip that still waits for admission (node/gossip-backlog.ts): taken
   * before anything is fetched. Not yet verified; the driver pre-verifies a block's envelopes.
   */
  pending?(code: Hash32): Uint8Array | undefined;
  /** Milliseconds, for the time spent waiting for bodies; default performance.now. */
  now?(): number;
  log: Logger;
}

/** What became of the envelopes of one received proposal (counted for tests and metrics). */
export interface BodyStats {
  /** Proposals complete from the mempool alone. */
  whole: number;
  /** Proposals completed by fetching. */
  fetched: number;
  /** Envelopes fetched. */
  envelopesFetched: number;
  /** Responses refused: envelopes that are not the ones the proposal names. */
  forged: number;
  /** Proposals given up (attempts spent, or too many in progress). */
  dropped: number;
  /** Proposals completed without an exchange thanks to envelopes waiting for admission. */
  backlog: number;
  /** Envelopes taken from those waiting for admission (gossiped, not yet admitted). */
  envelopesFromBacklog: number;
  /** BODIES-REQUESTs sent. */
  exchanges: number;
  /** Exchanges that passed their deadline. */
  timeouts: number;
  /** Exchanges that failed otherwise (refused, closed, not held by the primary). */
  failures: number;
  /** Time proposals spent waiting for fetched bodies (ms), from the first request to the last answer. */
  waitMs: number;
  /** BODIES-REQUESTs this node answered (as primary), and the envelopes it sent in them. */
  served: number;
  envelopesServed: number;
}

export class ProposalBodies {
  private readonly held = new Map<string, Uint8Array[]>();
  private readonly resolving = new Set<string>();
  readonly stats: BodyStats = {
    whole: 0,
    fetched: 0,
    envelopesFetched: 0,
    forged: 0,
    dropped: 0,
    backlog: 0,
    envelopesFromBacklog: 0,
    exchanges: 0,
    timeouts: 0,
    failures: 0,
    waitMs: 0,
    served: 0,
    envelopesServed: 0,
  };
  private readonly now: () => number;

  constructor(
    private readonly deps: ProposalBodiesDeps,
    private readonly opts: ProposalBodiesOptions = defaultProposalBodiesOptions,
  ) {
    this.now = deps.now ?? (() => performance.now());
  }

  /** The primary keeps the envelopes of what it proposes, to answer requests for them. */
  remember(pp: PrePrepare): void {
    this.held.set(hashKey(pp.digest), pp.block.envelopes);
    for (const k of this.held.keys()) {
      if (this.held.size <= this.opts.maxHeld) break;
      this.held.delete(k);
    }
  }

  /** Answers a BODIES-REQUEST (the request/response handler); throws what the requester is told. */
  answer(request: Uint8Array): Uint8Array {
    const q: BodiesRequest = decodeBodiesRequest(request);
    const envelopes = this.held.get(hashKey(q.digest));
    if (envelopes === undefined) throw new NodeError(NodeErrorCode.NotFound, 'proposal not held');
    const out = q.indexes.map((i) => envelopes[i]);
    if (out.some((e) => e === undefined))
      throw new NodeError(NodeErrorCode.NotFound, 'index beyond the proposal');
    this.stats.served++;
    this.stats.envelopesServed += out.length;
    return encodeBodiesResponse(out as Uint8Array[]);
  }

  /** The whole PRE-PREPARE of a PROPOSAL, or undefined when it could not be completed. */
  async resolve(ref: ProposalRef): Promise<PrePrepare | undefined> {
    const a = new ProposalAssembly(ref);
    if (a.fillFrom((code) => this.deps.lookup(code)).length === 0) {
      this.stats.whole++;
      return a.prePrepare();
    }
    const lookup = (code: Hash32) => this.deps.lookup(code) ?? this.fromBacklog(code);
    if (a.fillFrom(lookup).length === 0) {
      this.stats.backlog++;
      return a.prePrepare();
    }
    const key = `${ref.view}/${hashKey(ref.digest)}`;
    if (this.resolving.has(key) || this.resolving.size >= this.opts.maxResolving) {
      this.stats.dropped++;
      return undefined;
    }
    this.resolving.add(key);
    const started = this.now();
    try {
      return await this.fetch(a, lookup);
    } finally {
      this.resolving.delete(key);
      this.stats.waitMs += this.now() - started;
    }
  }

  private fromBacklog(code: Hash32): Uint8Array | undefined {
    const e = this.deps.pending?.(code);
    if (e !== undefined) this.stats.envelopesFromBacklog++;
    return e;
  }

  private async fetch(
    a: ProposalAssembly,
    lookup: (code: Hash32) => Uint8Array | undefined,
  ): Promise<PrePrepare | undefined> {
    const { ref } = a;
    for (let attempt = 0; attempt < this.opts.attempts; attempt++) {
      // Gossip may have brought some of them meanwhile (they arrive late under load).
      const indexes = attempt === 0 ? a.missing() : a.fillFrom(lookup);
      if (indexes.length === 0) break;
      this.stats.exchanges++;
      try {
        const answer = await this.deps.request(
          ref.sender,
          encodeBodiesRequest({ digest: ref.digest, indexes }),
          this.opts.fetchTimeoutMs,
        );
        const envelopes = decodeBodiesResponse(answer, indexes.length);
        if (a.accept(indexes, envelopes, this.deps.txHash)) {
          this.stats.envelopesFetched += indexes.length;
          continue;
        }
        this.stats.forged++;
        this.deps.log.warn(
          { view: ref.view, seq: ref.seq, from: ref.sender },
          'proposal bodies refused: envelopes that are not the ones the proposal names',
        );
      } catch (err) {
        if (err instanceof P2PError && err.code === P2PErrorCode.Timeout) this.stats.timeouts++;
        else this.stats.failures++;
        this.deps.log.debug(
          { err, view: ref.view, seq: ref.seq, from: ref.sender },
          'proposal bodies fetch failed',
        );
      }
    }
    const pp = a.prePrepare();
    if (pp === undefined) {
      this.stats.dropped++;
      this.deps.log.info(
        { view: ref.view, seq: ref.seq, from: ref.sender, missing: a.missing().length },
        'proposal dropped: its envelopes could not be had',
      );
    } else this.stats.fetched++;
    return pp;
  }
}
