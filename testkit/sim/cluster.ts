// The deterministic simulator: replicas (plus optional Twins and observers) on an in-memory
// network driven by a seeded RNG: delay (and so reordering), drop, duplication, partitions,
// message filters, crash and restart from persisted state, Byzantine behaviours. Time advances
// in ticks of TICK units; messages take minDelay..maxDelay units. Invariants are checked after
// every delivered message and every tick.
import { type CertifiedBlock, type ConsensusMessage, MessageType } from '../../codec/types.js';
import { hashKey, toHex } from '../../consensus/bytes.js';
import {
  type ConsensusDeps,
  type ConsensusParams,
  defaultConsensusParams,
  ValidatorSchedule,
  Verifier,
} from '../../consensus/index.js';
import { type BodiesEvent, SimBodies } from './bodies.js';
import { type Behaviour, misbehave } from './byzantine.js';
import { Invariants } from './invariants.js';
import { CHAIN_ID, type NodeHost, type ScheduledParams, type ScheduledSet, SimNode } from './node.js';
import { EventQueue, type Timed } from './queue.js';
import { Rng } from './rng.js';
import { stubHash, stubHashHeader, stubPublicKey, stubSign, stubVerify } from './stub-crypto.js';

export const TICK = 10;

/** The invariant checker only hashes headers and checks signatures. */
const checkOnlyDeps: ConsensusDeps = {
  hashHeader: stubHashHeader,
  verify: stubVerify,
  sign: () => {
    throw new Error('the checker does not sign');
  },
  txHash: (e) => stubHash(e, 3),
  buildBlock: () => {
    throw new Error('the checker does not build blocks');
  },
  validateBlock: () => null,
  committedBlock: () => undefined,
};

export interface NetConfig {
  minDelay: number;
  maxDelay: number;
  drop: number;
  duplicate: number;
}

export interface ClusterOptions {
  n: number;
  seed: number;
  params?: Partial<ConsensusParams>;
  /** Validator ids that run twice with the same key (Twins). */
  twins?: number[];
  /** Extra nodes, not validators at genesis (they may join by a validator set change). */
  observers?: number;
  net?: Partial<NetConfig>;
  /** false: skip the per-event invariant checks (the benchmark measures the core alone). */
  checks?: boolean;
  /** Benchmark mode: nodes skip the driver's own block work (txRoot, validation). */
  light?: boolean;
  /**
   * PRE-PREPAREs by reference, as real nodes send them (bodies.ts): a replica steps a PRE-PREPARE
   * only once it holds every envelope, fetching from the primary what it was not admitted.
   * Default false: the block travels whole (the transcripts were recorded so).
   */
  byReference?: boolean;
  /** Sees every delivered message (tests collect real messages with it). */
  tap?: (msg: ConsensusMessage) => void;
  /** Called after every tick (transcripts note when each node entered each view). */
  onTick?: () => void;
}

/** A rule that drops matching messages (from/to are node addresses). */
export interface Filter {
  from?: number;
  to?: number;
  type?: number;
}

type Delivery = Timed & { to: number; from: number } & (
    | { msg: ConsensusMessage; bodies?: undefined }
    | { msg?: undefined; bodies: BodiesEvent }
  );

export class Cluster implements NodeHost {
  readonly rng: Rng;
  readonly params: ConsensusParams;
  readonly nodes: SimNode[] = [];
  readonly invariants: Invariants;
  readonly net: NetConfig;
  readonly filters: Filter[] = [];
  /** Groups of addresses that can talk to each other; null = fully connected. */
  partition: number[][] | null = null;
  time = 0;
  ticks = 0;
  messages = 0;
  private order = 0;
  private readonly queue = new EventQueue<Delivery>();
  private readonly schedule: ValidatorSchedule;
  private readonly changes: ScheduledSet[] = [];
  private readonly paramChanges: ScheduledParams[] = [];
  private readonly genesisKeys: Uint8Array[];
  /** Recently delivered messages, for replay attacks. */
  readonly recent: ConsensusMessage[] = [];
  private readonly checks: boolean;
  /** Proposal bodies fetched by reference (null: PRE-PREPAREs carry their blocks). */
  readonly bodies: SimBodies | null;

