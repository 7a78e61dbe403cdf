// The chain as this node holds it in memory, in one place (the lodestar BeaconChain idea): the
// mempool of admitted envelopes, the tracing codes pre-verified outside admission, the applied
// tip's header (the next block's parent), the last committed blocks (NEW-VIEW re-proposals), the
// block notifier (SubscribeBlocks) and the chain parameters in force. The consensus driver reports
// each applied block to `committed`, which updates these first and then tells the listeners
// (relay, peer allow list, metrics) in the order they subscribed.
import type { Block, CertifiedBlock, ChainParams } from '../../codec/types.js';
import { defaultConsensusParams } from '../../consensus/params.js';
import type { VerifyPool } from '../../crypto/verify-pool.js';
import type { Contracts } from '../../ledger/contracts.js';
import type { AdmissionTime } from '../admission/authorize.js';
import { preverifyEnvelopes } from '../admission/preverify.js';
import type { BlockContext } from '../block-rules.js';
import type { Store, Tip } from '../store/index.js';
import { BlockNotifier } from './block-notifier.js';
import { Mempool, type MempoolOptions } from './mempool.js';
import { ChainParamsView } from './params.js';
import { ParentTracker } from './parent-tracker.js';
import { RecentBlocks, recentBlocksBounds } from './recent-blocks.js';

/** What the driver hands over for each applied block (see DriverDeps.onCommitted). */
export interface Committed {
  block: CertifiedBlock;
  tip: Tip;
  /** The block's tracing codes (hex), in block order. */
  ids: readonly string[];
  /** When each of its envelopes this node's mempool held had arrived there (ms). */
  arrivals: readonly number[];
}

export type CommittedListener = (c: Committed) => void;

export interface ChainGenesis {
  chainId: Uint8Array;
  genesisTime: number;
  params: ChainParams;
}

export interface ChainParts {
  store: Pick<Store, 'tip' | 'hashLog'>;
  contracts: Contracts;
  genesis: ChainGenesis;
  mempool: Mempool;
  parents: ParentTracker;
  recent: RecentBlocks;
  now?: () => number;
}

export class Chain {
  readonly mempool: Mempool;
  readonly parents: ParentTracker;
  readonly recent: RecentBlocks;
  readonly notifier = new BlockNotifier();
  readonly params: ChainParamsView;
  /** Block context for building and validating blocks (node/block-rules.ts). */
  readonly blockContext: BlockContext;
  /** Tracing codes (hex) of envelopes outside the mempool whose signatures are known good. */
  private readonly preverified = new Set<string>();
  /**
   * Tracing codes (hex) of proposed envelopes found already in a block, looked up before the
   * proposal is validated (node/committed-lookup.ts); bounded there.
   */
  readonly foundCommitted = new Set<string>();
  private readonly listeners: CommittedListener[] = [];

  constructor(private readonly parts: ChainParts) {
    this.mempool = parts.mempool;
    this.parents = parts.parents;
    this.recent = parts.recent;
    this.params = new ChainParamsView(parts.contracts, parts.genesis.params, () => this.height);
    this.blockContext = {
      chainId: parts.genesis.chainId,
      contracts: parts.contracts,
      parent: () => this.parents.header,
      hashLog: () => parts.store.hashLog(),
      genesisTime: parts.genesis.genesisTime,
      now: parts.now ?? Date.now,
      isVerified: (id) => this.mempool.has(id) || this.preverified.has(id),
      isCommitted: (id) => this.foundCommitted.has(id),
    };
    this.notifier.notify(this.height);
  }

  /** Loads the tip's header and the last committed blocks from the store. */
  static async open(
    store: Store,
    contracts: Contracts,
    genesis: ChainGenesis,
    mempool: MempoolOptions,
  ): Promise<Chain> {
    const recent = new RecentBlocks(recentBlocksBounds(defaultConsensusParams().windowSize));
    await recent.load(store);
    const parents = await ParentTracker.open(store);
    return new Chain({ store, contracts, genesis, mempool: new Mempool(mempool), parents, recent });
  }

  /** When admission judges an envelope: the node's clock, at the next height. */
  admissionTime(): AdmissionTime {
    return { now: (this.parts.now ?? Date.now)(), height: this.height + 1 };
  }

  /** Height of the applied tip. */
  get height(): number {
    return this.parts.store.tip()?.height ?? 0;
  }

  /** Number of pre-verified tracing codes held (a test hook). */
  get preverifiedSize(): number {
    return this.preverified.size;
  }

  /** Verifies on the pool the envelopes of a proposed block that are neither pending nor known good. */
  async preverify(envelopes: Uint8Array[], pool: Pick<VerifyPool, 'verifyBatch'>): Promise<void> {
    await preverifyEnvelopes(envelopes, {
      ctx: this.blockContext,
      pool,
      mempool: this.mempool,
      preverified: this.preverified,
    });
  }

  /** Called after each committed block, once the chain's own state has moved. */
  onCommitted(listener: CommittedListener): void {
    this.listeners.push(listener);
  }

  /** The driver applied a block: move the tip's state, then tell the listeners. */
  committed(c: Committed): void {
    const block: Block = c.block.block;
    this.parents.header = block.header;
    this.recent.add(block);
    // The driver hashed the block's envelopes once already; nothing to do when none was pre-verified.
    if (this.preverified.size > 0) for (const id of c.ids) this.preverified.delete(id);
    this.notifier.notify(block.header.height);
    for (const l of this.listeners) l(c);
  }
}
