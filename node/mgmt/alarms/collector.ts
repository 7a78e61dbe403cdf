// Reads the running node into a Snapshot for the rules (signals.ts): connections to each
// validator, each peer's signed tip (height and block hash from its CHECKPOINT heartbeats), our own
// recent block hashes, the proposers' clocks as their block times show them, the driver's vote and
// evidence counters, disk, memory, the TLS certificate, the SCP keys in force and the light clients
// of other chains. The only module of fault management that touches the node and the host.
import { X509Certificate } from 'node:crypto';
import { readFileSync, statfsSync } from 'node:fs';
import type { Replica } from '../../../consensus/replica.js';
import type { ScpKey } from '../../../ledger/scp-keys.js';
import type { ClientRecord, ConsensusRecord } from '../../../ledger/xchain/records.js';
import type { Committed } from '../../chain/chain.js';
import type { FaultSignals } from '../../consensus-driver.js';
import { peerIdOfPublicKey } from '../../p2p/index.js';
import type { MemberChangeSignal, Snapshot, ValidatorSignal, XchainClientSignal } from './signals.js';

export interface CollectorSources {
  replica: Pick<Replica, 'state' | 'peerTips' | 'footprint' | 'stats'>;
  connectedPeers(): string[];
  /** Public keys of the validator set in force. */
  validators(): Uint8Array[];
  pending(): number;
  faults: FaultSignals;
  scpKeys(): ScpKey[];
  dataDir: string;
  /** PEM file of the RPC TLS certificate, when the node serves TLS. */
  tlsCert?: string;
  /** `count,atMs,reason` from the supervisor that restarted this process (BKDMS_RESTART). */
  restartNotice?: string;
  /** Light clients of other chains in the committed contract state, with their latest consensus state. */
  xchainClients?(): { client: ClientRecord; latest?: ConsensusRecord }[];
  clock?: () => number;
  /** The snapshot comparison's last findings (node/snapshot/comparer.ts), when the node runs one. */
  snapshotDivergence?: () => NonNullable<Snapshot['snapshotDivergence']>;
}

