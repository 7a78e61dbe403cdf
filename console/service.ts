// The console's state and its one read loop: every second each node is polled (in parallel), new
// blocks are fetched once, and the snapshot every open page receives over Server-Sent Events is
// rebuilt. Viewers never cause upstream reads of their own except for what they ask explicitly
// (a block's detail, a trace), so fifty viewers cost the nodes what one does.

import { BkdmsClient } from '../api/client.js';
import { pause } from '../api/retry.js';
import type { ClientTls } from '../api/tls.js';
import { toHex } from '../crypto/bytes.js';
import type { Ed25519KeyPair } from '../crypto/ed25519.js';
import { keyIdOf } from '../crypto/key-id.js';
import { ConsoleActions } from './actions.js';
import {
  type BlockSummary,
  blockInterval,
  ChainView,
  type ConsistencyRow,
  envelopesPerSecond,
  lastVotes,
} from './chain-view.js';
import { type NodeView, NodeWatch } from './node-watch.js';
import { type PlatformView, PlatformWatch } from './platform-watch.js';
import { clientReader, ProvenReads } from './proven-reads.js';

export interface ConsoleAnchor {
  chainId: string;
  validators: string[];
  source: string;
}

export interface ConsoleOptions {
  rpc: string[];
  /** Management HTTP addresses in the order of `rpc` (alarms); absent entries read no alarms. */
  mgmt?: (string | undefined)[];
  platform?: string;
  tls: (address: string) => ClientTls;
  anchor?: ConsoleAnchor;
  pollMs?: number;
  /** An administrator's key: approving proposals, acknowledging alarms. Absent: read-only. */
  adminKey?: Ed25519KeyPair;
}

export interface Snapshot {
  time: number;
  chainId?: string;
  height: number;
  blockIntervalMs?: number;
  envelopesPerSecond: number;
  nodesUp: number;
  nodes: (Omit<NodeView, 'info' | 'samples'> & { lagMs: number; sample?: NodeView['samples'][number] })[];
  validators: string[];
  primary?: number;
  view?: number;
  lastVotes: (number | null)[];
  recentBlocks: BlockSummary[];
  consistency?: ConsistencyRow;
  activeAlarms: number;
  platform?: PlatformView;
  /** Key ID of the console's administrator key; absent when the console is read-only. */
  adminKeyId?: string;
}

export class ConsoleService {
  readonly nodes: NodeWatch[];
  readonly chain: ChainView;
  readonly platform: PlatformWatch | undefined;
  readonly actions: ConsoleActions;
  /** Contract-state reads proven against the anchor (governance, sites, what an approval names). */
  readonly reads: ProvenReads;
  private readonly abort = new AbortController();
  private readonly listeners = new Set<(s: Snapshot) => void>();
  private rounds = 0;
  private platformBusy = false;
  snapshot: Snapshot;

  constructor(readonly opts: ConsoleOptions) {
    this.nodes = opts.rpc.map(
      (rpc, i) =>
        new NodeWatch({
          rpc,
          name: `node ${i}`,
          tls: opts.tls(rpc),
          ...(opts.mgmt?.[i] ? { mgmt: opts.mgmt[i] } : {}),
        }),
    );
    this.chain = new ChainView(this.nodes);
    this.platform = opts.platform === undefined ? undefined : new PlatformWatch(opts.platform);
    // The nodes up are asked first, in --rpc order; a node that lies is passed over for the next.
    this.reads = new ProvenReads(() => {
      const up = this.nodes.filter((n) => n.view.up);
      return (up.length > 0 ? up : this.nodes).map((n) => ({
        name: n.view.name,
        node: clientReader(n.client),
      }));
    }, opts.anchor);
    // A counterparty's node is reached as the console's own nodes are (its TLS flags).
    const remote = (address: string): BkdmsClient =>
      new BkdmsClient({ address, tls: opts.tls(address), deadlineMs: 10_000 });
    this.actions = new ConsoleActions(this.nodes, opts.adminKey, this.reads, {}, undefined, remote);
    this.snapshot = this.build();
  }

  /** Starts the loop; resolves after the first round, so the first page load has data. */
  async start(): Promise<void> {
    for (const n of this.nodes) void n.followSamples();
    await this.round();
    void this.loop();
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      // pause() drops its abort listener when the time is up: this loop runs once a second for as
      // long as the console does, and must not leave a listener on the signal per round.
      await pause(this.opts.pollMs ?? 1_000, signal);
      if (!signal.aborted) await this.round();
    }
  }

  private async round(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.poll()));
    try {
      await this.chain.catchUp();
    } catch {
      // Every holder failed this time; the next round tries again from the same height.
    }
    if (this.rounds % 5 === 0) await this.chain.checkConsistency();
    // The platform is probed beside the loop: a slow platform must not delay the nodes' view.
    if (this.platform !== undefined && this.rounds % 5 === 0 && !this.platformBusy) {
      this.platformBusy = true;
      void this.platform.poll([...this.chain.blocks]).finally(() => {
        this.platformBusy = false;
      });
    }
    this.rounds++;
    this.snapshot = this.build();
    for (const l of this.listeners) l(this.snapshot);
  }

  get adminKey(): Ed25519KeyPair | undefined {
    return this.opts.adminKey;
  }

  get adminKeyId(): string | undefined {
    return this.opts.adminKey === undefined ? undefined : toHex(keyIdOf(this.opts.adminKey.publicKey));
  }

  subscribe(listener: (s: Snapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get viewers(): number {
    return this.listeners.size;
  }

  private build(): Snapshot {
    const now = Date.now();
    const statuses = this.nodes.flatMap((n) => (n.view.up && n.view.status ? [n.view.status] : []));
    const newest = statuses.reduce<(typeof statuses)[number] | undefined>(
      (a, s) => (a === undefined || s.height > a.height ? s : a),
      undefined,
    );
    const validators = this.opts.anchor?.validators ?? newest?.validators ?? [];
    const blocks = this.chain.blocks;
    const snap: Snapshot = {
      time: now,
      height: Math.max(0, ...statuses.map((s) => s.height)),
      envelopesPerSecond: envelopesPerSecond(blocks),
      nodesUp: statuses.length,
      nodes: this.nodes.map((n) => {
        const { info: _info, samples, ...rest } = n.view;
        const sample = samples.at(-1);
        return {
          ...rest,
          lagMs: n.view.lastOkAt === 0 ? -1 : now - n.view.lastOkAt,
          ...(sample ? { sample } : {}),
        };
      }),
      validators,
      lastVotes: lastVotes(blocks, validators.length),
      recentBlocks: blocks.slice(-30),
      activeAlarms: this.nodes.reduce(
        (sum, n) => sum + n.view.alarms.filter((a) => a.state !== 'cleared').length,
        0,
      ),
    };
    const chainId = this.opts.anchor?.chainId ?? newest?.chainId;
    if (chainId !== undefined) snap.chainId = chainId;
    const interval = blockInterval(blocks);
    if (interval !== undefined) snap.blockIntervalMs = interval;
    if (newest !== undefined) {
      snap.primary = newest.primary;
      snap.view = newest.view;
    }
    if (this.chain.consistency !== undefined) snap.consistency = this.chain.consistency;
    if (this.platform !== undefined) snap.platform = this.platform.view;
    const adminKeyId = this.adminKeyId;
    if (adminKeyId !== undefined) snap.adminKeyId = adminKeyId;
    return snap;
  }

  stop(): void {
    this.abort.abort();
    for (const n of this.nodes) n.close();
    this.listeners.clear();
  }
}

export const hex = toHex;
