// Public API of node/contracts: the system contracts (governance, site registry, SCP key
// directory, receipts), the admission rule, and the ledger that runs them over the store.
// Owns: what the chain enforces about who may upload and how governance changes it.
// Does not own: signature verification (the node's worker pool, before admission), storage layout.
export { Contracts, type SiteInfo } from './contracts.js';
export { Ledger, type LedgerOptions, openLedger } from './ledger.js';
export { type Check, Reason } from './reasons.js';
export type { UploadFields } from './registry.js';
export type { ScpKey } from './scp-keys.js';
export { SEQ_WINDOW } from './seq-window.js';
export { ContractState } from './state.js';
