// The platform's ledger (ledger/, the state machine the nodes run) opened from its database: the
// contract state entries written with the checkpoint, checked against the checkpoint's state root;
// or, before the first block, the genesis state, whose entries are then written with block 1.
import { Contracts } from '../ledger/contracts.js';
import { LedgerError } from '../ledger/errors.js';
import type { StateChange } from '../ledger/execution.js';
import { genesisState, type LedgerGenesis } from '../ledger/genesis.js';
import { ContractState } from '../ledger/state.js';
import { PlatformError, PlatformErrorCode } from './errors.js';
import { hex } from './hex.js';
import type { ExtractorCheckpoint, PlatformStore } from './store.js';

export interface OpenedLedger {
  ledger: Contracts;
  /** Genesis entries not in the store yet: written with the first block. */
  genesisChanges: StateChange[];
  /** True while the ledger in memory may be ahead of the store (a block executed, not yet written). */
  stale: boolean;
}

function initialState(genesis: LedgerGenesis): ReturnType<typeof genesisState> {
  try {
    return genesisState(genesis);
  } catch (err) {
    if (err instanceof LedgerError)
      throw new PlatformError(PlatformErrorCode.BadConfig, `invalid genesis: ${err.message}`, {
        ...err.meta,
      });
    throw err;
  }
}

/** The ledger as of `cp` (the store's checkpoint; undefined before the first block). */
export async function openLedger(
  store: PlatformStore,
  genesis: LedgerGenesis,
  cp: ExtractorCheckpoint | undefined,
): Promise<OpenedLedger> {
  if (cp === undefined) {
    const g = initialState(genesis);
    return { ledger: new Contracts(g.state, genesis.chainId), genesisChanges: g.changes, stale: false };
  }
  const state = ContractState.fromEntries(await store.stateEntries());
  const root = hex(state.root());
  if (root !== cp.stateRoot)
    throw new PlatformError(
      PlatformErrorCode.Store,
      `the contract state in the platform database hashes to ${root}, its checkpoint says ${cp.stateRoot}`,
      { height: cp.height },
    );
  return { ledger: new Contracts(state, genesis.chainId), genesisChanges: [], stale: false };
}