/** Our block hashes kept for comparison with the peers' announcements. */
const HASHES_KEPT = 1024;
/** Membership changes kept for the notice rule (a governance round changes a handful). */
const MEMBER_CHANGES_KEPT = 64;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export class SignalCollector {
  private readonly hashes = new Map<number, string>();
  /** Proposer's block time minus our clock at commit, by proposer key (hex). */
  private readonly skews = new Map<string, number>();
  private readonly tlsNotAfter: number | undefined;
  private readonly restarts: Snapshot['restarts'];
  private readonly memberChanges: MemberChangeSignal[] = [];
  private readonly clock: () => number;
  /** The state root this node computed through its last committed block. */
  private lastRoot: { height: number; root: string } | undefined;
  private stateRootMismatch: Snapshot['stateRootMismatch'];

  constructor(private readonly s: CollectorSources) {
    this.clock = s.clock ?? Date.now;
    this.tlsNotAfter = certNotAfter(s.tlsCert);
    this.restarts = parseRestart(s.restartNotice);
  }

  /** Chain listener: our block hash at each height, and the proposer's clock as its block shows it. */
  readonly onCommitted = (c: Committed): void => {
    const { header } = c.block.block;
    this.hashes.set(header.height, hex(c.tip.hash));
    if (this.hashes.size > HASHES_KEPT) this.hashes.delete(this.hashes.keys().next().value as number);
    this.compareStateRoot(header.height, hex(header.stateRoot), c.tip.stateRoot);
    // Blocks fetched by state transfer are old: their time says nothing of the proposer's clock.
    if (this.catchingUp()) return;
    const proposer = this.s.validators()[header.proposer];
    if (proposer !== undefined) this.skews.set(hex(proposer), header.time - this.clock());
  };

  /**
   * Governance listener: a membership change this node committed, at its block's time, so a change
   * replayed by state transfer long after it happened has aged out of the notice already.
   */
  noteMemberChange(c: MemberChangeSignal): void {
    this.memberChanges.push(c);
    if (this.memberChanges.length > MEMBER_CHANGES_KEPT) this.memberChanges.shift();
  }

  /** Seeds the hash (and the state root this node computed) of the tip the node started from. */
  noteTip(height: number, hash: Uint8Array, stateRoot?: Uint8Array): void {
    this.hashes.set(height, hex(hash));
    if (stateRoot !== undefined) this.lastRoot = { height, root: hex(stateRoot) };
  }

  /**
   * A header carries the state root after its parent, so block h's header, certified by a quorum,
   * says what the state through h − 1 must be: this node's own root through h − 1 must equal it.
   * Peers never see a node's computed state (its blocks and their hashes are the quorum's), so
   * this check is the node's own. After a jump (snapshot install) there is nothing to compare.
   */
  private compareStateRoot(height: number, chainRoot: string, ours: Uint8Array | undefined): void {
    const prev = this.lastRoot;
    if (prev !== undefined && prev.height === height - 1)
      this.stateRootMismatch =
        prev.root === chainRoot ? undefined : { height, ours: prev.root, chain: chainRoot };
    this.lastRoot = ours === undefined ? undefined : { height, root: hex(ours) };
  }

  private catchingUp(): boolean {
    const st = this.s.replica.state;
    return this.s.replica.footprint().transferQueue > 0 || st.applied < st.height;
  }

  snapshot(): Snapshot {
    const now = this.clock();
    const { replica, faults } = this.s;
    const st = replica.state;
    const keys = this.s.validators();
    const connected = new Set(this.s.connectedPeers());
    const tips = new Map(replica.peerTips().map((t) => [hex(t.key), t]));
    const index = new Map(keys.map((k, i) => [hex(k), i]));
    const validators: ValidatorSignal[] = keys.map((k, i) => {
      const tip = tips.get(hex(k));
      const self = i === st.self;
      return {
        index: i,
        connected: self || connected.has(peerIdOfPublicKey(k)),
        height: self ? st.height : (tip?.height ?? -1),
        hash: self || tip === undefined ? undefined : hex(tip.digest),
        skewMs: self ? undefined : this.skews.get(hex(k)),
      };
    });
    const hashes: Record<number, string> = {};
    for (const v of validators) {
      const h = this.hashes.get(v.height);
      if (h !== undefined) hashes[v.height] = h;
    }
    return {
      now,
      self: st.self,
      validators,
      height: st.height,
      hashes,
      pending: this.s.pending(),
      catchingUp: this.catchingUp(),
      inViewChange: st.inViewChange,
      viewChanges: replica.stats.viewChanges,
      votesSent: faults.votesSent,
      evidence: faults.evidence.map((e) => ({ offender: index.get(hex(e.offender)) ?? -1, at: e.at })),
      disk: diskOf(this.s.dataDir),
      rssBytes: process.memoryUsage.rss(),
      tlsNotAfter: this.tlsNotAfter,
      scpKeyNotAfter: scpKeyNotAfter(this.s.scpKeys(), now),
      restarts: this.restarts,
      memberChanges: [...this.memberChanges],
      stateRootMismatch: this.stateRootMismatch,
      snapshotDivergence: this.s.snapshotDivergence?.(),
      xchainClients: this.s.xchainClients?.().map(clientSignal),
    };
  }
}

function clientSignal(r: { client: ClientRecord; latest?: ConsensusRecord }): XchainClientSignal {
  const { client: c, latest } = r;
  return {
    clientId: c.clientId,
    chainId: c.chainId,
    frozenHeight: c.frozenHeight,
    latestHeight: c.latestHeight,
    latestTime: latest?.time,
    trustingPeriodMs: c.trustingPeriodMs,
  };
}

function diskOf(dir: string): Snapshot['disk'] {
  try {
    const s = statfsSync(dir);
    return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
  } catch {
    return undefined;
  }
}

function certNotAfter(path: string | undefined): number | undefined {
  if (path === undefined) return undefined;
  try {
    return Date.parse(new X509Certificate(readFileSync(path)).validTo);
  } catch {
    return undefined;
  }
}

/** The latest expiry among the keys not retired; undefined when there is none. */
export function scpKeyNotAfter(keys: readonly ScpKey[], now: number): number | undefined {
  // A successor registered ahead of time (notBefore in the future) counts: it takes over in time.
  const inForce = keys.filter((k) => !k.retired && (k.notBefore <= now || k.notAfter > now));
  return inForce.length === 0 ? undefined : Math.max(...inForce.map((k) => k.notAfter));
}

export function parseRestart(notice: string | undefined): Snapshot['restarts'] {
  const m = /^(\d+),(\d+),(.{0,200})$/s.exec(notice ?? '');
  return m === null ? undefined : { count: Number(m[1]), at: Number(m[2]), reason: m[3]! };
}
