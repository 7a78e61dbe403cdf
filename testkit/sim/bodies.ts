// PRE-PREPAREs by reference in the simulator, as node/proposal-bodies.ts does them on real nodes
// (docs/consensus.md §2.1): a replica rebuilds a proposed block from the envelopes it was
// admitted (its pool) and fetches the rest from the primary over the simulated network (delayed,
// dropped, partitioned like any message), with a timeout and at most ATTEMPTS exchanges, looking
// in its pool again before each (envelopes that arrived late). The core sees the PRE-PREPARE only
// once it is whole, exactly as the real driver hands it over. Pure parts: consensus/proposal-ref.ts.
import type { PrePrepare } from '../../codec/types.js';
import { hashKey, toHex } from '../../consensus/bytes.js';
import { ProposalAssembly, proposalRefOf } from '../../consensus/proposal-ref.js';
import type { Replica } from '../../consensus/replica.js';
import type { SimNode } from './node.js';

/** Exchanges per proposal (node/proposal-bodies.ts defaults to the same). */
export const ATTEMPTS = 3;

export interface FetchJob {
  requester: SimNode;
  /** The requester's incarnation: a crash ends the job. */
  replica: Replica;
  primary: number;
  assembly: ProposalAssembly;
  attempt: number;
  indexes: number[];
  done: boolean;
}

export type BodiesEvent =
  | { kind: 'request'; job: FetchJob; attempt: number }
  | { kind: 'response'; job: FetchJob; attempt: number; envelopes: Uint8Array[] | null }
  | { kind: 'timeout'; job: FetchJob; attempt: number };

export interface SimBodyStats {
  /** Proposals whole from the pool alone. */
  whole: number;
  requests: number;
  envelopesFetched: number;
  /** Responses refused: envelopes that are not the ones the codes name. */
  forged: number;
  timeouts: number;
  /** Proposals completed from the pool on a later attempt (the envelopes arrived after it). */
  late: number;
  /** Proposals given up after ATTEMPTS. */
  dropped: number;
}

export interface BodiesNet {
  /** Sends over the simulated network (subject to delay, drop, partition). */
  send(from: number, to: number, ev: BodiesEvent): void;
  /** A local timer of the requester, `units` of time from now. */
  timer(to: number, ev: BodiesEvent, units: number): void;
  node(addr: number): SimNode;
}

export class SimBodies {
  readonly stats: SimBodyStats = {
    whole: 0,
    requests: 0,
    envelopesFetched: 0,
    forged: 0,
    timeouts: 0,
    late: 0,
    dropped: 0,
  };

  constructor(
    private readonly net: BodiesNet,
    /** Time units a requester waits for an answer before its next attempt. */
    private readonly timeoutUnits: number,
  ) {}

  /** A PRE-PREPARE reaches `node` from `from`: whole now, or undefined while its bodies are fetched. */
  receive(node: SimNode, from: number, pp: PrePrepare): PrePrepare | undefined {
    const assembly = new ProposalAssembly(proposalRefOf(pp, node.deps.txHash));
    const indexes = assembly.fillFrom(poolOf(node));
    if (indexes.length === 0) {
      this.stats.whole++;
      return assembly.prePrepare();
    }
    const job: FetchJob = {
      requester: node,
      replica: node.replica!,
      primary: from,
      assembly,
      attempt: 0,
      indexes,
      done: false,
    };
    this.ask(job);
    return undefined;
  }

  /** An exchange's event; returns a PRE-PREPARE made whole, for the cluster to step. */
  handle(ev: BodiesEvent): { node: SimNode; pp: PrePrepare } | undefined {
    const { job } = ev;
    if (ev.kind === 'request') {
      this.net.send(job.primary, job.requester.addr, {
        kind: 'response',
        job,
        attempt: ev.attempt,
        envelopes: this.answer(job, this.net.node(job.primary)),
      });
      return undefined;
    }
    if (job.done || ev.attempt !== job.attempt || job.requester.replica !== job.replica) return undefined;
    if (ev.kind === 'timeout') {
      this.stats.timeouts++;
      return this.next(job);
    }
    if (ev.envelopes === null) return undefined; // refused; the timeout moves on
    if (!job.assembly.accept(job.indexes, ev.envelopes, job.requester.deps.txHash)) {
      this.stats.forged++;
      return this.next(job);
    }
    this.stats.envelopesFetched += job.indexes.length;
    return this.finish(job);
  }

  private answer(job: FetchJob, primary: SimNode): Uint8Array[] | null {
    const held = primary.proposals.get(hashKey(job.assembly.ref.digest));
    if (primary.replica === null || held === undefined) return null;
    const out = job.indexes.map((i) => held[i]!);
    // A primary that forges bodies answers with envelopes the proposal does not name.
    return primary.forgeBodies ? out.map((e) => Uint8Array.from([...e, 0x21])) : out;
  }

  private ask(job: FetchJob): void {
    this.stats.requests++;
    const ev = { job, attempt: job.attempt };
    this.net.send(job.requester.addr, job.primary, { kind: 'request', ...ev });
    this.net.timer(job.requester.addr, { kind: 'timeout', ...ev }, this.timeoutUnits);
  }

  private next(job: FetchJob): { node: SimNode; pp: PrePrepare } | undefined {
    job.attempt++;
    job.indexes = job.assembly.fillFrom(poolOf(job.requester));
    if (job.indexes.length === 0) {
      this.stats.late++;
      return this.finish(job);
    }
    if (job.attempt >= ATTEMPTS) {
      job.done = true;
      this.stats.dropped++;
      return undefined;
    }
    this.ask(job);
    return undefined;
  }

  private finish(job: FetchJob): { node: SimNode; pp: PrePrepare } | undefined {
    job.done = true;
    const pp = job.assembly.prePrepare();
    return pp === undefined ? undefined : { node: job.requester, pp };
  }
}

const poolOf =
  (node: SimNode) =>
  (code: Uint8Array): Uint8Array | undefined =>
    node.pool.get(toHex(code));
