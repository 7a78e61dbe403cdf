// The contract state at height 0, built from a chain's genesis by the same contract code that later
// executes governance actions, so a node (its store's first batch) and the platform (its ledger
// before block 1) start from the same bytes and the same state root. Reading and validating the
// genesis file is not done here (node/genesis.ts): this takes the parsed values.
import type { ChainParams, GovernanceAction, Hash32 } from '../codec/types.js';
import { LedgerError, LedgerErrorCode } from './errors.js';
import type { StateChange } from './execution.js';
import { Reason } from './reasons.js';
import { hex, K } from './records.js';
import { applySiteAction } from './registry.js';
import { PARAMS_KEY, schedule, VALIDATORS_KEY } from './schedule.js';
import { addScpKey } from './scp-keys.js';
import { ContractState } from './state.js';

/** What the initial state is made of (node/genesis.ts `Genesis` has this shape and more). */
export interface LedgerGenesis {
  chainId: Hash32;
  validators: Uint8Array[];
  admins: Uint8Array[];
  threshold: number;
  sites: Extract<GovernanceAction, { type: 'registerSite' }>[];
  scpKeys: { publicKey: Uint8Array; notBefore: number; notAfter: number }[];
  params: ChainParams;
}

function bad(message: string, field: string): never {
  throw new LedgerError(LedgerErrorCode.BadGenesis, message, { field });
}

/** The contract state at height 0: its entries as state changes, and its root. */
export function genesisState(g: LedgerGenesis): {
  state: ContractState;
  changes: StateChange[];
  root: Uint8Array;
} {
  const state = new ContractState();
  state.put(K.admins, { admins: g.admins.map(hex), threshold: g.threshold });
  schedule(state, PARAMS_KEY, 0, { ...g.params });
  schedule(state, VALIDATORS_KEY, 0, g.validators.map(hex));
  g.sites.forEach((s, i) => {
    if (applySiteAction(state, s) !== Reason.None)
      bad(`sites.${i}: duplicate site key or address`, `sites.${i}`);
  });
  g.scpKeys.forEach((k, i) => {
    if (addScpKey(state, k) !== Reason.None) bad(`scpKeys.${i}: duplicate key`, `scpKeys.${i}`);
  });
  const changes = state.flush();
  return { state, changes, root: state.root() };
}