  constructor(readonly opts: ClusterOptions) {
    this.rng = new Rng(opts.seed);
    this.params = { ...defaultConsensusParams(), ...opts.params };
    this.net = { minDelay: 1, maxDelay: 20, drop: 0, duplicate: 0, ...opts.net };
    this.checks = opts.checks ?? true;
    this.bodies = opts.byReference
      ? new SimBodies(
          {
            send: (from, to, ev) => this.deliverBodies(from, to, ev),
            timer: (to, ev, units) =>
              this.queue.push({ at: this.time + units, order: this.order++, to, from: to, bodies: ev }),
            node: (addr) => this.nodes[addr]!,
          },
          // A round trip at the slowest delay, twice over.
          4 * this.net.maxDelay,
        )
      : null;
    this.genesisKeys = Array.from({ length: opts.n }, (_, i) => stubPublicKey(i));
    this.schedule = new ValidatorSchedule(1, this.genesisKeys);
    const verifier = new Verifier(CHAIN_ID, checkOnlyDeps, this.schedule);
    const total = opts.n + (opts.twins?.length ?? 0) + (opts.observers ?? 0);
    this.invariants = new Invariants(verifier, this.params, total);
    const ids = [...Array.from({ length: opts.n }, (_, i) => i), ...(opts.twins ?? [])];
    for (let i = 0; i < (opts.observers ?? 0); i++) ids.push(opts.n + i);
    ids.forEach((id, addr) => {
      const twin = (opts.twins ?? []).includes(id);
      const node = new SimNode(addr, stubPublicKey(id), this, !twin);
      node.light = opts.light ?? false;
      this.nodes.push(node);
    });
    for (const node of this.nodes) node.start();
  }

  // ------------------------------------------------------------------ NodeHost

  keysAt(height: number): Uint8Array[] {
    return [...this.schedule.at(height).keys];
  }

  history(height: number): { from: number; validators: Uint8Array[] }[] {
    const earlier = this.changes
      .filter((c) => c.from <= height)
      .map((c) => ({ from: c.from, validators: c.keys }));
    return [{ from: 1, validators: this.genesisKeys }, ...earlier];
  }

  scheduledAfter(height: number): ScheduledSet[] {
    return this.changes.filter((c) => c.from > height);
  }

  paramsAt(height: number): ConsensusParams {
    let p = this.params;
    for (const c of this.paramChanges) if (c.from <= height) p = c.params;
    return p;
  }

  paramsAfter(height: number): ScheduledParams[] {
    return this.paramChanges.filter((c) => c.from > height);
  }

  committed(node: SimNode, cb: CertifiedBlock): void {
    if (this.checks) this.invariants.committed(node, cb);
  }

  send(from: SimNode, to: 'all' | number, msg: ConsensusMessage): void {
    if (this.checks && from.honest && from.behaviour === null) this.invariants.sent(from, msg);
    const sends = from.behaviour === null ? this.route(from, to, msg) : misbehave(this, from, to, msg);
    for (const s of sends) {
      if (s.msg.type === MessageType.PrePrepare) from.remember(hashKey(s.msg.digest), s.msg.block.envelopes);
      this.deliverLater(from.addr, s.to, s.msg);
    }
  }

  /** The nodes a message to validator index `to` (or everyone) goes to. */
  route(from: SimNode, to: 'all' | number, msg: ConsensusMessage): { to: number; msg: ConsensusMessage }[] {
    const out: { to: number; msg: ConsensusMessage }[] = [];
    // The driver's convention: an index in the set at the sender's tip + 1 (Twins share a key).
    const target = to === 'all' ? null : toHex(this.keysAt(from.height + 1)[to] ?? new Uint8Array());
    for (const node of this.nodes)
      if (node !== from && (target === null || toHex(node.key) === target)) out.push({ to: node.addr, msg });
    return out;
  }

  deliverLater(from: number, to: number, msg: ConsensusMessage): void {
    if (this.blocked(from, to, msg) || this.rng.chance(this.net.drop)) return;
    const copies = this.rng.chance(this.net.duplicate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const at = this.time + this.rng.int(this.net.minDelay, this.net.maxDelay);
      this.queue.push({ at, order: this.order++, to, from, msg });
    }
  }

  /** A BODIES exchange crosses the network like a message: delayed, dropped, partitioned, filtered. */
  private deliverBodies(from: number, to: number, ev: BodiesEvent): void {
    if (this.blocked(from, to) || this.rng.chance(this.net.drop)) return;
    const at = this.time + this.rng.int(this.net.minDelay, this.net.maxDelay);
    this.queue.push({ at, order: this.order++, to, from, bodies: ev });
  }

  private blocked(from: number, to: number, msg?: ConsensusMessage): boolean {
    if (this.partition !== null && !this.partition.some((g) => g.includes(from) && g.includes(to)))
      return true;
    // A filter without a type cuts everything on its link, BODIES exchanges included.
    return this.filters.some(
      (f) =>
        (f.from === undefined || f.from === from) &&
        (f.to === undefined || f.to === to) &&
        (f.type === undefined || f.type === msg?.type),
    );
  }

  // ------------------------------------------------------------------ running

  /** Runs `ticks` ticks, delivering every message due before each. */
  run(ticks: number): void {
    for (let i = 0; i < ticks; i++) {
      const end = this.time + TICK;
      for (let e = this.queue.peek(); e !== undefined && e.at < end; e = this.queue.peek()) {
        this.queue.pop();
        this.time = e.at;
        this.deliver(e);
      }
      this.time = end;
      this.ticks++;
      for (const node of this.nodes) {
        if (node.replica === null) continue;
        node.replica.tick();
        node.drain();
        if (this.checks) this.invariants.memory(node);
      }
      this.opts.onTick?.();
    }
  }

