// The node's persistence adapter around the pure ledger (ledger/): opens the index Db, writes the
// genesis state once, loads the contract state from the ContractState bucket, then opens the
// store, whose recovery re-executes through the same contracts any block found durable in the
// block log but not yet indexed. commit() runs the contracts and persists the block with its
// receipts, state changes and, before a validator-set activation, the change's proof
// (validator-proofs.ts) in one index batch; recovery keeps the proven state and the proofs the same way.
import { join } from 'node:path';
import type { Block, CertifiedBlock } from '../codec/types.js';
import { Contracts } from '../ledger/contracts.js';
import { LedgerError } from '../ledger/errors.js';
import type { ExecutionResult } from '../ledger/execution.js';
import { genesisState } from '../ledger/genesis.js';
import { ContractState } from '../ledger/state.js';
import { envelopeTracingCode } from './chain/tx-hash.js';
import { NodeError, NodeErrorCode } from './errors.js';
import type { Genesis } from './genesis.js';
import { ProvenState } from './proven-state.js';
import {
  type BlockExecution,
  type Db,
  ensureGenesis,
  LevelDb,
  readContractState,
  Store,
  StoreError,
  StoreErrorCode,
  type Tip,
} from './store/index.js';
import { validatorProofToKeep } from './validator-proofs.js';

export interface PersistedLedgerOptions {
  /** Index database; default a LevelDb at <dir>/index. */
  db?: Db;
  segmentBytes?: number;
}

/** Commits waiting behind the running one; more is a caller bug (the driver commits in order). */
export const MAX_QUEUED_COMMITS = 64;

export interface Committed {
  tip: Tip;
  execution: ExecutionResult;
}

/** The genesis state; a genesis no state can start from is a config error, as parsing would say. */
function initialState(genesis: Genesis): ReturnType<typeof genesisState> {
  try {
    return genesisState(genesis);
  } catch (err) {
    if (err instanceof LedgerError)
      throw new NodeError(NodeErrorCode.BadConfig, `invalid genesis: ${err.message}`, { ...err.meta });
    throw err;
  }
}

/**
 * Runs the block's contracts; before that, while the contract state is the one the block's header
 * certifies, takes the proof of a validator-set change activating at the next height.
 */
function executeBlock(contracts: Contracts, proven: ProvenState, block: Block): BlockExecution {
  const validatorProof = validatorProofToKeep(contracts.state, proven, block.header.height);
  const execution = contracts.applyBlock(block);
  return validatorProof === undefined ? execution : { ...execution, validatorProof };
}

export class PersistedLedger {
  private broken = false;
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** The state the newest certified header commits to, for state proofs (one block behind). */
  readonly proven: ProvenState;

  private constructor(
    readonly store: Store,
    readonly contracts: Contracts,
    proven: ProvenState,
  ) {
    this.proven = proven;
  }

  static async open(
    dir: string,
    genesis: Genesis,
    opts: PersistedLedgerOptions = {},
  ): Promise<PersistedLedger> {
    const db = opts.db ?? (await LevelDb.open(join(dir, 'index')));
    try {
      const g = initialState(genesis);
      await ensureGenesis(db, genesis.chainId, g.changes, g.root);
      const state = ContractState.fromEntries(await readContractState(db));
      const contracts = new Contracts(state, genesis.chainId);
      const proven = new ProvenState(contracts.state.entries());
      const store = await Store.open(dir, {
        db,
        segmentBytes: opts.segmentBytes,
        // A re-executed block is indexed as a live commit is, its change proof included; the
        // proven state follows, so it certifies the recovered tip's header right after open.
        execute: (cb) => {
          const execution = executeBlock(contracts, proven, cb.block);
          proven.committed(cb.block.header.height, execution.stateChanges);
          return execution;
        },
        // Admission or pre-verification already hashed each envelope: the commit reuses those codes.
        tracingCode: envelopeTracingCode,
      });
      return new PersistedLedger(store, contracts, proven);
    } catch (err) {
      // Release the LevelDB lock so the caller can repair and retry in the same process.
      if (opts.db === undefined) await db.close();
      throw err;
    }
  }

  tip(): Tip | undefined {
    return this.store.tip();
  }

  /**
   * Executes and persists a committed block. If persisting fails the in-memory contract state is
   * ahead of the disk: the ledger refuses further commits and the node must reopen it (recovery
   * then replays the block from the log if it reached it).
   */
  commit(bytes: Uint8Array, decoded: CertifiedBlock): Promise<Committed> {
    // Commits run one after another: each checks its height against the tip the previous one left.
    if (this.waiting >= MAX_QUEUED_COMMITS)
      return Promise.reject(
        new StoreError(StoreErrorCode.Busy, 'too many commits queued', { queued: this.waiting }),
      );
    this.waiting++;
    const run = this.queue.then(() => {
      this.waiting--;
      return this.commitNow(bytes, decoded);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async commitNow(bytes: Uint8Array, decoded: CertifiedBlock): Promise<Committed> {
    if (this.broken) throw new StoreError(StoreErrorCode.NeedsReopen, 'a commit failed: reopen the ledger');
    const height = decoded.block.header.height;
    const expected = (this.store.tip()?.height ?? 0) + 1;
    if (height !== expected)
      throw new StoreError(StoreErrorCode.NotNextHeight, 'block out of order', { height, expected });
    let execution: ExecutionResult | undefined;
    let tip: Tip;
    try {
      tip = await this.store.commit(bytes, decoded, () => {
        execution = executeBlock(this.contracts, this.proven, decoded.block);
        return execution;
      });
      this.proven.committed(height, (execution as ExecutionResult).stateChanges);
    } catch (err) {
      // The contracts may have run: in-memory state can be ahead of the disk.
      if (execution !== undefined) this.broken = true;
      throw err;
    }
    return { tip, execution: execution as ExecutionResult };
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

export function openPersistedLedger(
  dir: string,
  genesis: Genesis,
  opts: PersistedLedgerOptions = {},
): Promise<PersistedLedger> {
  return PersistedLedger.open(dir, genesis, opts);
}
