// Public API of ledger/: the system contracts as one pure state machine (governance, site registry,
// SCP key directory, schedules, replay windows, receipts), its in-memory state and state root, the
// upload admission rule, and the genesis state. Shared by the node (which persists it in its
// store) and the platform (which re-executes every certified block with it).
// Owns: what the chain enforces about who may upload and how governance changes it.
// Does not own: signature verification, persistence, the genesis file format, any I/O or clock.
export { Contracts, type SiteInfo } from './contracts.js';
export { LedgerError, LedgerErrorCode } from './errors.js';
export { type ExecutionResult, type Receipt, ReceiptStatus, type StateChange } from './execution.js';
export { genesisState, type LedgerGenesis } from './genesis.js';
export { type Check, Reason } from './reasons.js';
export type { UploadFields } from './registry.js';
export type { ScpKey } from './scp-keys.js';
export { SEQ_WINDOW } from './seq-window.js';
export { ContractState } from './state.js';
export { StateProofCheck, verifyStateGroup, verifyStateProof } from './state-proof.js';
export {
  bucketOf,
  GROUP_PREFIXES,
  type GroupPrefix,
  groupOf,
  isGroupPrefix,
  STATE_BUCKETS,
  StateRootTree,
} from './state-root.js';