  /** Runs until `cond` holds or `max` ticks pass; returns the ticks taken, or -1. */
  runUntil(cond: () => boolean, max: number): number {
    for (let i = 0; i < max; i++) {
      if (cond()) return i;
      this.run(1);
    }
    return cond() ? max : -1;
  }

  private deliver(e: Delivery): void {
    const node = this.nodes[e.to];
    if (e.bodies !== undefined) {
      // A timer is local; an exchange is cut by a partition raised while it was under way.
      if (node?.replica == null || (e.from !== e.to && this.blocked(e.from, e.to))) return;
      const whole = this.bodies!.handle(e.bodies);
      if (whole !== undefined) this.step(whole.node, whole.pp);
      return;
    }
    if (node?.replica == null || this.blocked(e.from, e.to, e.msg)) return;
    this.messages++;
    this.opts.tap?.(e.msg);
    if (this.recent.length >= 512) this.recent.shift();
    this.recent.push(e.msg);
    if (this.bodies !== null && e.msg.type === MessageType.PrePrepare) {
      const pp = this.bodies.receive(node, e.from, e.msg);
      if (pp !== undefined) this.step(node, pp);
      return;
    }
    this.step(node, e.msg);
  }

  private step(node: SimNode, msg: ConsensusMessage): void {
    if (node.replica === null) return;
    node.replica.step(msg);
    node.drain();
    if (this.checks) this.invariants.memory(node);
  }

  // ------------------------------------------------------------------ faults and inputs

  /**
   * Admits `count` new envelopes at every live node (the mempool gossips them), or only at
   * `addrs`; `size` pads each to exactly that many bytes (block byte-limit scenarios).
   */
  request(count: number, addrs?: number[], size?: number): Uint8Array[] {
    const envs: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const text = new TextEncoder().encode(`envelope ${this.ticks}/${i} ${this.order++}`);
      if (size === undefined) envs.push(text);
      else if (size < text.length) throw new Error(`envelope size ${size} below ${text.length} bytes`);
      else {
        const padded = new Uint8Array(size).fill(0x2e);
        padded.set(text);
        envs.push(padded);
      }
    }
    this.admit(envs, addrs);
    return envs;
  }

  admit(envs: Uint8Array[], addrs?: number[]): void {
    const reqs = envs.map((bytes) => ({ hash: this.nodes[0]!.deps.txHash(bytes), bytes }));
    for (const node of this.nodes) {
      if (node.replica === null || (addrs !== undefined && !addrs.includes(node.addr))) continue;
      if (this.bodies !== null) for (const r of reqs) node.pool.set(toHex(r.hash), r.bytes);
      node.replica.addRequests(reqs);
      node.drain();
    }
  }

  crash(addr: number): void {
    this.nodes[addr]!.crash();
  }

  restart(addr: number): void {
    const node = this.nodes[addr]!;
    if (node.replica === null) node.start();
  }

  heal(): void {
    this.partition = null;
    this.filters.length = 0;
    this.net.drop = 0;
    this.net.duplicate = 0;
  }

  /**
   * Validator ids `ids` certify every block from `from` on. decidedAt 0: fed to every live node
   * now; else as a real driver does, when the node applies the governance block `decidedAt`.
   */
  scheduleValidators(from: number, ids: number[], decidedAt = 0): void {
    const keys = ids.map((id) => stubPublicKey(id));
    this.changes.push({ from, keys, decidedAt });
    this.schedule.schedule(from, keys);
    for (const node of this.nodes) node.feedSchedule();
  }

  /** Governance changes chain parameters from height `from` on (decidedAt as for validators). */
  scheduleParams(from: number, change: Partial<ConsensusParams>, decidedAt = 0): void {
    this.paramChanges.push({ from, params: { ...this.paramsAt(from), ...change }, decidedAt });
    this.paramChanges.sort((a, b) => a.from - b.from);
    for (const node of this.nodes) node.feedSchedule();
  }

  honest(): SimNode[] {
    return this.nodes.filter((n) => n.honest && n.behaviour === null);
  }

  /** Signs as node `addr` (Byzantine behaviours use their own key only). */
  signAs(addr: number, bytes: Uint8Array): Uint8Array {
    return stubSign(this.nodes[addr]!.key, bytes);
  }

  summary(): string {
    return this.nodes
      .map((n) => {
        const s = n.replica?.state;
        const st = s
          ? `v${s.view}${s.inViewChange ? '*' : ''} h${n.height} s${s.stableSeq}`
          : `down h${n.height}`;
        return `${n.addr}:${st}`;
      })
      .join(' ');
  }
}

export type { Behaviour };
