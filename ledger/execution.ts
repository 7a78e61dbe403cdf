// What executing a block produces: one receipt per envelope, the contract-state writes, and the
// state root after the block. The node's store persists these in the block's index batch
// (node/store), the platform in its own database (platform/store.ts); the receipts' byte layout
// is the store's (node/store/values.ts).

export enum ReceiptStatus {
  Applied = 1,
  Rejected = 2,
}

/** The execution record of one envelope. `reason` is 0 when applied (codes: ledger/reasons.ts). */
export interface Receipt {
  status: ReceiptStatus;
  reason: number;
}

/** A contract-state write: value undefined deletes. Keys are contract-state keys (ASCII, records.ts). */
export interface StateChange {
  key: Uint8Array;
  value: Uint8Array | undefined;
}

export interface ExecutionResult {
  /** One per envelope, in block order. */
  receipts: Receipt[];
  stateChanges: StateChange[];
  /** State root after this block. */
  stateRoot: Uint8Array;
}
